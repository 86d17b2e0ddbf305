package dev.astravault.internal.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.AstraVaultException;
import dev.astravault.MisplacedSecretException;
import dev.astravault.internal.support.Validation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * JSON Web Tokens (a Kubernetes service-account token, a JWT for Vault's JWT/OIDC auth) are masked whole wherever
 * the library writes text: a segment of 10 or more base64url characters starting {@code eyJ}, at the start of a word
 * or after {@code .-_}, followed by a {@code .}, and the rest of its run of {@code A-Za-z0-9._-}.
 */
class RedactionJwtTest {
  static final String HEADER = b64("{\"alg\":\"RS256\",\"kid\":\"3Tq0x1d9a7\"}");
  static final String PAYLOAD = b64("{\"iss\":\"kubernetes/serviceaccount\","
      + "\"sub\":\"system:serviceaccount:orders:orders-api\",\"exp\":1798761600}");
  static final String SIGNATURE = b64(random(256));
  /** A compact JWS, as a projected service-account token file holds. */
  static final String JWT = HEADER + "." + PAYLOAD + "." + SIGNATURE;
  /** An HS256 JWS: its signature is 43 characters, a store key's length. */
  static final String HS256 = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + PAYLOAD + "." + b64(random(32));
  /** An unsecured JWS ({@code alg: none}): the signature is empty, the token ends with its second dot. */
  static final String UNSECURED = b64("{\"alg\":\"none\"}") + "." + PAYLOAD + ".";
  /** A compact JWE with direct encryption: five segments, the encrypted key empty. */
  static final String JWE = b64("{\"alg\":\"dir\",\"enc\":\"A256GCM\"}") + ".." + b64(random(12)) + "."
      + b64(random(120)) + "." + b64(random(16));

  static String b64(String json) {
    return b64(json.getBytes(StandardCharsets.UTF_8));
  }

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  /** Parts of a token that must not be readable once masked: each segment, and its random tail. */
  static List<String> partsOf(String token) {
    return List.of(PAYLOAD.substring(20, 40), SIGNATURE.substring(0, 12), token.substring(token.length() - 12));
  }

  @Test
  void everyShapeOfJwtIsMaskedWhole() {
    Map<String, String> masked = Map.ofEntries(
        Map.entry(JWT, "██"),
        Map.entry(HS256, "██"),
        Map.entry(UNSECURED, "██"),
        Map.entry(JWE, "██"),
        Map.entry("Authorization: Bearer " + JWT, "Authorization: Bearer ██"),
        Map.entry("cannot read /var/run/" + JWT + " (no such file)", "cannot read /var/run/██ (no such file)"),
        Map.entry("jwt=" + JWT + "&role=reader", "jwt=██&role=reader"),
        Map.entry("'" + JWT + "'", "'██'"),
        Map.entry("token-" + JWT, "token-██"),
        Map.entry("x." + JWT, "x.██"),
        // Cut short either side: the header and payload without a signature, the payload and signature alone.
        Map.entry("login with " + HEADER + "." + PAYLOAD.substring(0, 30) + "…", "login with ██…"),
        Map.entry("…" + PAYLOAD + "." + SIGNATURE + " refused", "…██ refused"),
        Map.entry("first " + JWT + ", then " + UNSECURED + " " + JWE, "first ██, then ██ ██"));
    masked.forEach((text, expected) -> {
      assertThat(Redaction.scrub(text)).as(text).isEqualTo(expected);
      assertThat(Redaction.scrubByRegex(text)).as(text).isEqualTo(expected);
      assertThat(Redaction.looksSecret(text)).as(text).isTrue();
    });
  }

  @Test
  void theJwtFieldOfALoginBodyIsMaskedWhateverItHolds() {
    String body = "{\"role\":\"orders\",\"jwt\":\"not-yet-a-jwt-but-secret\"}";
    assertThat(Redaction.scrub(body)).isEqualTo("{\"role\":\"orders\",\"jwt\":\"██\"}");
    for (String field : new String[] {"id_token", "access_token", "refresh_token"}) {
      assertThat(Redaction.scrub("{\"" + field + "\":\"opaque-value-1\"}")).as(field)
          .isEqualTo("{\"" + field + "\":\"██\"}");
    }
    // A role id names the role, as a user name does (VaultAuth.AppRole prints it): kept.
    assertThat(Redaction.scrub("{\"role_id\":\"6f1c0e7a\",\"jwt\":\"" + JWT + "\"}"))
        .isEqualTo("{\"role_id\":\"6f1c0e7a\",\"jwt\":\"██\"}");
  }

  /** Ids, names and numbers near a JWT's shape are not one, and are never refused as an id or a name. */
  @Test
  void leaseIdsUuidsDigestsNamesVersionsAndHostsStayReadable() {
    List<String> kept = List.of(
        "astra/6f1c0e7a-0f4e-4d1b-9a3e-2b7f6c1d9e00/reader/AbCdEfGhIjKlMnOpQrStUvWx",
        "astra/creds/reader/eyJdEf6hIj9lMn2pQr5tUv8x",
        "6f1c0e7a-0f4e-4d1b-9a3e-2b7f6c1d9e00",
        "sha256:8709074baaf63e746cc5de52891e3a5ca88c73ae1fb7336652e9b59b9e69eff2",
        "dev.astravault.internal.vault.VaultSession",
        "dev.astravault.internal.x",
        "at dev.astravault.internal.redact.Redaction.scrub(Redaction.java:97)",
        "astra-vault 1.4.0-SNAPSHOT on Java 17.0.9+9-LTS, Vault 1.15.6+ent.hsm",
        "vault.eyjafjallajokull.example.com:8200",
        "kv-eyJ.example.com",
        "eyJhbGciOiJIUzI1NiJ9",               // a header alone: no dot, no token
        "eyJhbGci.a.b",                       // a segment of 8 characters: too short
        "keyJarFactory.create.instance",      // eyJ inside a word
        "my.eyJ.class.Name",
        "eyJ" + "a.".repeat(30),
        "/var/run/secrets/kubernetes.io/serviceaccount/token");
    for (String text : kept) {
      assertThat(Redaction.scrub(text)).as(text).isEqualTo(text);
      assertThat(Redaction.looksSecret(text)).as(text).isFalse();
    }
    assertThat(Validation.requireKey("leaseId", kept.get(0))).isEqualTo(kept.get(0));
    assertThat(Validation.requireName("logicalName", "keyJarFactory.create.instance"))
        .isEqualTo("keyJarFactory.create.instance");
  }

  @Test
  void scrubbingAMaskedJwtChangesNothing() {
    for (String text : new String[] {JWT, "a " + HS256 + " b", UNSECURED + UNSECURED, JWE + "." + JWT,
        "-" + JWT + "-" + JWT, "\"jwt\":\"" + JWT, "hvs." + JWT, "AstraCS:" + JWT, JWT + "/" + JWT,
        "eyJ-" + JWT, JWT.replace(".", "..")}) {
      String once = Redaction.scrub(text);
      assertThat(once).as(text).doesNotContain(SIGNATURE.substring(0, 12)).doesNotContain(PAYLOAD.substring(20, 40));
      assertThat(Redaction.scrub(once)).as(text).isEqualTo(once);
    }
  }

  @Test
  void validationRefusesAJwtAsAnIdANameOrMetadata() {
    assertThatThrownBy(() -> Validation.requireId("orgId", JWT)).isInstanceOf(MisplacedSecretException.class)
        .hasMessageNotContaining(HEADER);
    assertThatThrownBy(() -> Validation.requireKey("leaseId", UNSECURED)).isInstanceOf(MisplacedSecretException.class);
    assertThatThrownBy(() -> Validation.metadata(Map.of("owner", JWE)))
        .isInstanceOf(MisplacedSecretException.class).hasMessageNotContaining(JWE.substring(0, 20));
  }

  @Test
  void ourExceptionsMaskAJwtInTheirMessageAndCauseChain() {
    NoSuchFileException missing = new NoSuchFileException("/var/run/" + JWT);
    AstraVaultException e = new AstraVaultException("cannot read the token file /var/run/" + JWT,
        new IOException("wrapped", missing));
    assertThat(e.getMessage()).isEqualTo("cannot read the token file /var/run/██");
    assertThat(e.getCause()).isInstanceOf(RedactedException.class).hasMessage("wrapped");
    assertThat(e.getCause().getCause()).isInstanceOf(RedactedException.class);
    assertThat(((RedactedException) e.getCause().getCause()).originalType())
        .isEqualTo(NoSuchFileException.class.getName());
    assertThat(e.getCause().getCause().getMessage()).isEqualTo("/var/run/██");
    assertThat(Redaction.cause(new IllegalStateException("kept " + HEADER))).hasMessage("kept " + HEADER);
  }

  @Test
  void theLibrarysLoggersMaskAJwtInLinesArgumentsKeyValuesAndThrowables() {
    Logger logback = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("redaction.jwt.test");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logback.addAppender(appender);
    logback.setLevel(Level.TRACE);
    try {
      org.slf4j.Logger log = Redaction.logger("redaction.jwt.test");
      log.info("login with {} failed", JWT);
      log.warn("token file " + HS256, new IllegalStateException("body " + JWE));
      log.atError().addKeyValue("jwt", UNSECURED).log("kv");
      assertThat(appender.list).hasSize(3);
      assertThat(appender.list.get(0).getFormattedMessage()).isEqualTo("login with ██ failed");
      assertThat(appender.list.get(1).getFormattedMessage()).isEqualTo("token file ██");
      assertThat(appender.list.get(1).getThrowableProxy().getMessage()).isEqualTo("body ██");
      assertThat(appender.list.get(2).getKeyValuePairs().get(0).value).isEqualTo("██");
    } finally {
      logback.detachAppender(appender);
    }
  }
}

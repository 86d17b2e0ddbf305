package dev.astravault.internal.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.Actor;
import dev.astravault.AstraApiException;
import dev.astravault.AstraVaultException;
import dev.astravault.MisplacedSecretException;
import dev.astravault.NotFoundException;
import dev.astravault.event.IssueFailed;
import dev.astravault.internal.support.Validation;
import io.github.jopenlibs.vault.VaultException;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RedactionTest {
  static final String ASTRA = "AstraCS:zjCEYwRGWocLfQJHBNQxvorr:"
      + "8709074baaf63e746cc5de52891e3a5ca88c73ae1fb7336652e9b59b9e69eff2";
  static final String CLIENT_SECRET = "SLR.cllL1Yzf5xW,hb.3J2S0aqQ9tY+,xuwm2O97.ZpHcYvCsnlrTyl8w1pH-0";
  static final String VAULT = "hvs.CAESIJ3Yx0fYmhEjzuw3Mp0Ue2nIRAstLnX9mvGXwGyWZ0zGGh4KHGh2cy5";
  static final String LEGACY_VAULT = "s.Qf1s5zigZ4OX6akYjQXJC1jY";

  @Test
  void masksEveryShapeOfSecretAndKeepsTheRest() {
    String text = "root " + ASTRA + " secret " + CLIENT_SECRET + ", vault " + VAULT + " old " + LEGACY_VAULT
        + " body {\"clientId\":\"abc\",\"secret\":\"raw-secret-value\",\"token\":\"x\"} "
        + "url jdbc:postgresql://h/db?user=u&password=pw1 lease astra/6f1c0e7a-0f4e-4d1b-9a3e-2b7f6c1d9e00/"
        + "reader/AbCdEfGhIjKlMnOpQrStUvWx truncated AstraCS:zjCEYwRGWocLfQJHBNQxvorr:87090";
    String scrubbed = Redaction.scrub(text);
    for (String secret : new String[] {ASTRA, CLIENT_SECRET, VAULT, LEGACY_VAULT, "raw-secret-value", "pw1",
        "8709074b", "87090"}) {
      assertThat(scrubbed).doesNotContain(secret);
    }
    assertThat(scrubbed)
        .contains("AstraCS:██", "hvs.██", "s.██", "\"secret\":\"██\"", "password=██", "\"clientId\":\"abc\"")
        .contains("astra/6f1c0e7a-0f4e-4d1b-9a3e-2b7f6c1d9e00/reader/AbCdEfGhIjKlMnOpQrStUvWx");
    assertThat(Redaction.scrub(scrubbed)).isEqualTo(scrubbed);
  }

  @Test
  void passwordJsonFieldsOfEverySpellingTheParametersHaveAreMasked() {
    // A driver's or proxy's JSON body with a password field: the same spellings as password=, passwd= and pwd=.
    for (String field : new String[] {"password", "passwd", "pwd", "Password", "PWD"}) {
      String scrubbed = Redaction.scrub("{\"user\":\"app\",\"" + field + "\":\"hunter2-x\"}");
      assertThat(scrubbed).as(field).doesNotContain("hunter2")
          .contains("\"" + field + "\":\"██\"", "\"user\":\"app\"");
    }
  }

  @Test
  void idsNamesAndWordsAreNotSecrets() {
    for (String ok : new String[] {"6f1c0e7a-0f4e-4d1b-9a3e-2b7f6c1d9e00", "zjCEYwRGWocLfQJHBNQxvorr", "orders",
        "api_ro_svc_acct", "team-orders@example.com", "expected AstraCS:<24 letters>:<64 hex digits>",
        "astra/acme/reader/AbCdEfGhIjKlMnOpQrStUvWx", "a, b, c", "s.short", "2026-01-01T00:00:00Z", "",
        "Vault answered HTTP 500 on /v1/astra/creds/reader: internal error"}) {
      assertThat(Redaction.looksSecret(ok)).as(ok).isFalse();
    }
    for (String secret : new String[] {ASTRA, CLIENT_SECRET, VAULT, LEGACY_VAULT, "AstraCS:notarealtoken",
        " " + ASTRA + " "}) {
      assertThat(Redaction.looksSecret(secret)).as(secret).isTrue();
    }
  }

  /** A standard base64 key with none of {@code + , /}: the old scrub looked for {@code ,} or {@code +} only. */
  static final String KEY_PLAIN = key(k -> k.matches("[A-Za-z0-9]{43}="));
  /** A standard key with a {@code /} and no {@code +}. */
  static final String KEY_SLASH = key(k -> k.indexOf('/') >= 0 && k.indexOf('+') < 0);
  /** A URL-safe key, unpadded, with a {@code -} or {@code _}. */
  static final String KEY_URL = key(k -> k.matches(".*[+/].*")).replace('+', '-').replace('/', '_')
      .replace("=", "");

  /** The first key of a fixed random sequence that {@code shape} accepts (standard base64, padded). */
  static String key(Predicate<String> shape) {
    Random random = new Random(32);
    byte[] bytes = new byte[32];
    while (true) {
      random.nextBytes(bytes);
      String k = Base64.getEncoder().encodeToString(bytes);
      if (shape.test(k)) {
        return k;
      }
    }
  }

  @Test
  void storeKeysAreMaskedInEitherAlphabetPaddedOrNot() {
    String unpadded = KEY_SLASH.substring(0, 43);
    for (String key : new String[] {KEY_PLAIN, KEY_PLAIN.substring(0, 43), KEY_SLASH, unpadded, KEY_URL,
        KEY_URL + "="}) {
      assertThat(Base64.getMimeDecoder().decode(key.replace('-', '+').replace('_', '/'))).as(key).hasSize(32);
      assertThat(Redaction.scrub(key)).as(key).isEqualTo(Redaction.MASK);
      assertThat(Redaction.looksSecret(key)).as(key).isTrue();
      assertThat(Redaction.holdsStoreKey(key)).as(key).isTrue();
      for (String text : new String[] {"bad key " + key + " given", "ASTRA_VAULT_KEY=" + key, "'" + key + "'",
          "{\"owner\":\"" + key + "\"}", "keys: " + key + "," + KEY_PLAIN, "org " + key + ": unknown",
          "(" + key + ")\n" + key}) {
        String scrubbed = Redaction.scrub(text);
        assertThat(scrubbed).as(text).doesNotContain(key.substring(0, 43)).contains(Redaction.MASK);
        assertThat(Redaction.scrub(scrubbed)).isEqualTo(scrubbed);
      }
    }
    assertThat(Redaction.scrub("key " + KEY_PLAIN + " and more")).isEqualTo("key ██ and more");
    // Shaped like a lease id's end (a 24-character last part) but not one: a key.
    assertThat(Redaction.scrub("Xy9/Ab1/Cd2/Qw3Er4/" + KEY_PLAIN.substring(0, 24))).isEqualTo(Redaction.MASK);
    assertThat(Redaction.scrub("key=" + unpadded + "=x")).isEqualTo("key=██=x");
  }

  /** What is shaped near a key but is not one stays readable, and is never refused as an id or a name. */
  @Test
  void nearKeysAreNotStoreKeys() {
    String random24 = "Ab3dEf6hIj9lMn2pQr5tUv8x";
    String hexSecret = "8709074baaf63e746cc5de52891e3a5ca88c73ae1fb7336652e9b59b9e69eff2";
    List<String> kept = List.of(
        "astra/org1x/reader/" + random24,              // our lease id, 43 characters
        "astra/creds/reader/" + random24,              // Vault's
        "db/creds/readonly1/" + random24,              // ... on another mount
        "astra/6f1c0e7a-0f4e-4d1b-9a3e-2b7f6c1d9e00/reader/" + random24,
        "6f1c0e7a-0f4e-4d1b-9a3e-2b7f6c1d9e00",        // a UUID
        hexSecret,                                     // a hex client secret: 48 bytes of base64, not 32
        hexSecret.substring(0, 43),                    // lowercase: no upper-case letter
        KEY_PLAIN.substring(0, 42), KEY_PLAIN.substring(0, 42) + "==",   // 31 bytes
        KEY_PLAIN.substring(0, 43) + "Q",              // 44 without padding: 33 bytes
        "x-" + KEY_PLAIN.substring(0, 40) + "/",       // both alphabets in one run
        "name-" + KEY_PLAIN.substring(0, 43) + "Q",    // glued to a letter on one side: 33 bytes
        "xyz" + KEY_PLAIN.substring(0, 43) + "abc",    // glued to letters: a longer random string
        "sha256-" + KEY_PLAIN.substring(0, 43) + "xQ/x",   // key-shaped characters inside a longer part
        "ASTRA_VAULT_STORE_KEY_FROM_THE_ENVIRONMENT1",  // no lowercase letter
        "token for astra/org1x/reader/" + random24 + " renewed");
    for (String text : kept) {
      assertThat(Redaction.scrub(text)).as(text).isEqualTo(text);
      assertThat(Redaction.holdsStoreKey(text)).as(text).isFalse();
    }
    assertThat(Validation.requireKey("leaseId", kept.get(0))).isEqualTo(kept.get(0));
  }

  /**
   * A key glued into a path or a name by one of {@code +/-_} (which base64 holds, so the run is longer than a key) is
   * masked, the path or name around it kept; lease ids and hex digests that hold 43 key-shaped characters between two
   * of those are not keys.
   */
  @Test
  void aStoreKeyGluedIntoAPathOrANameIsMasked() {
    String key = KEY_PLAIN.substring(0, 43);
    Map<String, String> masked = Map.of(
        "read secret/data/" + key + " denied", "read secret/data/██ denied",
        "/v1/secret/data/" + KEY_SLASH + " denied", "/v1/secret/data/██ denied",
        "backup-" + key + "_old", "backup-██_old",
        "ASTRA_VAULT_KEY_" + KEY_SLASH.substring(0, 43), "ASTRA_VAULT_KEY_██",
        "keys/" + KEY_URL + "/v2", "keys/██/v2",
        "x" + KEY_URL.substring(0, 42) + "/", "██/",
        KEY_URL + "/" + KEY_URL, "██/██",
        "name-" + KEY_URL, "name-██");
    masked.forEach((text, expected) -> {
      assertThat(Redaction.scrub(text)).as(text).isEqualTo(expected);
      assertThat(Redaction.holdsStoreKey(text)).as(text).isTrue();
    });
    String random24 = "Ab3dEf6hIj9lMn2pQr5tUv8x";
    for (String kept : List.of(
        "astra/6f1c0e7a-0f4e-4d1b-9a3e-2b7f6c1d9e00/admin/" + random24,   // 2b7f…/admin/<24> is 43
        "/v1/sys/leases/lookup/astra/creds/admin12345678/" + random24,
        "/v1/sys/leases/renew/astra/org1/reader/" + random24,
        "sha256:8709074baaf63e746cc5de52891e3a5ca88c73ae1fb7336652e9b59b9e69eff2",
        "dev/astravault/spring/autoconfigure/AstraVaultAutoConfiguration")) {
      assertThat(Redaction.scrub(kept)).as(kept).isEqualTo(kept);
    }
  }

  /**
   * A key that starts with one of {@code +/-_} right after a Vault token (which ends before them) is masked with the
   * token: the redactor before 54b11d8 masked it as a run of its own; the first version after did not start a key
   * after a mask ({@code hvs.██/<key>}). Keys glued one after another are masked in one round, so scrubbing twice
   * gives the same text however many there are.
   */
  @Test
  void aStoreKeyRightAfterAMaskedTokenIsMasked() {
    String tail = KEY_PLAIN.substring(0, 42);
    Map<String, String> masked = Map.of(
        VAULT + "/" + tail, "hvs.████",
        "[" + VAULT + "/" + tail + "=]", "[hvs.████]",
        LEGACY_VAULT + "-" + tail, "s.████",
        "token " + LEGACY_VAULT + "_" + tail + " denied", "token s.████ denied",
        KEY_PLAIN.substring(0, 43) + ("/" + tail).repeat(12), "██".repeat(13));
    masked.forEach((text, expected) -> {
      assertThat(Redaction.scrub(text)).as(text).isEqualTo(expected);
      assertThat(Redaction.scrubByRegex(text)).as(text).isEqualTo(expected);
    });
  }

  @Test
  void aStoreKeyInAMessageACauseChainOrAnAuditEventIsMasked() {
    AstraVaultException direct = new AstraVaultException("unknown org " + KEY_SLASH);
    assertThat(direct.getMessage()).isEqualTo("unknown org ██");

    IOException io = new IOException("cannot open " + KEY_PLAIN);
    Throwable cause = new AstraVaultException("store failed", new IllegalStateException("wrapped", io)).getCause();
    assertThat(cause).isInstanceOf(RedactedException.class).hasMessage("wrapped");
    assertThat(cause.getCause()).isInstanceOf(RedactedException.class);
    assertThat(cause.getCause().getMessage()).isEqualTo("cannot open ██");

    assertThat(new NotFoundException(NotFoundException.Kind.LEASE, KEY_URL).key()).isEqualTo(Redaction.MASK);

    Actor actor = new Actor("svc", "host", "pid:1", null, null);
    IssueFailed event = new IssueFailed(Instant.EPOCH, actor, "org-1", "reader", null, Map.of(),
        "java.lang.IllegalArgumentException", "metadata owner " + KEY_PLAIN + " rejected");
    assertThat(event.message()).isEqualTo("metadata owner ██ rejected");
  }

  @Test
  void validationRefusesAStoreKeyAsAnIdANameALeaseIdOrMetadata() {
    for (String key : new String[] {KEY_PLAIN, KEY_SLASH, KEY_URL}) {
      assertThatThrownBy(() -> Validation.requireId("orgId", key)).isInstanceOf(MisplacedSecretException.class)
          .hasMessageNotContaining(key);
      assertThatThrownBy(() -> Validation.roleReference(key)).isInstanceOf(MisplacedSecretException.class);
      assertThatThrownBy(() -> Validation.requireKey("leaseId", key)).isInstanceOf(MisplacedSecretException.class);
      assertThatThrownBy(() -> Validation.metadata(Map.of("owner", key)))
          .isInstanceOf(MisplacedSecretException.class).hasMessageNotContaining(key);
    }
  }

  private static String twice(String text) {
    return RedactionPercentTest.encode(RedactionPercentTest.encode(text));
  }

  private static String threeTimes(String text) {
    return RedactionPercentTest.encode(twice(text));
  }

  /**
   * The pre-scan that lets most ids skip the regexes must never skip a text the regexes would change: random texts
   * built from the pieces of every secret shape (and near misses) are scrubbed the same with and without it.
   */
  @Test
  void thePreScanNeverSkipsATextTheRegexesWouldChange() {
    String[] pieces = {"AstraCS:", "astracs:", "ASTRACS", "Cs:", "hvs.", "hvb.", "hvr.", "hvx.", "s.", "b.", "r.",
        "S.", "x.", "\"secret\":\"", "\\\"token\\\": \\\"", "\"", "password=", "PassWord=", "PASSWORD", "word=",
        "=", ":", ".", ",", "+", "-", "/", "_", " ", "a", "Z", "7", "abcdefghijklmnopqrstuvwx", "0123456789ABCDEF0123",
        ASTRA, CLIENT_SECRET, VAULT, LEGACY_VAULT, KEY_PLAIN, KEY_PLAIN + "=", KEY_URL, "Q1w2E3r4T5y6U7i8O9p",
        "Q1w2E3r4T5y6U7i8O9", "astra/org1x/reader/", "//", "@", "app:", "pwd=", "passWD=", ":thin:", "[::1]:8200",
        "jdbc:postgresql://app:s3cret@db/x", "ops@example.com", "'", "?", "#",
        "alice:s3cret@127.0.0.1", "mailto:", "p@ss/w@db:5432/x", "/w@", "//app:p@ss", "thin:a/p@s/", "=a:",
        KEY_SLASH.substring(0, 43), KEY_URL.substring(0, 20), KEY_URL.substring(20), "secret/data/", "name-", "_", "=",
        "astra/", "/creds/", "Ab3dEf6hIj9lMn2pQr5tUv8x", "/admin/", ";sslpassword=", "&pwd=", "S3c@ret", "██",
        "/" + KEY_PLAIN.substring(0, 42), "-" + KEY_PLAIN.substring(0, 42), "hvs.CAESIJ3Yx0fY",
        "eyJ", "eyJhbGciOiJIUzI1NiJ9", "eyJhbGci", "eyJzdWIiOiJ4In0", "e30", "eyj", "EYJ", "yJ", "..",
        RedactionJwtTest.JWT, RedactionJwtTest.UNSECURED, RedactionJwtTest.HS256.substring(0, 70),
        // Percent-encoded secrets and their near misses, and Authorization headers.
        "%", "%2", "%3", "3A", "%3A", "%3a", "AstraCS%3A", "astracs%3a", "S%3", "S%", "%2F", "%2f", "%2B", "%2b",
        "%2C", "%2c", "%3D", "%3d", "%20", "%25", "%2G", "password%3D", "pwd%3d", "d%",
        RedactionPercentTest.ASTRA_ENCODED, RedactionPercentTest.encode(CLIENT_SECRET),
        RedactionPercentTest.encode(KEY_SLASH), RedactionPercentTest.encode(KEY_PLAIN),
        RedactionPercentTest.encode(RedactionPercentTest.KEY_PLUS).toLowerCase(),
        RedactionPercentTest.encode(KEY_SLASH).substring(0, 30), RedactionPercentTest.encode(KEY_SLASH).substring(30),
        "astra%2Forg1x%2Freader%2F", "Authorization: ", "authorization=[", "Proxy-Authorization:", "Authorization",
        "\"Authorization\":\"", "\"authorization\": \"", "Basic ", "Bearer x", "Digest a=\"b\", c=d", "\n",
        "n:", "n=", "N=", "authorization=[Basic ", "AUTHORIZATION=Bearer ", "Authorization:Negotiate ",
        // Texts encoded two and three times, odd spellings of an encoded %, and their near misses.
        "%25", "25", "%2525", "%253A", "%25253a", "AstraCS%253A", "astracs%25253A", "S%25", "%252F", "%25252f",
        "%252B", "%252C", "%25252C", "%253D", "%25253D", "password%253D", "PWD%25253d", "%32", "%43", "%%32C", "%2%43",
        twice(ASTRA), twice(CLIENT_SECRET), threeTimes(CLIENT_SECRET), twice(KEY_SLASH), threeTimes(KEY_PLAIN),
        twice(KEY_SLASH).substring(0, 40), twice(KEY_SLASH).substring(40), threeTimes(CLIENT_SECRET).substring(20),
        // Authorization headers with several values, quoted ones and unclosed quotes.
        ", Basic ", ", ", "Authorization:\"", "\", \"", "\"Bearer x\"", "[\"Basic ", "Digest a=\"b", "response=\"",
        "\\\"", "{authorization=[Bearer a, Basic b]}", "\"authorization\":[\"Bearer a\",\"Basic b\"]",
        // Quoted and braced password values, Vault tokens after an encoded character (found by fuzzing).
        "password={", "}", "{", "password=\\\"", "'", "PWD='", "%20hvs.", "%253A", "%20" + VAULT, "Ahvs.", "%2",
        // Secret keys in other spellings (KeyedValues): each trigger of the pre-scan has a piece that needs it alone.
        "password", "Secret", "client_secret", "secret_id", "TOKEN", "api_key", "apikey", "accessor", "jwt", "tokens",
        ": ", " : ", " = ", "\t", "\n", "the ", "x1", "secret: a1", "pwd: a1", "api_key: a1", "accessor: a1",
        "token: a1", "jwt: a1", "secret = a1", "apikey=a1", "accessor=a1", "jwt=a1", "token : a1", "secret\t= a1",
        "'secret': 'a1'", "'token' ", "<", ">", "</", "<password>", "</password>", "<password>a1</password>",
        "<ns:pwd a='b'>a1</ns:pwd>", "<token/>", "&#61;", "&#x3D;", "password&#61;a1", "apikey&#x3d;a1",
        "\\u0022", "\\U0022", "\\u003d", "\\u0022secret\\u0022:\\u0022a1", "token\\u003da1", "&quot;",
        "&QUOT;", "{&quot;token&quot;:&quot;a1", "&amp;", "token:a1", "the token: a1", "==",
        "&QUOT;pwd&QUOT;:&QUOT;a1", "\\U0022jwt\\U0022:\\U0022a1",
        // Closing brackets, schemeless headers, JSON's \/, escaped XML, two fields a line, encoded separators.
        "Config{", "(", "[", ")", "]", "token=a1}", "Authorization: a1", "Authorization=[a1]", "\\/", "a\\/b",
        "\"token\":\"a\\/b", CLIENT_SECRET.replace(".", "\\/"), KEY_SLASH.replace("/", "\\/"), "&lt;", "&LT;",
        "&lt;/", "&gt;", "&lt;token&gt;a1&lt;/token&gt;", "&LT;pwd&GT;a1&LT;/pwd&GT;", "&l", "lt;", "user: app ",
        "token%3Da1", "secret%3a", "api_key %253D a1", "%22token%22%3A%22a1", "jwt%3A", "%3A", "%3D", "%253d",
        "accessor%25253Da1"};
    Random random = new Random(15);
    int masked = 0;
    int kept = 0;
    for (int n = 0; n < 20_000; n++) {
      StringBuilder text = new StringBuilder();
      for (int parts = 1 + random.nextInt(8); parts > 0; parts--) {
        text.append(pieces[random.nextInt(pieces.length)]);
      }
      String t = text.toString();
      String byRegex = Redaction.scrubByRegex(t);
      assertThat(Redaction.scrub(t)).as(t).isEqualTo(byRegex);
      assertThat(Redaction.scrub(byRegex)).as("idempotent: %s", t).isEqualTo(byRegex);
      if (byRegex.equals(t)) {
        kept++;
      } else {
        masked++;
      }
    }
    assertThat(masked).as("texts masked").isGreaterThan(2_000);
    assertThat(kept).as("texts kept").isGreaterThan(2_000);
  }

  @Test
  void ourExceptionsScrubTheirMessageAndReplaceADirtyOrVaultCause() {
    VaultException vault = new VaultException("Vault responded with HTTP status code: 500\nResponse body: "
        + "{\"errors\":[\"astra said " + CLIENT_SECRET + " for " + ASTRA + "\"]}", 500);
    AstraVaultException e = new AstraVaultException("failed for " + ASTRA, vault);
    assertThat(e.getMessage()).doesNotContain(ASTRA).contains("AstraCS:██");
    assertThat(e.getCause()).isInstanceOf(RedactedException.class);
    assertThat(((RedactedException) e.getCause()).originalType()).isEqualTo(VaultException.class.getName());
    assertThat(e.getCause().getStackTrace()).isEqualTo(vault.getStackTrace());
    assertThat(e.getCause().toString()).startsWith(VaultException.class.getName())
        .doesNotContain(ASTRA).doesNotContain(CLIENT_SECRET);

    // Even a clean VaultException is replaced: its body is not ours to trust.
    assertThat(new AstraVaultException("x", new VaultException("clean")).getCause())
        .isInstanceOf(RedactedException.class);

    // A dirty cause deep in a chain: the whole chain below our exception is copied.
    SQLException sql = new SQLException("duplicate key (token)=(" + ASTRA + ")");
    IOException io = new IOException("write failed", sql);
    Throwable chained = new AstraVaultException("store failed", io).getCause();
    assertThat(chained).isInstanceOf(RedactedException.class).hasMessage("write failed");
    assertThat(chained.getCause()).isInstanceOf(RedactedException.class);
    assertThat(chained.getCause().getMessage()).doesNotContain(ASTRA);

    // A clean foreign cause is kept as it is, so callers can still test its type.
    IOException clean = new IOException("connection reset");
    assertThat(new AstraVaultException("x", clean).getCause()).isSameAs(clean);

    assertThat(new NotFoundException(NotFoundException.Kind.ORG, ASTRA).key()).doesNotContain(ASTRA);
    assertThat(new NotFoundException(NotFoundException.Kind.ORG, ASTRA).getMessage()).doesNotContain(ASTRA);
    assertThat(new AstraApiException("m", 400, 1, "bad " + ASTRA).astraMessage()).doesNotContain(ASTRA);
  }

  @Test
  void validationRefusesSecretsAsIdsNamesAndMetadataWithoutRepeatingThem() {
    assertThatThrownBy(() -> Validation.requireId("orgId", ASTRA)).isInstanceOf(MisplacedSecretException.class)
        .hasMessageStartingWith("orgId looks like a token").hasMessageNotContaining("zjCEY");
    assertThatThrownBy(() -> Validation.requireName("logicalName", CLIENT_SECRET))
        .isInstanceOf(MisplacedSecretException.class).hasMessageNotContaining("SLR");
    assertThatThrownBy(() -> Validation.roleName(VAULT)).isInstanceOf(MisplacedSecretException.class);
    assertThatThrownBy(() -> Validation.logicalName(LEGACY_VAULT)).isInstanceOf(MisplacedSecretException.class);
    assertThatThrownBy(() -> Validation.requireKey("leaseId", ASTRA)).isInstanceOf(MisplacedSecretException.class);
    assertThatThrownBy(() -> Validation.requireNoSecret("prefix", ASTRA))
        .isInstanceOf(MisplacedSecretException.class);
    assertThatThrownBy(() -> Validation.metadata(Map.of("owner", ASTRA)))
        .isInstanceOf(MisplacedSecretException.class).hasMessageStartingWith("metadata value for 'owner'")
        .hasMessageNotContaining("zjCEY");
    assertThatThrownBy(() -> Validation.requireKey("leaseId", " ")).isExactlyInstanceOf(
        IllegalArgumentException.class).hasMessage("leaseId is required");
    assertThatThrownBy(() -> Validation.requireKey("clientId", null)).hasMessage("clientId is required");
    assertThat(Validation.requireNoSecret("prefix", "")).isEmpty();
  }

  @Test
  void theLibrarysLoggersScrubLinesArgumentsKeyValuesAndThrowables() {
    Logger logback = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("redaction.test");
    ListAppender<ILoggingEvent> appender = new ListAppender<>() {
      @Override
      protected void append(ILoggingEvent e) {
        e.getCallerData();   // now, while the caller is on the stack
        super.append(e);
      }
    };
    appender.start();
    logback.addAppender(appender);
    logback.setLevel(Level.TRACE);
    try {
      org.slf4j.Logger log = Redaction.logger("redaction.test");
      log.info("token {} and {}", ASTRA, CLIENT_SECRET);
      log.warn("failed: " + VAULT, new IllegalStateException("body " + ASTRA));
      log.atError().addKeyValue("secret", ASTRA).addKeyValue("count", 3).log("kv {}", LEGACY_VAULT);
      assertThat(appender.list).hasSize(3);
      for (ILoggingEvent e : appender.list) {
        String all = e.getFormattedMessage() + e.getKeyValuePairs()
            + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
        for (String secret : new String[] {ASTRA, CLIENT_SECRET, VAULT, LEGACY_VAULT}) {
          assertThat(all).doesNotContain(secret);
        }
      }
      assertThat(appender.list.get(0).getFormattedMessage()).isEqualTo("token AstraCS:██ and ██");
      assertThat(appender.list.get(1).getThrowableProxy().getClassName()).isEqualTo(
          RedactedException.class.getName());
      assertThat(appender.list.get(2).getKeyValuePairs()).hasSize(2);
      assertThat(appender.list.get(2).getKeyValuePairs().get(1).value).isEqualTo(3);
      assertThat(appender.list.get(2).getCallerData()[0].getClassName()).isEqualTo(RedactionTest.class.getName());
      assertThat(appender.list.get(0).getCallerData()[0].getClassName()).isEqualTo(RedactionTest.class.getName());
    } finally {
      logback.detachAppender(appender);
    }
  }
}

package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.ManagedToken;
import dev.astravault.spring.autoconfigure.internal.TokenManagerFactory;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultResponseTooLargeException;
import dev.astravault.vault.VaultUnavailableException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * {@code astra.vault.vault.ca-file}, {@code client-certificate-file}, {@code client-key-file},
 * {@code connect-timeout}, {@code read-timeout} and {@code max-response-bytes}: each reaches the {@link VaultConfig}
 * (also over a connection shared from Spring Vault), a service starts against a mutual-TLS Vault from properties
 * alone, a too-large Vault answer is cut off, and every bad value fails startup naming its property; the key shows in
 * no message, analysis or log line.
 */
class AstraVaultVaultTlsAndLimitsTest {
  static final HeldCertificate CA = new HeldCertificate.Builder().certificateAuthority(0).rsa2048()
      .commonName("astra-vault spring test CA").build();
  static final HeldCertificate SERVER = new HeldCertificate.Builder().rsa2048().signedBy(CA)
      .addSubjectAlternativeName("localhost").addSubjectAlternativeName("127.0.0.1").commonName("vault").build();
  static final HeldCertificate CLIENT = new HeldCertificate.Builder().rsa2048().signedBy(CA)
      .commonName("orders-service").build();
  /** The base64 body of the client key: whatever fails, it must never be shown. */
  static final String KEY_BODY = body(CLIENT.privateKeyPkcs8Pem());

  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @TempDir Path dir;
  Path caFile;
  Path certFile;
  Path keyFile;

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(AstraVaultProperties.class)
  static class BindOnly {}

  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  Logger ours;
  Level previous;

  @BeforeEach
  void writePems() throws Exception {
    caFile = Files.writeString(dir.resolve("ca.crt"), CA.certificatePem());
    certFile = Files.writeString(dir.resolve("tls.crt"), CLIENT.certificatePem());
    keyFile = Files.writeString(dir.resolve("tls.key"), CLIENT.privateKeyPkcs8Pem());
  }

  /** Everything astra-vault logs, down to DEBUG, and Spring's own log lines are captured. */
  @BeforeEach
  void captureLogs() {
    LoggerContext loggers = (LoggerContext) LoggerFactory.getILoggerFactory();
    ours = loggers.getLogger("dev.astravault");
    previous = ours.getLevel();
    ours.setLevel(Level.DEBUG);
    ours.setAdditive(false);
    logs.start();
    ours.addAppender(logs);
    loggers.getLogger("org.springframework").addAppender(logs);
  }

  @AfterEach
  void noLogShowsTheKey() {
    ours.detachAppender(logs);
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("org.springframework").detachAppender(logs);
    ours.setAdditive(true);
    ours.setLevel(previous);
    logs.list.forEach(e -> {
      assertThat(e.getFormattedMessage()).doesNotContain(KEY_BODY);
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        assertThat(String.valueOf(t.getMessage())).doesNotContain(KEY_BODY);
      }
    });
  }

  private static String body(String pem) {
    return pem.lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat);
  }

  /** The VaultConfig that {@code properties} give, with {@code shared} as Spring Vault's session (or none). */
  private void vaultConfig(Consumer<VaultConfig> assertions, VaultConfig.@Nullable Builder shared,
      String... properties) {
    new ApplicationContextRunner().withUserConfiguration(BindOnly.class).withPropertyValues(properties)
        .run(context -> {
          assertThat(context).hasNotFailed();
          AstraVaultProperties.Vault v = context.getBean(AstraVaultProperties.class).getVault();
          assertions.accept(TokenManagerFactory.vaultConfig(v, shared == null ? null : () -> shared, "test"));
        });
  }

  private String[] all() {
    return new String[] {"astra.vault.vault.ca-file=" + caFile, "astra.vault.vault.client-certificate-file="
        + certFile, "astra.vault.vault.client-key-file=" + keyFile, "astra.vault.vault.connect-timeout=7s",
        "astra.vault.vault.read-timeout=2m", "astra.vault.vault.max-response-bytes=64KB"};
  }

  private static void hasAll(VaultConfig c) {
    assertThat(c.caPem()).contains(CA.certificatePem());
    assertThat(c.clientCertPem()).contains(CLIENT.certificatePem());
    assertThat(c.clientKeyPem()).contains(CLIENT.privateKeyPkcs8Pem());
    assertThat(c.openTimeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(c.readTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.maxResponseBytes()).isEqualTo(64 * 1024);
    assertThat(c.toString()).doesNotContain(KEY_BODY).doesNotContain(body(CA.certificatePem()));
  }

  @Test
  void eachPropertyReachesTheVaultConfigAndUnsetOnesKeepCoresDefaults() {
    vaultConfig(AstraVaultVaultTlsAndLimitsTest::hasAll, null, withUri(all()));
    VaultConfig core = VaultConfig.of(URI.create("https://vault:8200"), VaultAuth.token("t"));
    vaultConfig(c -> {
      assertThat(c.caPem()).isEmpty();
      assertThat(c.clientCertPem()).isEmpty();
      assertThat(c.clientKeyPem()).isEmpty();
      assertThat(c.openTimeout()).isEqualTo(core.openTimeout());
      assertThat(c.readTimeout()).isEqualTo(core.readTimeout());
      assertThat(c.maxResponseBytes()).isEqualTo(VaultConfig.DEFAULT_MAX_RESPONSE_BYTES);
    }, null, withUri());
  }

  @Test
  void overASessionSharedFromSpringVaultTheyApplyToOurOwnCalls() {
    VaultConfig.Builder session = VaultConfig.builder(URI.create("https://spring-vault:8200"))
        .auth(VaultAuth.tokenSource(() -> "session-token")).namespace("team-a");
    vaultConfig(c -> {
      hasAll(c);
      // Address, login and namespace stay Spring Vault's.
      assertThat(c.address()).isEqualTo(URI.create("https://spring-vault:8200"));
      assertThat(c.namespace()).contains("team-a");
    }, session, all());
  }

  private static String[] withUri(String... more) {
    List<String> p = new ArrayList<>(List.of("astra.vault.vault.uri=https://vault:8200",
        "astra.vault.vault.token=t"));
    p.addAll(List.of(more));
    return p.toArray(String[]::new);
  }

  // ------------------------------------------------------------------ end to end

  private static FakeVault httpsVault() {
    HandshakeCertificates server = new HandshakeCertificates.Builder().heldCertificate(SERVER, CA.certificate())
        .addTrustedCertificate(CA.certificate()).build();
    return FakeVault.builder().tls(server.sslSocketFactory()).requireClientCertificate().build().start();
  }

  private static ApplicationContextRunner vaultMode(FakeVault v) {
    return FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.mode=vault",
        "astra.vault.vault.uri=" + v.address(), "astra.vault.vault.token=" + v.rootToken(),
        "astra.vault.startup-retries=0");
  }

  @Test
  void aServiceStartsAgainstAMutualTlsVaultWithOnlyProperties() {
    try (FakeVault v = httpsVault()) {
      assertThat(v.address()).startsWith("https://");
      vaultMode(v).withPropertyValues("astra.vault.vault.ca-file=" + caFile,
          "astra.vault.vault.client-certificate-file=" + certFile, "astra.vault.vault.client-key-file=" + keyFile)
          .run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(astra.isLive(context.getBean(ManagedToken.class).current())).isTrue();
            assertThat(v.requests()).anyMatch(r -> r.path().equals("/v1/astra/org/token"));
          });
      assertThat(astra.liveTokens()).isEmpty();
      // Without the client certificate the handshake is refused: the files are what got it through.
      vaultMode(v).withPropertyValues("astra.vault.vault.ca-file=" + caFile).run(context -> {
        assertThat(context).hasFailed();
        assertThat(cause(context.getStartupFailure(), VaultUnavailableException.class)).isPresent();
        FailureAnalysis a = FakeAstraContext.analysis(context, astra);
        assertThat(a.getAction()).contains("astra.vault.vault.ca-file", "client-certificate-file");
      });
    }
  }

  @Test
  void maxResponseBytesCutsOffALargerVaultResponse() {
    try (FakeVault v = FakeVault.builder().build().start()) {
      FakeOrg org = astra.defaultOrg();
      // Direct mode reading its org from Vault KV: one answer of about 3 KB.
      v.putKv("secret/astra/orgs/prod", Map.of("org_id", org.orgId(), "root_token", org.rootToken(), "url",
          astra.url().uri().toString(), "logical_name", "prod", "note", "x".repeat(3000)));
      List<String> properties = new ArrayList<>();
      for (String p : FakeAstraContext.properties(astra)) {
        if (!p.startsWith("astra.vault.orgs[")) {
          properties.add(p);
        }
      }
      ApplicationContextRunner runner = FakeAstraContext.runner().withUserConfiguration(FakeAstraContext.ManualTime
          .class).withPropertyValues(properties.toArray(String[]::new)).withPropertyValues("astra.vault.vault.uri="
          + v.address(), "astra.vault.vault.token=" + v.rootToken(), "astra.vault.orgs-vault-path=astra/orgs/prod");
      runner.withPropertyValues("astra.vault.vault.max-response-bytes=2KB").run(context -> {
        FailureAnalysis a = FakeAstraContext.analysis(context, astra);
        assertThat(cause(context.getStartupFailure(), VaultResponseTooLargeException.class)).isPresent();
        assertThat(a.getDescription()).contains("astra.vault.orgs-vault-path");
        assertThat(a.getAction()).contains("2048 bytes", "astra.vault.vault.max-response-bytes");
      });
      runner.withPropertyValues("astra.vault.vault.max-response-bytes=4KB")
          .run(context -> assertThat(context).hasNotFailed());
    }
    assertThat(astra.liveTokens()).isEmpty();
  }

  // ------------------------------------------------------------------ bad values

  /** Startup in vault mode fails naming {@code expected}, and nothing shows the key. */
  private void failsNaming(String[] properties, String... expected) {
    try (FakeVault v = FakeVault.builder().build().start()) {
      vaultMode(v).withPropertyValues(properties).run(context -> {
        FailureAnalysis a = FakeAstraContext.analysis(context, astra);
        assertThat(a.getDescription()).contains(expected);
        assertThat(a.getDescription() + a.getAction()).doesNotContain(KEY_BODY).doesNotContain("PRIVATE KEY-----");
        for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
          assertThat(String.valueOf(t.getMessage())).doesNotContain(KEY_BODY);
        }
      });
    }
  }

  @Test
  void badFilesFailStartupNamingThePropertyAndPathButNeverTheContent() throws Exception {
    Path missing = dir.resolve("no-such-ca.crt");
    failsNaming(new String[] {"astra.vault.vault.ca-file=" + missing}, "astra.vault.vault.ca-file", missing
        .toString(), "NoSuchFileException");
    // The key where the CA belongs: named, never quoted.
    failsNaming(new String[] {"astra.vault.vault.ca-file=" + keyFile}, "astra.vault.vault.ca-file",
        keyFile.toString(), "no PEM certificate");
    failsNaming(new String[] {"astra.vault.vault.client-key-file=" + keyFile},
        "astra.vault.vault.client-key-file is set but astra.vault.vault.client-certificate-file is not");
    failsNaming(new String[] {"astra.vault.vault.client-certificate-file=" + certFile},
        "astra.vault.vault.client-certificate-file is set but astra.vault.vault.client-key-file is not");
    Path pkcs1 = Files.writeString(dir.resolve("rsa.key"), CLIENT.privateKeyPkcs8Pem()
        .replace("BEGIN PRIVATE KEY", "BEGIN RSA PRIVATE KEY").replace("END PRIVATE KEY", "END RSA PRIVATE KEY"));
    failsNaming(new String[] {"astra.vault.vault.client-certificate-file=" + certFile,
        "astra.vault.vault.client-key-file=" + pkcs1}, "astra.vault.vault.client-key-file", pkcs1.toString(),
        "PKCS#8");
    // A path that cannot be read as a file, even by root (file permissions would not stop root): a directory.
    Path unreadable = Files.createDirectory(dir.resolve("key-is-a-directory"));
    failsNaming(new String[] {"astra.vault.vault.client-certificate-file=" + certFile,
        "astra.vault.vault.client-key-file=" + unreadable}, "astra.vault.vault.client-key-file: cannot read "
        + unreadable + " (");
    // The key pasted where its path belongs.
    failsNaming(new String[] {"astra.vault.vault.client-certificate-file=" + certFile,
        "astra.vault.vault.client-key-file=" + CLIENT.privateKeyPkcs8Pem()},
        "astra.vault.vault.client-key-file is not a file path");
  }

  @Test
  void badTimeoutsAndSizesFailStartupNamingTheProperty() {
    failsNaming(new String[] {"astra.vault.vault.connect-timeout=500ms"},
        "astra.vault.vault.connect-timeout must be at least 1s, was PT0.5S");
    failsNaming(new String[] {"astra.vault.vault.read-timeout=0s"},
        "astra.vault.vault.read-timeout must be at least 1s");
    failsNaming(new String[] {"astra.vault.vault.max-response-bytes=512B"},
        "astra.vault.vault.max-response-bytes must be at least 1KB, was 512B");
  }

  private static <T extends Throwable> Optional<T> cause(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return Optional.of(type.cast(t));
      }
    }
    return Optional.empty();
  }
}

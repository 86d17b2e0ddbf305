package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.ManagedToken;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.vault.FakeVault;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.vault.authentication.SessionManager;
import org.springframework.vault.support.VaultToken;

/**
 * The Spring Vault session's calls to a Vault behind a private CA that also asks for a client certificate: the
 * stores of {@code spring.cloud.vault.ssl.*} are applied as Spring Vault applies them; TLS settings astra-vault
 * cannot apply fail startup naming the property.
 */
class AstraVaultSpringVaultTlsTest {
  static final String PASSWORD = "store-pass-9c1e";
  // The private CA, Vault's certificate and the service's client certificate of the PEM-file TLS tests.
  static final HeldCertificate CA = AstraVaultVaultTlsAndLimitsTest.CA;
  static final HeldCertificate SERVER = AstraVaultVaultTlsAndLimitsTest.SERVER;
  static final HeldCertificate CLIENT = AstraVaultVaultTlsAndLimitsTest.CLIENT;

  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  @TempDir Path dir;
  FakeVault vault;

  @BeforeEach
  void start() {
    HandshakeCertificates server = new HandshakeCertificates.Builder().heldCertificate(SERVER, CA.certificate())
        .addTrustedCertificate(CA.certificate()).build();
    vault = FakeVault.builder().tls(server.sslSocketFactory()).requireClientCertificate().build().start();
  }

  @AfterEach
  void stop() {
    vault.close();
  }

  Path store(String name, KeyStore ks) throws Exception {
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file)) {
      ks.store(out, PASSWORD.toCharArray());
    }
    return file;
  }

  ApplicationContextRunner app() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", CA.certificate());
    KeyStore key = KeyStore.getInstance("PKCS12");
    key.load(null, null);
    key.setKeyEntry("client", CLIENT.keyPair().getPrivate(), PASSWORD.toCharArray(),
        new Certificate[] {CLIENT.certificate(), CA.certificate()});
    String root = vault.rootToken();
    return FakeAstraContext.withFakeAstra(astra)
        .withBean(SessionManager.class, () -> () -> VaultToken.of(root))
        .withPropertyValues("astra.vault.mode=vault", "spring.cloud.vault.uri=" + vault.address(),
            "spring.cloud.vault.ssl.trust-store=file:" + store("trust.p12", trust),
            "spring.cloud.vault.ssl.trust-store-password=" + PASSWORD,
            "spring.cloud.vault.ssl.key-store=file:" + store("key.p12", key),
            "spring.cloud.vault.ssl.key-store-password=" + PASSWORD,
            "spring.cloud.vault.ssl.key-store-type=PKCS12");
  }

  @Test
  void theTrustStoreAndKeyStoreOfSpringCloudVaultReachAPrivateCaVaultWithMutualTls() throws Exception {
    app().run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(astra.isLive(context.getBean(ManagedToken.class).current())).isTrue();
      assertThat(vault.requests()).filteredOn(r -> r.path().startsWith("/v1/astra/")).isNotEmpty();
    });
  }

  @Test
  void enabledProtocolsThatCannotBeAppliedFailStartupNamingTheProperty() throws Exception {
    app().withPropertyValues("spring.cloud.vault.ssl.enabled-protocols=TLSv1.3").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().isInstanceOf(AstraVaultStartupException.class)
          .hasMessageContaining("spring.cloud.vault.ssl.enabled-protocols").satisfies(e -> assertThat(
              ((AstraVaultStartupException) e).action()).contains("jdk.tls.client.protocols"));
    });
  }

  @Test
  void aWrongStorePasswordFailsStartupWithoutQuotingIt() throws Exception {
    String wrong = "wrong-pass-77d0";
    app().withPropertyValues("spring.cloud.vault.ssl.trust-store-password=" + wrong).run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).hasStackTraceContaining("spring.cloud.vault.ssl.trust-store");
      java.io.StringWriter trace = new java.io.StringWriter();
      context.getStartupFailure().printStackTrace(new java.io.PrintWriter(trace));
      assertThat(trace.toString()).doesNotContain(wrong).doesNotContain(PASSWORD);
    });
  }
}

package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.internal.files.FileModes;
import dev.astravault.spring.autoconfigure.internal.TokenManagerFactory;
import dev.astravault.vault.VaultConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * {@code astra.vault.vault.ca-file}, {@code client-certificate-file}, {@code client-key-file} and
 * {@code kubernetes-jwt-path} are refused at startup, naming the property, the file or directory and the fix, when
 * another local user could replace them; a Kubernetes secret volume's linked layout is accepted, its 0644 key with a
 * warning.
 */
class AstraVaultVaultFileTrustTest {
  static final int OTHER_UID = 12345;
  static final HeldCertificate CLIENT = new HeldCertificate.Builder().rsa2048().commonName("orders").build();
  static final String KEY_BODY = CLIENT.privateKeyPkcs8Pem().lines().filter(l -> !l.startsWith("-----"))
      .reduce("", String::concat);

  @TempDir Path dir;

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(AstraVaultProperties.class)
  static class BindOnly {}

  final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
  Logger fileModes;

  @BeforeEach
  void captureWarnings() {
    fileModes = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(FileModes.class.getName());
    warnings.start();
    fileModes.addAppender(warnings);
  }

  @AfterEach
  void release() {
    fileModes.detachAppender(warnings);
  }

  /** What {@link TokenManagerFactory#vaultConfig} makes of {@code properties}: the config, or its refusal. */
  private Object vaultConfig(String... properties) {
    AtomicReference<Object> result = new AtomicReference<>();
    new ApplicationContextRunner().withUserConfiguration(BindOnly.class)
        .withPropertyValues("astra.vault.vault.uri=https://vault:8200").withPropertyValues(properties)
        .run(context -> {
          assertThat(context).hasNotFailed();
          AstraVaultProperties.Vault v = context.getBean(AstraVaultProperties.class).getVault();
          try {
            result.set(TokenManagerFactory.vaultConfig(v, null, "test"));
          } catch (AstraVaultStartupException e) {
            result.set(e);
          }
        });
    return result.get();
  }

  private AstraVaultStartupException refused(String... properties) {
    Object r = vaultConfig(properties);
    assertThat(r).isInstanceOf(AstraVaultStartupException.class);
    return (AstraVaultStartupException) r;
  }

  static Path mkdir(Path p, int mode) throws IOException {
    Files.createDirectories(p);
    Files.setAttribute(p, "unix:mode", mode);
    return p;
  }

  static Path write(Path file, String content, int mode) throws IOException {
    Files.writeString(file, content);
    Files.setAttribute(file, "unix:mode", mode);
    return file;
  }

  @Test
  void eachFileUnderAWorldWritableGrandparentFailsStartupNamingItsProperty() throws Exception {
    Path open = mkdir(dir.resolve("etc"), 0777);
    Path tls = mkdir(open.resolve("vault-tls"), 0755);
    Path ca = write(tls.resolve("ca.crt"), CLIENT.certificatePem(), 0644);
    Path cert = write(tls.resolve("tls.crt"), CLIENT.certificatePem(), 0644);
    Path key = write(tls.resolve("tls.key"), CLIENT.privateKeyPkcs8Pem(), 0600);
    Path jwt = write(tls.resolve("token"), "eyJhbGciOiJSUzI1NiJ9.sa.sig", 0600);
    AstraVaultStartupException e = refused("astra.vault.vault.token=t", "astra.vault.vault.ca-file=" + ca);
    assertThat(e.getMessage()).startsWith("astra.vault.vault.ca-file: the directory " + open)
        .contains("writable by all users").contains(ca.toString()).contains("chmod o-w");
    assertThat(e.action()).contains(ca.toString()).contains("astra.vault.vault.ca-file");
    e = refused("astra.vault.vault.token=t", "astra.vault.vault.client-certificate-file=" + cert,
        "astra.vault.vault.client-key-file=" + key);
    assertThat(e.getMessage()).startsWith("astra.vault.vault.client-certificate-file: the directory " + open);
    e = refused("astra.vault.vault.authentication=kubernetes", "astra.vault.vault.kubernetes-role=orders",
        "astra.vault.vault.kubernetes-jwt-path=" + jwt);
    assertThat(e.getMessage()).startsWith("astra.vault.vault.kubernetes-jwt-path: the directory " + open)
        .doesNotContain("eyJ");
  }

  @Test
  void aCaFileLargerThanAMebibyteFailsStartupNamingItsPropertyAndSize() throws Exception {
    Path ca = write(dir.resolve("ca.crt"), CLIENT.certificatePem() + "#".repeat(1 << 20), 0644);
    AstraVaultStartupException e = refused("astra.vault.vault.token=t", "astra.vault.vault.ca-file=" + ca);
    assertThat(e.getMessage()).startsWith("astra.vault.vault.ca-file: ").contains(ca.toString())
        .contains("larger than 1 MiB");
  }

  @Test
  void aTokenGivenAsTheKubernetesJwtPathFailsStartupNamingThePropertyNotTheToken() {
    String token = "eyJhbGciOiJSUzI1NiIsImtpZCI6IlpxM3gifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6b3JkZXJzIn0"
        + ".c2lnbmF0dXJlLW9mLXRoZS1rdWJlbGV0";
    AstraVaultStartupException e = refused("astra.vault.vault.authentication=kubernetes",
        "astra.vault.vault.kubernetes-role=orders", "astra.vault.vault.kubernetes-jwt-path=" + token);
    assertThat(e.getMessage()).startsWith("astra.vault.vault.kubernetes-role or kubernetes-jwt-path: jwtFile holds "
        + "a token, not a path").doesNotContain("eyJ").doesNotContain("c2lnbmF0dXJl");
    assertThat(e.action()).contains("astra.vault.vault.kubernetes-jwt-path").doesNotContain("eyJ");
    assertThat(e.getCause()).isNull();
  }

  @Test
  void aClientKeyFileOfAnotherUserFailsStartupNamingItsUidNotItsContent() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "giving a file to another user takes root");
    Path cert = write(dir.resolve("tls.crt"), CLIENT.certificatePem(), 0644);
    Path key = write(dir.resolve("tls.key"), CLIENT.privateKeyPkcs8Pem(), 0600);
    Files.setAttribute(key, "unix:uid", OTHER_UID, LinkOption.NOFOLLOW_LINKS);
    AstraVaultStartupException e = refused("astra.vault.vault.token=t",
        "astra.vault.vault.client-certificate-file=" + cert, "astra.vault.vault.client-key-file=" + key);
    assertThat(e.getMessage()).startsWith("astra.vault.vault.client-key-file: ").contains(key.toString())
        .contains("belongs to uid " + OTHER_UID).contains("chown").doesNotContain(KEY_BODY);
  }

  @Test
  void aKubernetesSecretVolumeIsAcceptedAndItsOpenKeyWarnedAbout() throws Exception {
    // The kubelet's layout: root-owned 1777 mount point, files in a timestamped directory reached through ..data.
    Path volume = mkdir(dir.resolve("etc/vault-tls"), 01777);
    Path data = mkdir(volume.resolve("..2026_01_01_00_00_00.123456789"), 0755);
    write(data.resolve("ca.crt"), CLIENT.certificatePem(), 0644);
    write(data.resolve("tls.crt"), CLIENT.certificatePem(), 0644);
    write(data.resolve("tls.key"), CLIENT.privateKeyPkcs8Pem(), 0644);
    write(data.resolve("token"), "eyJhbGciOiJSUzI1NiJ9.sa.sig", 0644);
    Files.createSymbolicLink(volume.resolve("..data"), data.getFileName());
    for (String name : new String[] {"ca.crt", "tls.crt", "tls.key", "token"}) {
      Files.createSymbolicLink(volume.resolve(name), Path.of("..data", name));
    }
    Object r = vaultConfig("astra.vault.vault.authentication=kubernetes", "astra.vault.vault.kubernetes-role=orders",
        "astra.vault.vault.kubernetes-jwt-path=" + volume.resolve("token"),
        "astra.vault.vault.ca-file=" + volume.resolve("ca.crt"),
        "astra.vault.vault.client-certificate-file=" + volume.resolve("tls.crt"),
        "astra.vault.vault.client-key-file=" + volume.resolve("tls.key"));
    assertThat(r).isInstanceOf(VaultConfig.class);
    assertThat(((VaultConfig) r).clientKeyPem()).contains(CLIENT.privateKeyPkcs8Pem());
    assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage).singleElement()
        .satisfies(m -> assertThat(m).contains("astra.vault.vault.client-key-file " + volume.resolve("tls.key"))
            .contains("chmod 600").doesNotContain(KEY_BODY));
  }
}

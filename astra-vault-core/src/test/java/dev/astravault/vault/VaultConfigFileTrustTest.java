package dev.astravault.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.internal.files.FileModes;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The TLS files {@link VaultConfig.Builder} reads are refused when another local user could replace them: whoever
 * chooses the CA chooses which server is trusted as Vault, and the client key is a secret. A Kubernetes secret volume
 * (files linked through a root-owned {@code ..data} link, in a root-owned sticky directory) is accepted.
 */
class VaultConfigFileTrustTest {
  /** A uid no one here runs as. */
  static final int OTHER_UID = 12345;
  static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  static final String KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAAS\n-----END PRIVATE KEY-----\n";

  @TempDir Path dir;

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

  static VaultConfig.Builder builder() {
    return VaultConfig.builder(URI.create("https://vault:8200")).auth(VaultAuth.token("hvs.CAESIFileTrustTestTokn"));
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

  static void giveAway(Path p) throws IOException {
    assumeTrue("root".equals(System.getProperty("user.name")), "giving a file to another user takes root");
    Files.setAttribute(p, "unix:uid", OTHER_UID, LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  void aCaFileUnderAWorldWritableGrandparentIsRefusedNamingTheDirectory() throws Exception {
    Path open = mkdir(dir.resolve("etc"), 0777);
    Path ca = write(mkdir(open.resolve("vault"), 0755).resolve("ca.pem"), CA, 0644);
    assertThatThrownBy(() -> builder().caPem(ca)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("directory " + open).hasMessageContaining("writable by all users")
        .hasMessageContaining("caPem file " + ca).hasMessageContaining("chmod o-w");
    // The client certificate and key likewise.
    Path cert = write(open.resolve("vault/client.pem"), CA, 0644);
    Path key = write(open.resolve("vault/client.key"), KEY, 0600);
    assertThatThrownBy(() -> builder().clientCertificate(cert, key)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("directory " + open).hasMessageContaining("clientCertPem file " + cert);
    Files.setAttribute(open, "unix:mode", 0755);
    assertThat(builder().caPem(ca).clientCertificate(cert, key).build().caPem()).contains(CA);
    // A CA readable by all is public data: no warning.
    assertThat(warnings.list).isEmpty();
  }

  @Test
  void aCaOrClientKeyFileOfAnotherUserIsRefusedNamingItsUidNotItsContent() throws Exception {
    Path tls = mkdir(dir.resolve("tls"), 0755);
    Path ca = write(tls.resolve("ca.pem"), CA, 0644);
    giveAway(ca);
    assertThatThrownBy(() -> builder().caPem(ca)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("caPem file " + ca).hasMessageContaining("belongs to uid " + OTHER_UID)
        .hasMessageContaining("chown").hasMessageNotContaining("MIIB");
    Path cert = write(tls.resolve("client.pem"), CA, 0644);
    Path key = write(tls.resolve("client.key"), KEY, 0600);
    giveAway(key);
    assertThatThrownBy(() -> builder().clientCertificate(cert, key)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clientKeyPem file " + key).hasMessageContaining("belongs to uid " + OTHER_UID)
        .hasMessageNotContaining("MIIEvQ");
  }

  @Test
  void aKubernetesSecretVolumeIsAcceptedAndAKeyReadableByAllIsWarnedAbout() throws Exception {
    // As the kubelet lays a secret volume out: the mount point root-owned 1777, the files in a timestamped
    // directory, reached through the ..data link, each name a link to ..data/name.
    Path volume = mkdir(dir.resolve("etc/vault-tls"), 01777);
    Path data = mkdir(volume.resolve("..2026_01_01_00_00_00.123456789"), 0755);
    write(data.resolve("ca.crt"), CA, 0644);
    write(data.resolve("tls.crt"), CA, 0644);
    write(data.resolve("tls.key"), KEY, 0644);
    Files.createSymbolicLink(volume.resolve("..data"), data.getFileName());
    for (String name : new String[] {"ca.crt", "tls.crt", "tls.key"}) {
      Files.createSymbolicLink(volume.resolve(name), Path.of("..data", name));
    }
    VaultConfig config = builder().caPem(volume.resolve("ca.crt"))
        .clientCertificate(volume.resolve("tls.crt"), volume.resolve("tls.key")).build();
    assertThat(config.caPem()).contains(CA);
    assertThat(config.clientKeyPem()).contains(KEY);
    assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage).singleElement()
        .satisfies(m -> assertThat(m).contains("clientKeyPem file " + volume.resolve("tls.key"))
            .contains("chmod 600").doesNotContain("MIIEvQ"));
  }
}

package dev.astravault.vaultmode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.astravault.AstraVaultException;
import dev.astravault.internal.vault.VaultSession;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.Policy;
import dev.astravault.test.vault.TokenSpec;
import dev.astravault.vault.VaultAccessDeniedException;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes service-account token file is refused, before any login, when another local user could replace it:
 * whoever writes it logs in as the Vault role it names. The kubelet's own layout (the token a link to
 * {@code ..data/token}, {@code ..data} a link to a timestamped directory, in a root-owned sticky mount point) passes.
 */
class VaultKubernetesJwtTrustTest {
  static final String JWT = "eyJhbGciOiJSUzI1NiJ9.service-account.signature";
  static final int OTHER_UID = 12345;

  final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
  final ManualScheduler deadlines = new ManualScheduler(clock);
  FakeVault vault;

  @TempDir Path dir;

  @BeforeEach
  void start() {
    vault = FakeVault.builder().clock(clock).policy(Policy.builder("app").build())
        .kubernetesRole("orders", JWT, "orders-sa", "shop", TokenSpec.of(Duration.ofHours(1), "app"))
        .build().start();
  }

  @AfterEach
  void stop() {
    vault.close();
  }

  /** Logs in with the JWT of {@code file} and reads a path the role may not read: the login is what is tested. */
  void readWith(Path file) {
    VaultConfig config = VaultConfig.builder(URI.create(vault.address()))
        .auth(VaultAuth.kubernetes("orders", file)).build();
    new VaultSession(config, clock, deadlines).read("reading secret/app", "secret/app");
  }

  long logins() {
    return vault.requests().stream().filter(q -> q.path().equals("/v1/auth/kubernetes/login")).count();
  }

  static Path mkdir(Path p, int mode) throws IOException {
    Files.createDirectories(p);
    Files.setAttribute(p, "unix:mode", mode);
    return p;
  }

  /** The layout of a projected service-account volume; returns the path a pod reads, {@code <mount>/token}. */
  static Path kubeletVolume(Path mount) throws IOException {
    mkdir(mount, 01777);
    Path data = mkdir(mount.resolve("..2026_01_01_00_00_00.123456789"), 0755);
    Files.writeString(data.resolve("token"), JWT);
    Files.setAttribute(data.resolve("token"), "unix:mode", 0644);
    Files.createSymbolicLink(mount.resolve("..data"), data.getFileName());
    return Files.createSymbolicLink(mount.resolve("token"), Path.of("..data/token"));
  }

  @Test
  void theKubeletsLinkedLayoutLogsIn() throws Exception {
    Path token = kubeletVolume(dir.resolve("var/run/secrets/kubernetes.io/serviceaccount"));
    assertThatThrownBy(() -> readWith(token)).isInstanceOf(VaultAccessDeniedException.class)
        .hasMessageContaining("secret/app");
    assertThat(logins()).isEqualTo(1);
  }

  @Test
  void aTokenFileUnderAWorldWritableGrandparentIsRefusedBeforeAnyLogin() throws Exception {
    Path open = mkdir(dir.resolve("var"), 0777);
    Path token = kubeletVolume(open.resolve("run/secrets/kubernetes.io/serviceaccount"));
    assertThatThrownBy(() -> readWith(token)).isExactlyInstanceOf(AstraVaultException.class)
        .hasMessageContaining("directory " + open).hasMessageContaining("writable by all users")
        .hasMessageContaining("Kubernetes service-account token file " + token).hasMessageNotContaining(JWT);
    assertThat(logins()).isZero();
  }

  @Test
  void aTokenFileOfAnotherUserIsRefusedNamingItsUid() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "giving a file to another user takes root");
    Path token = kubeletVolume(dir.resolve("serviceaccount"));
    Path real = token.toRealPath();
    Files.setAttribute(real, "unix:uid", OTHER_UID, LinkOption.NOFOLLOW_LINKS);
    assertThatThrownBy(() -> readWith(token)).isExactlyInstanceOf(AstraVaultException.class)
        .hasMessageContaining("Kubernetes service-account token file " + token).hasMessageContaining(real.toString())
        .hasMessageContaining("belongs to uid " + OTHER_UID).hasMessageContaining("chown")
        .hasMessageNotContaining(JWT);
    assertThat(logins()).isZero();
  }
}

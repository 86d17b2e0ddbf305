package dev.astravault.vaultmode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.astravault.EncryptionKey;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.Capability;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.Policy;
import dev.astravault.test.vault.TokenSpec;
import dev.astravault.vault.KvPath;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKeyException;
import dev.astravault.vault.VaultKeyProvider;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store key on a KV version 1 mount ({@code vault secrets enable -path=kv kv}) as on a version 2 one. Before,
 * every configuration surface (Spring's {@code key-vault-path}, the CLI's {@code --key-vault-path}) read it as KV v2,
 * and a stated version that did not match the mount, or a mount that is not KV at all, read as "no secret".
 */
class VaultKeyKvVersionTest {
  private static final String KEY_PATH = "astra-vault/store-key";

  final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));

  @RegisterExtension final FakeVault vault = FakeVault.builder().kvMount("secret", 2).kvMount("kv", 1)
      .kvMount("team/kv", 2)
      .policy(Policy.builder("key-reader").path("kv/" + KEY_PATH, Capability.READ).build())
      .policy(Policy.builder("elsewhere").path("secret/data/other", Capability.READ).build())
      .build();

  private final EncryptionKey k1 = EncryptionKey.generate();
  private final EncryptionKey k2 = EncryptionKey.generate();

  private VaultConfig config(String token) {
    return VaultConfig.of(URI.create(vault.address()), VaultAuth.token(token));
  }

  private VaultConfig root() {
    return config(vault.rootToken());
  }

  @Test
  void theKeyIsReadFromAV1AndAV2MountByAskingVaultTheVersion() {
    vault.putKv("kv/" + KEY_PATH, Map.of("key", k1.toBase64()));
    vault.putKv("secret/" + KEY_PATH, Map.of("key", k2.toBase64(), "previous", k1.toBase64()));

    VaultKeyProvider v1 = VaultKeyProvider.of(root(), "kv", KEY_PATH, clock);
    assertThat(v1.currentKey()).isEqualTo(k1);
    assertThat(v1.toString()).contains("kv/" + KEY_PATH + " (KV v1)").doesNotContain(k1.toBase64());
    VaultKeyProvider v2 = VaultKeyProvider.of(root(), "secret", KEY_PATH, clock);
    assertThat(v2.currentKey()).isEqualTo(k2);
    assertThat(v2.key(k1.id())).contains(k1);
    assertThat(v2.toString()).contains("(KV v2)");
    assertThat(vault.requests()).anyMatch(q -> q.path().equals("/v1/sys/internal/ui/mounts/kv/" + KEY_PATH));
  }

  /** Vault names the mount that serves the path, so a mount given as its parent still reads the right version. */
  @Test
  void vaultsAnswerPlacesTheMountBoundary() {
    vault.putKv("team/kv/" + KEY_PATH, Map.of("key", k1.toBase64()));
    VaultKeyProvider keys = VaultKeyProvider.of(root(), "team", "kv/" + KEY_PATH, clock);
    assertThat(keys.currentKey()).isEqualTo(k1);
    assertThat(keys.toString()).contains("team/kv/" + KEY_PATH + " (KV v2)");
  }

  /** A token that may read only the key: Vault answers the lookup for it (no policy names that path). */
  @Test
  void aTokenThatMayReadOnlyTheKeyFindsItsVersion() {
    vault.putKv("kv/" + KEY_PATH, Map.of("key", k1.toBase64()));
    String token = vault.createToken(TokenSpec.of(Duration.ofHours(1), "key-reader"));
    assertThat(VaultKeyProvider.of(config(token), "kv", KEY_PATH, clock).currentKey()).isEqualTo(k1);
  }

  /** No access under the mount: Vault refuses the lookup, and the error names the mount and how to go on. */
  @Test
  void aRefusedLookupIsUnreadableNamingTheMount() {
    vault.putKv("kv/" + KEY_PATH, Map.of("key", k1.toBase64()));
    String token = vault.createToken(TokenSpec.of(Duration.ofHours(1), "elsewhere"));
    Throwable t = catchThrowable(() -> VaultKeyProvider.of(config(token), "kv", KEY_PATH, clock));
    assertThat(t).isInstanceOf(VaultKeyException.class).hasMessageContaining("mount 'kv'")
        .hasMessageContaining("state the version").hasMessageNotContaining(k1.toBase64());
    assertThat(((VaultKeyException) t).reason()).isEqualTo(VaultKeyException.Reason.UNREADABLE);
  }

  @Test
  void aMountThatIsNotKvIsAWrongEngineNamingTheMount() {
    String astra = vault.astraMount().replaceAll("/$", "");
    Throwable looked = catchThrowable(() -> VaultKeyProvider.of(root(), astra, KEY_PATH, clock));
    assertThat(looked).isInstanceOf(VaultKeyException.class).hasMessageContaining("mount '" + astra + "'")
        .hasMessageContaining("not KV");
    assertThat(((VaultKeyException) looked).reason()).isEqualTo(VaultKeyException.Reason.WRONG_ENGINE);

    for (KvPath stated : new KvPath[] {KvPath.v1(astra, KEY_PATH), KvPath.v2(astra, KEY_PATH)}) {
      Throwable t = catchThrowable(() -> VaultKeyProvider.of(root(), stated, clock));
      assertThat(t).as(stated.toString()).isInstanceOf(VaultKeyException.class)
          .hasMessageContaining("mount '" + astra + "'");
      assertThat(((VaultKeyException) t).reason()).as(stated.toString())
          .isEqualTo(VaultKeyException.Reason.WRONG_ENGINE);
    }
  }

  /** A stated version that is not the mount's: the error says which version the mount is, not "no secret". */
  @Test
  void aStatedVersionThatIsNotTheMountsSaysSo() {
    vault.putKv("kv/" + KEY_PATH, Map.of("key", k1.toBase64()));
    vault.putKv("secret/" + KEY_PATH, Map.of("key", k2.toBase64()));
    assertThat(VaultKeyProvider.of(root(), KvPath.v1("kv", KEY_PATH), clock).currentKey()).isEqualTo(k1);

    Throwable v2OnV1 = catchThrowable(() -> VaultKeyProvider.of(root(), KvPath.v2("kv", KEY_PATH), clock));
    assertThat(v2OnV1).isInstanceOf(VaultKeyException.class).hasMessageContaining("mount 'kv' is a KV version 1")
        .hasMessageNotContaining(k1.toBase64());
    assertThat(((VaultKeyException) v2OnV1).reason()).isEqualTo(VaultKeyException.Reason.WRONG_ENGINE);
    Throwable v1OnV2 = catchThrowable(() -> VaultKeyProvider.of(root(), KvPath.v1("secret", KEY_PATH), clock));
    assertThat(((VaultKeyException) v1OnV2).reason()).isEqualTo(VaultKeyException.Reason.WRONG_ENGINE);
    assertThat(v1OnV2).hasMessageContaining("mount 'secret' is a KV version 2");

    // A key that is simply missing on a mount of the stated version is still NO_SECRET.
    Throwable missing = catchThrowable(() -> VaultKeyProvider.of(root(), KvPath.v1("kv", "astra-vault/none"), clock));
    assertThat(((VaultKeyException) missing).reason()).isEqualTo(VaultKeyException.Reason.NO_SECRET);
  }
}

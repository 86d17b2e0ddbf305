package dev.astravault.vaultmode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.astravault.EncryptionKey;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.Capability;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.Policy;
import dev.astravault.test.vault.TokenSpec;
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
 * The store key read with a token whose policy names its KV path with Vault's {@code +} segment wildcard
 * ({@code secret/data/+/astra-vault/*}, one policy for every team): the KV version lookup and the read both pass, and
 * a key one segment deeper is refused, as real Vault refuses it.
 */
class VaultPlusPolicyKeyTest {
  final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));

  @RegisterExtension final FakeVault vault = FakeVault.builder().kvMount("secret", 2)
      .policy(Policy.builder("teams").path("secret/data/+/astra-vault/*", Capability.READ).build())
      .build();

  private final EncryptionKey key = EncryptionKey.generate();

  private VaultConfig config(String token) {
    return VaultConfig.of(URI.create(vault.address()), VaultAuth.token(token));
  }

  @Test
  void aPlusSegmentGrantsTheKeyOfAnyOneTeam() {
    vault.putKv("secret/orders/astra-vault/store-key", Map.of("key", key.toBase64()));
    String token = vault.createToken(TokenSpec.of(Duration.ofHours(1), "teams"));
    VaultKeyProvider keys = VaultKeyProvider.of(config(token), "secret", "orders/astra-vault/store-key", clock);
    assertThat(keys.currentKey()).isEqualTo(key);
    assertThat(keys.toString()).contains("(KV v2)");
  }

  @Test
  void aKeyTwoSegmentsDownIsRefused() {
    vault.putKv("secret/eu/orders/astra-vault/store-key", Map.of("key", key.toBase64()));
    String token = vault.createToken(TokenSpec.of(Duration.ofHours(1), "teams"));
    Throwable t = catchThrowable(() -> VaultKeyProvider.of(config(token), "secret",
        "eu/orders/astra-vault/store-key", clock).currentKey());
    assertThat(t).isInstanceOf(VaultKeyException.class).hasMessageNotContaining(key.toBase64());
    assertThat(((VaultKeyException) t).reason()).isEqualTo(VaultKeyException.Reason.UNREADABLE);
    assertThat(vault.requests()).anyMatch(q -> q.path().equals("/v1/secret/data/eu/orders/astra-vault/store-key"));
  }
}

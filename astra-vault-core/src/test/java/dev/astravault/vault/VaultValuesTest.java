package dev.astravault.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A secret given where a Vault address belongs is refused without being quoted, so that the toString of the config
 * (which names it) never prints one.
 */
class VaultValuesTest {
  static final String VAULT_TOKEN = "hvs.CAESIJlU4OQG2rmnkRz0mMXhp8vE";

  @Test
  void anAddressWithCredentialsOrATokenIsRefusedUnquoted() {
    for (String address : List.of(VAULT_TOKEN, "https://root:hunter2@vault:8200", "ftp://root:hunter2@vault",
        "https://vault:8200?token=hunter2", "https://vault:8200/#hunter2")) {
      assertThatThrownBy(() -> VaultConfig.builder(URI.create(address)).auth(VaultAuth.token("t")).build())
          .as(address).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("address")
          .hasMessageNotContaining("hunter2").hasMessageNotContaining(VAULT_TOKEN.substring(4));
    }
    assertThat(VaultConfig.of(URI.create("https://vault:8200/"), VaultAuth.token("t")).address())
        .isEqualTo(URI.create("https://vault:8200"));
  }
}

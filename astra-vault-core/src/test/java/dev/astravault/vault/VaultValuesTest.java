package dev.astravault.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * A secret given where a Vault address, mount, namespace or role belongs is refused without being quoted, so that
 * the toString of the config (which names them) never prints one.
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

  @Test
  void aTokenAsAMountNamespaceRoleOrPathIsRefusedUnquoted() {
    VaultConfig.Builder b = VaultConfig.builder(URI.create("https://vault:8200")).auth(VaultAuth.token("t"));
    List<Runnable> careless = List.of(
        () -> b.mount(VAULT_TOKEN),
        () -> b.namespace(VAULT_TOKEN),
        () -> VaultAuth.appRole(VAULT_TOKEN, "secret-id"),
        () -> VaultAuth.appRole("approle/" + VAULT_TOKEN, "role-id", "secret-id"),
        () -> VaultAuth.kubernetes(VAULT_TOKEN, Path.of("/var/run/token")),
        () -> new KvPath("secret", "astra/" + VAULT_TOKEN, 2),
        () -> new KvPath(VAULT_TOKEN, "astra", 2));
    for (Runnable r : careless) {
      assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class)
          .hasMessageNotContaining(VAULT_TOKEN.substring(4));
    }
    assertThat(b.mount("astra-prod").namespace("team-a").build().toString()).contains("astra-prod", "team-a");
  }

  @Test
  void anSslContextAndPemsAreRefusedTogetherAndTheContextIsNamedNotPrinted() throws Exception {
    String pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    SSLContext context = SSLContext.getDefault();
    VaultConfig.Builder b = VaultConfig.builder(URI.create("https://vault:8200")).auth(VaultAuth.token("t"))
        .sslContext(context);
    assertThat(b.build().sslContext()).containsSame(context);
    assertThat(b.build().toString()).contains(", sslContext]").doesNotContain(context.toString());
    assertThatThrownBy(() -> b.caPem(pem).build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sslContext").hasMessageContaining("caPem");
  }
}

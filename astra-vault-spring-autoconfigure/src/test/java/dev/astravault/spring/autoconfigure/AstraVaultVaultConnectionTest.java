package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.ManagedToken;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.TokenSpec;
import dev.astravault.test.vault.VaultRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The {@code astra.vault.vault.*} connection in vault mode, asserted by what FakeVault receives: Kubernetes login with
 * the JWT read from {@code kubernetes-jwt-path}, AppRole login, the {@code X-Vault-Namespace} header of
 * {@code namespace} and the plugin {@code mount}.
 */
class AstraVaultVaultConnectionTest {
  static final String JWT = "eyJhbGciOiJSUzI1NiJ9.orders-service-account.signature";
  static final String ROLE_ID = "orders-role-id";
  static final String SECRET_ID = "orders-secret-id-5b2d";

  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  // The login roles carry the root policy: the context writes the org and role of its properties into Vault.
  @RegisterExtension final FakeVault vault = FakeVault.builder()
      .kubernetesRole("orders", JWT, "orders-sa", "shop", TokenSpec.of(Duration.ofHours(1), "root"))
      .appRole("orders", ROLE_ID, SECRET_ID, TokenSpec.of(Duration.ofHours(1), "root"))
      .build();

  @TempDir Path dir;

  private ApplicationContextRunner vaultMode(FakeVault v) {
    return FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.mode=vault",
        "astra.vault.vault.uri=" + v.address());
  }

  private List<VaultRequest> logins(String method) {
    return vault.requests().stream().filter(r -> r.path().equals("/v1/auth/" + method + "/login")).toList();
  }

  @Test
  void kubernetesLoginSendsTheJwtReadFromKubernetesJwtPath() throws Exception {
    Path jwt = Files.writeString(dir.resolve("sa-token"), JWT + "\n");
    vaultMode(vault).withPropertyValues("astra.vault.vault.authentication=kubernetes",
        "astra.vault.vault.kubernetes-role=orders", "astra.vault.vault.kubernetes-jwt-path=" + jwt).run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(astra.isLive(context.getBean(ManagedToken.class).current())).isTrue();
          assertThat(vault.leases()).isNotEmpty();
          assertThat(logins("kubernetes")).isNotEmpty().allSatisfy(login -> assertThat(login.body())
              .contains("\"role\":\"orders\"", "\"jwt\":\"" + JWT + "\""));
          // Everything else ran on the token that login returned.
          assertThat(vault.requests()).filteredOn(r -> !r.path().startsWith("/v1/auth/kubernetes/"))
              .isNotEmpty().allSatisfy(r -> assertThat(r.token()).isPresent().get().isNotEqualTo(vault.rootToken()));
        });
    assertThat(astra.liveTokens()).isEmpty();
  }

  @Test
  void aJwtFileWithAnotherTokenIsRefusedWithoutShowingIt() throws Exception {
    Path jwt = Files.writeString(dir.resolve("other-token"), "eyJ.someone-else.sig\n");
    vaultMode(vault).withPropertyValues("astra.vault.vault.authentication=kubernetes",
        "astra.vault.vault.kubernetes-role=orders", "astra.vault.vault.kubernetes-jwt-path=" + jwt).run(context -> {
          assertThat(context).hasFailed();
          assertThat(logins("kubernetes")).isNotEmpty()
              .allSatisfy(login -> assertThat(login.body()).contains("someone-else"));
          for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain("someone-else");
          }
        });
    assertThat(astra.liveTokens()).isEmpty();
  }

  @Test
  void appRoleLoginSendsTheRoleIdAndSecretId() {
    vaultMode(vault).withPropertyValues("astra.vault.vault.authentication=approle",
        "astra.vault.vault.app-role-role-id=" + ROLE_ID, "astra.vault.vault.app-role-secret-id=" + SECRET_ID)
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(astra.isLive(context.getBean(ManagedToken.class).current())).isTrue();
          assertThat(logins("approle")).isNotEmpty().allSatisfy(login -> assertThat(login.body())
              .contains("\"role_id\":\"" + ROLE_ID + "\"", "\"secret_id\":\"" + SECRET_ID + "\""));
          assertThat(context.getBean(AstraVaultProperties.class).toString()).doesNotContain(SECRET_ID);
        });
  }

  @Test
  void theNamespaceHeaderIsSentOnEveryRequestAndOnlyWhenSet() {
    String[] token = {"astra.vault.vault.token=" + vault.rootToken()};
    vaultMode(vault).withPropertyValues(token).withPropertyValues("astra.vault.vault.namespace=team-a")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(astra.isLive(context.getBean(ManagedToken.class).current())).isTrue();
          assertThat(vault.requests()).isNotEmpty()
              .allSatisfy(r -> assertThat(r.namespace()).as("%s %s", r.method(), r.path()).contains("team-a"));
        });
    vault.clearRequests();
    // Another logical name: FakeVault's plugin v2.0.0 refuses FakeAstra's 200 to the revoke, keeping the first lease.
    vaultMode(vault).withPropertyValues(token).withPropertyValues("astra.vault.token.logical-name=orders-2")
        .run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(vault.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.namespace()).isEmpty());
    });
  }

  @Test
  void mountNamesWhereThePluginIsMounted() {
    try (FakeVault prod = FakeVault.builder().astraMount("astra-prod/").build().start()) {
      vaultMode(prod).withPropertyValues("astra.vault.vault.token=" + prod.rootToken(),
          "astra.vault.vault.mount=astra-prod").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(astra.isLive(context.getBean(ManagedToken.class).current())).isTrue();
            assertThat(prod.requests()).anySatisfy(r -> assertThat(r.path()).startsWith("/v1/astra-prod/"))
                .noneSatisfy(r -> assertThat(r.path()).startsWith("/v1/astra/"));
          });
      // The default mount (astra) is not there.
      vaultMode(prod).withPropertyValues("astra.vault.vault.token=" + prod.rootToken())
          .run(context -> assertThat(context).hasFailed());
    }
  }
}

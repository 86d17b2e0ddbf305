package dev.astravault.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.AstraToken;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.TokenManager;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.vault.Capability;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.Policy;
import dev.astravault.test.vault.TokenSpec;
import dev.astravault.vault.KvPath;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKeyProvider;
import dev.astravault.vault.VaultKvLeaseStore;
import dev.astravault.vault.VaultOrgConfigs;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** docs/vault.md's snippets, as written, against FakeVault with the Astra plugin on FakeAstra. */
class VaultDocsTest {
  static final String JWT = "eyJhbGciOiJSUzI1NiJ9.service-account.signature";
  static final String ROLE_ID = "approle-role-id";
  static final String SECRET_ID = "approle-secret-id";

  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @TempDir Path dir;
  final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  static Policy app() {
    return Policy.builder("astra-app")
        .path("astra/org/token", Capability.UPDATE, Capability.READ)
        .path("astra/config", Capability.READ)
        .path("astra/role", Capability.READ)
        .path("sys/leases/renew", Capability.UPDATE)
        .path("sys/leases/lookup", Capability.UPDATE)
        .path("sys/leases/revoke", Capability.UPDATE)
        .build();
  }

  FakeVault vault(FakeVault.Builder builder) {
    return vault(builder, null);
  }

  FakeVault vault(FakeVault.Builder builder, String caPem) {
    FakeVault vault = builder.policy(app())
        .kubernetesRole("orders", JWT, "orders-sa", "shop", TokenSpec.of(Duration.ofHours(1), "astra-app"))
        .appRole("orders", ROLE_ID, SECRET_ID, TokenSpec.of(Duration.ofMinutes(30), "astra-app"))
        .build().start();
    closing.add(vault);
    // The operator writes the org (root token) and the role into Vault.
    VaultConfig.Builder config = VaultConfig.builder(URI.create(vault.address()))
        .auth(VaultAuth.token(vault.rootToken()));
    if (caPem != null) {
      config.caPem(caPem);
    }
    try (TokenManager operator = TokenManager.builder().vault(config.build()).build()) {
      operator.writeOrg(Docs.prod(astra).toBuilder().logicalName("acme").build());
      operator.writeRole(RoleSpec.builder().org("acme").name("reader").roleId(astra.roleId("API RO Svc Acct"))
          .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
    }
    return vault;
  }

  static TokenManager kubernetes(URI vaultAddress, Path jwtFile, Path caPem) {
    // docs:begin vault-kubernetes
    TokenManager tokens = TokenManager.builder()
        .vault(VaultConfig.builder(vaultAddress)                  // e.g. URI.create("https://vault.internal:8200")
            .auth(VaultAuth.kubernetes("orders", jwtFile))        // in a pod: VaultAuth.SERVICE_ACCOUNT_TOKEN
            .caPem(caPem)                                         // e.g. Path.of("/etc/vault/ca.pem")
            .build())
        .build();
    AstraToken token = tokens.request().org("acme").role("reader").logicalName("orders").issue();
    // docs:end vault-kubernetes
    return tokens;
  }

  @Test
  void anAppInKubernetesLogsInOverHttpsWithItsServiceAccount() throws Exception {
    HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).commonName("test CA").build();
    HeldCertificate server = new HeldCertificate.Builder().signedBy(ca).addSubjectAlternativeName("localhost")
        .addSubjectAlternativeName("127.0.0.1").addSubjectAlternativeName(hostName()).build();
    FakeVault vault = vault(FakeVault.builder().tls(new HandshakeCertificates.Builder()
        .heldCertificate(server, ca.certificate()).build().sslSocketFactory()), ca.certificatePem());
    Path caPem = Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    Path jwtFile = Files.writeString(dir.resolve("token"), JWT);
    Files.setPosixFilePermissions(jwtFile, PosixFilePermissions.fromString("rw-------"));

    try (TokenManager tokens = kubernetes(URI.create(vault.address()), jwtFile, caPem)) {
      assertThat(vault.address()).startsWith("https://");
      assertThat(vault.leases()).hasSize(1);
      assertThat(vault.requests()).anyMatch(r -> r.path().equals("/v1/auth/kubernetes/login"));
    }
  }

  static String hostName() {
    try {
      return InetAddress.getByName("localhost").getCanonicalHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /** Spring Vault's SessionManager, as far as the snippet uses it (Spring Vault is not on this class path). */
  interface SessionManager {
    VaultToken getSessionToken();
  }

  /** Spring Vault's VaultToken, as far as the snippet uses it. */
  interface VaultToken {
    String getToken();
  }

  static List<VaultAuth> auths(String roleId, String secretId, SessionManager sessionManager) {
    // docs:begin vault-auth
    VaultAuth fixed = VaultAuth.token(System.getenv("VAULT_TOKEN"));  // no way to log in again on expiry
    VaultAuth appRole = VaultAuth.appRole(roleId, secretId);  // auth/approle; appRole("other-mount", …) elsewhere
    VaultAuth pod = VaultAuth.kubernetes("orders", VaultAuth.SERVICE_ACCOUNT_TOKEN);  // the file is read at each login
    VaultAuth shared = VaultAuth.tokenSource(() -> sessionManager.getSessionToken().getToken());  // the app's session
    // docs:end vault-auth
    return List.of(fixed, appRole, pod, shared);
  }

  /** args: Vault's address; VAULT_TOKEN in the environment. Issues a token with each way to log in but Kubernetes. */
  public static void main(String[] args) {
    String root = System.getenv("VAULT_TOKEN");
    List<VaultAuth> auths = auths(ROLE_ID, SECRET_ID, () -> () -> root);
    for (VaultAuth auth : List.of(auths.get(0), auths.get(1), auths.get(3))) {
      try (TokenManager tokens = TokenManager.builder().vault(VaultConfig.of(URI.create(args[0]), auth)).build()) {
        tokens.request().org("acme").role("reader").logicalName("orders-" + auth.getClass().getSimpleName())
            .issue();
      }
    }
    VaultAuth.Kubernetes pod = (VaultAuth.Kubernetes) auths.get(2);
    System.out.println("issued 3, kubernetes " + pod.role() + " " + pod.jwtFile());
    System.exit(0);
  }

  @Test
  void eachWayToLogIn() throws Exception {
    FakeVault vault = vault(FakeVault.builder());
    String out = Docs.runInOwnJvm(VaultDocsTest.class, Map.of("VAULT_TOKEN", vault.rootToken()), vault.address());
    assertThat(out).contains("issued 3, kubernetes orders /var/run/secrets/kubernetes.io/serviceaccount/token");
    assertThat(vault.requests()).anyMatch(r -> r.path().equals("/v1/auth/approle/login"));
  }

  @Test
  void theLeaseStoreInVaultsKv() {
    FakeVault vault = vault(FakeVault.builder());
    vault.putKv("secret/astra-vault/store-key", Map.of("key", Docs.newKey(3)));
    VaultConfig vaultConfig = VaultConfig.of(URI.create(vault.address()), VaultAuth.token(vault.rootToken()));
    // docs:begin vault-kv-store
    LeaseStore store = VaultKvLeaseStore.builder(vaultConfig)
        .mount("secret")                            // the KV v2 mount (default secret; team/kv works too)
        .pathPrefix("astra-vault/orders-service")   // default astra-vault
        .keyProvider(VaultKeyProvider.of(vaultConfig, KvPath.v2("secret", "astra-vault/store-key")))
        .build();
    // docs:end vault-kv-store
    try (TokenManager tokens = TokenManager.builder().leaseStore(store).build()) {
      tokens.writeOrg(Docs.prod(astra));
      tokens.syncRoles("prod");
      tokens.request().org("prod").role("api_ro_user").logicalName("orders").issue();
      assertThat(store.list("")).hasSize(1);
      assertThat(vault.kvKeys("secret/")).anyMatch(k -> k.startsWith("astra-vault/orders-service/"));
    }
  }

  @Test
  void theOrgFromVaultsKv() {
    FakeVault vault = vault(FakeVault.builder());
    OrgConfig prod = Docs.prod(astra);
    vault.putKv("secret/astra/orgs/prod", Map.of("org_id", prod.orgId(), "root_token", prod.rootToken(),
        "url", prod.url().toString(), "logical_name", "prod"));
    VaultConfig vaultConfig = VaultConfig.of(URI.create(vault.address()), VaultAuth.token(vault.rootToken()));
    // docs:begin vault-org-configs
    TokenManager tokens = TokenManager.builder()
        .org(VaultOrgConfigs.read(vaultConfig, "secret", "astra/orgs/prod"))   // or readAll(.., "secret", folder)
        .build();
    // docs:end vault-org-configs
    try (tokens) {
      tokens.syncRoles("prod");
      AstraToken token = tokens.request().org("prod").role("api_ro_user").logicalName("orders").issue();
      assertThat(astra.isLive(token.token())).isTrue();
    }
  }
}

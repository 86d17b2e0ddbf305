package dev.astravault.vaultmode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.astravault.EncryptionKey;
import dev.astravault.OrgConfig;
import dev.astravault.StoreException;
import dev.astravault.audit.AuditCheckpoint;
import dev.astravault.audit.AuditWitness;
import dev.astravault.test.vault.Capability;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.MountLookup;
import dev.astravault.test.vault.Policy;
import dev.astravault.test.vault.TokenSpec;
import dev.astravault.vault.KvPath;
import dev.astravault.vault.VaultAccessDeniedException;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKeyException;
import dev.astravault.vault.VaultKeyProvider;
import dev.astravault.vault.VaultKvMountException;
import dev.astravault.vault.VaultOrgConfigs;
import dev.astravault.vault.VaultUnavailableException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Org configs ({@link VaultOrgConfigs}) and audit checkpoints ({@link AuditWitness#vaultKv}) on a KV version 1 mount
 * as on a version 2 one, the version asked of Vault as {@code vault kv get} does when it is not stated. Before, both
 * took only a {@link KvPath}, whose version every configuration surface defaulted to 2, so on a KV v1 mount they read
 * and wrote {@code <mount>/data/...}: "no org config" for an org that was there.
 */
class VaultKvVersionLookupTest {
  private static final String ORG_ID = "3f1c2a9e-4b7d-4e21-9c0a-1b2c3d4e5f60";
  private static final String ROOT_TOKEN = "AstraCS:" + "a".repeat(24) + ":" + "b".repeat(64);
  private static final String LOOKUP = "/v1/sys/internal/ui/mounts/";

  @RegisterExtension final FakeVault vault = FakeVault.builder().kvMount("secret", 2).kvMount("kv", 1)
      .kvMount("team/kv", 2)
      .policy(Policy.builder("elsewhere").path("secret/data/other", Capability.READ).build())
      .policy(Policy.builder("orgs-v1").path("kv/astra/orgs/*", Capability.READ, Capability.LIST)
          .path("kv/astra/checkpoints/*", Capability.READ, Capability.CREATE, Capability.UPDATE).build())
      .build();

  private VaultConfig config(String token) {
    return VaultConfig.of(URI.create(vault.address()), VaultAuth.token(token));
  }

  private VaultConfig root() {
    return config(vault.rootToken());
  }

  private void putOrg(String path, String logicalName) {
    vault.putKv(path, Map.of("org_id", ORG_ID, "root_token", ROOT_TOKEN, "logical_name", logicalName));
  }

  private long lookups() {
    return vault.requests().stream().filter(r -> r.path().startsWith(LOOKUP)).count();
  }

  @Test
  void orgsAreReadFromAV1AndAV2MountByAskingVaultTheVersion() {
    putOrg("kv/astra/orgs/prod", "prod-v1");
    putOrg("kv/astra/orgs/staging", "staging-v1");
    putOrg("secret/astra/orgs/prod", "prod-v2");

    OrgConfig v1 = VaultOrgConfigs.read(root(), "kv", "astra/orgs/prod");
    assertThat(v1.logicalName()).isEqualTo("prod-v1");
    assertThat(v1.orgId()).isEqualTo(ORG_ID);
    assertThat(VaultOrgConfigs.read(root(), "secret", "astra/orgs/prod").logicalName()).isEqualTo("prod-v2");
    assertThat(VaultOrgConfigs.readAll(root(), "kv", "astra/orgs/")).extracting(OrgConfig::logicalName)
        .containsExactly("prod-v1", "staging-v1");
    assertThat(vault.requests()).anyMatch(q -> q.path().equals(LOOKUP + "kv/astra/orgs/prod"));
    assertThat(vault.requests()).noneMatch(q -> q.path().startsWith("/v1/kv/data/"));
  }

  @Test
  void checkpointsAreWrittenToAV1AndAV2MountByAskingVaultTheVersion() {
    AuditCheckpoint cp = new AuditCheckpoint("audit.jsonl", 7, "c".repeat(64), Instant.parse("2026-03-01T00:00:00Z"));
    for (String mount : List.of("kv", "secret")) {
      AuditWitness witness = AuditWitness.vaultKv(root(), mount, "astra/checkpoints");
      witness.publish(cp);
      assertThat(witness.latest("audit.jsonl")).contains(cp);
      assertThat(vault.kv(mount + "/astra/checkpoints/audit.jsonl")).as(mount).hasValueSatisfying(data ->
          assertThat(data).containsEntry("seq", "7"));
      assertThat(witness.toString()).contains(mount + "/astra/checkpoints (KV v" + (mount.equals("kv") ? 1 : 2));
    }
  }

  /** A token that may touch only the orgs' and checkpoints' paths: Vault answers the lookup for it. */
  @Test
  void aTokenLimitedToThePathsFindsTheVersion() {
    putOrg("kv/astra/orgs/prod", "prod");
    String token = vault.createToken(TokenSpec.of(Duration.ofHours(1), "orgs-v1"));
    assertThat(VaultOrgConfigs.read(config(token), "kv", "astra/orgs/prod").logicalName()).isEqualTo("prod");
    AuditWitness witness = AuditWitness.vaultKv(config(token), "kv", "astra/checkpoints");
    AuditCheckpoint cp = new AuditCheckpoint("a.jsonl", 1, "d".repeat(64), Instant.parse("2026-03-01T00:00:00Z"));
    witness.publish(cp);
    assertThat(witness.latest("a.jsonl")).contains(cp);
  }

  /** A stated version makes no lookup, so a token or proxy that refuses sys/internal/ui/mounts still works. */
  @Test
  void aStatedVersionIsUsedWithoutTheLookup() {
    putOrg("kv/astra/orgs/prod", "prod");
    String token = vault.createToken(TokenSpec.of(Duration.ofHours(1), "orgs-v1"));
    vault.clearRequests();
    assertThat(VaultOrgConfigs.read(config(token), KvPath.v1("kv", "astra/orgs/prod")).logicalName())
        .isEqualTo("prod");
    assertThat(VaultOrgConfigs.readAll(config(token), KvPath.v1("kv", "astra/orgs/"))).hasSize(1);
    AuditWitness witness = AuditWitness.vaultKv(config(token), KvPath.v1("kv", "astra/checkpoints"));
    AuditCheckpoint cp = new AuditCheckpoint("a.jsonl", 2, "e".repeat(64), Instant.parse("2026-03-01T00:00:00Z"));
    witness.publish(cp);
    assertThat(witness.latest("a.jsonl")).contains(cp);
    assertThat(lookups()).isZero();
  }

  @Test
  void aMountThatIsNotKvIsATypedErrorNamingTheMount() {
    String astra = vault.astraMount().replaceAll("/$", "");
    Throwable org = catchThrowable(() -> VaultOrgConfigs.read(root(), astra, "astra/orgs/prod"));
    assertThat(org).isInstanceOf(VaultKvMountException.class).hasMessageContaining("mount '" + astra + "'")
        .hasMessageContaining("not KV");
    assertThat(((VaultKvMountException) org).mount()).isEqualTo(astra);
    assertThat(((VaultKvMountException) org).type()).isNotEqualTo("kv").isNotBlank();
    assertThat(catchThrowable(() -> VaultOrgConfigs.readAll(root(), astra, "orgs/")))
        .isInstanceOf(VaultKvMountException.class);
    Throwable witness = catchThrowable(() -> AuditWitness.vaultKv(root(), astra, "checkpoints"));
    assertThat(witness).isInstanceOf(VaultKvMountException.class).hasMessageContaining("mount '" + astra + "'");
  }

  /** No access under the mount: Vault refuses the lookup, and the error names the mount and how to go on. */
  @Test
  void aRefusedLookupNamesTheMountAndSaysToStateTheVersion() {
    putOrg("kv/astra/orgs/prod", "prod");
    String token = vault.createToken(TokenSpec.of(Duration.ofHours(1), "elsewhere"));
    Throwable org = catchThrowable(() -> VaultOrgConfigs.read(config(token), "kv", "astra/orgs/prod"));
    assertThat(org).isInstanceOf(StoreException.class).hasMessageContaining("mount 'kv'")
        .hasMessageContaining("state the version").hasMessageNotContaining(ROOT_TOKEN);
    assertThat(org).hasCauseInstanceOf(VaultAccessDeniedException.class);
    Throwable witness = catchThrowable(() -> AuditWitness.vaultKv(config(token), "kv", "astra/checkpoints"));
    assertThat(witness).isInstanceOf(VaultAccessDeniedException.class).hasMessageContaining("mount 'kv'")
        .hasMessageContaining("state the version");
  }

  /**
   * A stated version that is not the mount's is named after the miss it causes, as {@code VaultKeyProvider} does.
   * Before, v2 stated on a v1 mount read {@code kv/data/...}: "no org config" for an org that was there, an empty
   * folder, and no checkpoint (a log cut short would go unseen).
   */
  @Test
  void aStatedVersionThatIsNotTheMountsIsNamedAfterTheMiss() {
    putOrg("kv/astra/orgs/prod", "prod-v1");
    putOrg("secret/astra/orgs/prod", "prod-v2");
    vault.putKv("kv/astra/checkpoints/a.jsonl", Map.of("log", "a.jsonl", "seq", "3", "mac", "f".repeat(64),
        "time", "2026-03-01T00:00:00Z"));

    Throwable v2OnV1 = catchThrowable(() -> VaultOrgConfigs.read(root(), KvPath.v2("kv", "astra/orgs/prod")));
    assertThat(v2OnV1).isInstanceOf(VaultKvMountException.class)
        .hasMessageContaining("mount 'kv' is a KV version 1 engine").hasMessageContaining("states version 2")
        .hasMessageNotContaining(ROOT_TOKEN);
    VaultKvMountException typed = (VaultKvMountException) v2OnV1;
    assertThat(typed.mount()).isEqualTo("kv");
    assertThat(typed.kvVersion()).isEqualTo(1);
    assertThat(typed.requiredKvVersion()).isEqualTo(2);
    assertThat(catchThrowable(() -> VaultOrgConfigs.read(root(), KvPath.v1("secret", "astra/orgs/prod"))))
        .isInstanceOf(VaultKvMountException.class).hasMessageContaining("mount 'secret' is a KV version 2 engine");
    assertThat(catchThrowable(() -> VaultOrgConfigs.readAll(root(), KvPath.v2("kv", "astra/orgs/"))))
        .isInstanceOf(VaultKvMountException.class).hasMessageContaining("mount 'kv' is a KV version 1 engine");
    AuditWitness witness = AuditWitness.vaultKv(root(), KvPath.v2("kv", "astra/checkpoints"));
    assertThat(catchThrowable(() -> witness.latest("a.jsonl"))).isInstanceOf(VaultKvMountException.class)
        .hasMessageContaining("mount 'kv' is a KV version 1 engine");
    String astra = vault.astraMount().replaceAll("/$", "");
    assertThat(catchThrowable(() -> VaultOrgConfigs.read(root(), KvPath.v2(astra, "orgs/prod"))))
        .isInstanceOf(VaultKvMountException.class).hasMessageContaining("not KV");
  }

  /** As stated and missing: still "no org config" (the lookup after the miss finds the mount as stated). */
  @Test
  void aStatedVersionThatIsTheMountsStillReportsWhatIsMissing() {
    putOrg("kv/astra/orgs/prod", "prod");
    vault.clearRequests();
    assertThat(VaultOrgConfigs.read(root(), KvPath.v1("kv", "astra/orgs/prod")).logicalName()).isEqualTo("prod");
    assertThat(lookups()).as("a hit looks nothing up").isZero();
    assertThat(catchThrowable(() -> VaultOrgConfigs.read(root(), KvPath.v1("kv", "astra/orgs/none"))))
        .isInstanceOf(StoreException.class).hasMessageContaining("no org config in Vault at");
    assertThat(VaultOrgConfigs.readAll(root(), KvPath.v2("secret", "astra/orgs/"))).isEmpty();
    assertThat(AuditWitness.vaultKv(root(), KvPath.v2("secret", "astra/checkpoints")).latest("none.jsonl")).isEmpty();
  }

  /**
   * The lookup refused to every token (a proxy that passes only the readers' paths): each reader that looks the
   * version up fails typed, naming the mount and saying to state the version, as its javadoc says; stating it works.
   */
  @Test
  void aLookupDeniedToEveryTokenIsTypedPerReaderAndAStatedVersionStillWorks() {
    putOrg("kv/astra/orgs/prod", "prod");
    vault.putKv("kv/astra/store-key", Map.of("key", EncryptionKey.generate().toBase64()));
    vault.mountLookup(MountLookup.DENIED);

    Throwable org = catchThrowable(() -> VaultOrgConfigs.read(root(), "kv", "astra/orgs/prod"));
    assertThat(org).isInstanceOf(StoreException.class).hasMessageContaining("mount 'kv'")
        .hasMessageContaining("state the version").hasCauseInstanceOf(VaultAccessDeniedException.class);
    assertThat(catchThrowable(() -> VaultOrgConfigs.readAll(root(), "kv", "astra/orgs/")))
        .isInstanceOf(StoreException.class).hasMessageContaining("state the version");
    Throwable key = catchThrowable(() -> VaultKeyProvider.of(root(), "kv", "astra/store-key"));
    assertThat(key).isInstanceOf(VaultKeyException.class).hasMessageContaining("mount 'kv'")
        .hasMessageContaining("state the version");
    assertThat(((VaultKeyException) key).reason()).isEqualTo(VaultKeyException.Reason.UNREADABLE);
    assertThat(catchThrowable(() -> AuditWitness.vaultKv(root(), "kv", "astra/checkpoints")))
        .isInstanceOf(VaultAccessDeniedException.class).hasMessageContaining("mount 'kv'")
        .hasMessageContaining("state the version");

    assertThat(VaultOrgConfigs.read(root(), KvPath.v1("kv", "astra/orgs/prod")).logicalName()).isEqualTo("prod");
    assertThat(VaultKeyProvider.of(root(), KvPath.v1("kv", "astra/store-key")).currentKey()).isNotNull();
    // A stated miss asks the mount, is refused, and the miss stands as it is.
    assertThat(catchThrowable(() -> VaultOrgConfigs.read(root(), KvPath.v2("kv", "astra/orgs/prod"))))
        .isInstanceOf(StoreException.class).hasMessageContaining("no org config in Vault at");
  }

  /**
   * A Vault without the lookup (older than 0.10, so KV v1 only): a 404 reads the mount as KV v1, as the Vault CLI
   * does; a token the old ACL refuses the path to gets the refusal, typed as above.
   */
  @Test
  void anAbsentLookupReadsTheMountAsKvVersion1() {
    putOrg("kv/astra/orgs/prod", "prod");
    vault.mountLookup(MountLookup.ABSENT);
    assertThat(VaultOrgConfigs.read(root(), "kv", "astra/orgs/prod").logicalName()).isEqualTo("prod");
    AuditWitness witness = AuditWitness.vaultKv(root(), "kv", "astra/checkpoints");
    assertThat(witness.toString()).contains("(KV v1)");
    String token = vault.createToken(TokenSpec.of(Duration.ofHours(1), "orgs-v1"));
    assertThat(catchThrowable(() -> VaultOrgConfigs.read(config(token), "kv", "astra/orgs/prod")))
        .isInstanceOf(StoreException.class).hasMessageContaining("mount 'kv'").hasMessageContaining("older than 0.10")
        .hasCauseInstanceOf(VaultAccessDeniedException.class);
  }

  /** A lookup that fails otherwise (a sealed Vault) is the reader's own failure, typed, with Vault's as the cause. */
  @Test
  void aLookupThatFailsOtherwiseIsTheReadersFailure() {
    vault.seal();
    assertThat(catchThrowable(() -> VaultOrgConfigs.read(root(), "kv", "astra/orgs/prod")))
        .isInstanceOf(StoreException.class).hasCauseInstanceOf(VaultUnavailableException.class);
    Throwable key = catchThrowable(() -> VaultKeyProvider.of(root(), "kv", "astra/store-key"));
    assertThat(((VaultKeyException) key).reason()).isEqualTo(VaultKeyException.Reason.UNREADABLE);
    assertThat(catchThrowable(() -> AuditWitness.vaultKv(root(), "kv", "astra/checkpoints")))
        .isInstanceOf(VaultUnavailableException.class);
  }

  /** Looked up, Vault's answer places the mount boundary, one level too shallow or too deep alike. */
  @Test
  void aLookedUpMountOneLevelOffIsPlacedByVaultsAnswer() {
    putOrg("team/kv/astra/orgs/prod", "team");
    assertThat(VaultOrgConfigs.read(root(), "team", "kv/astra/orgs/prod").logicalName()).isEqualTo("team");
    assertThat(VaultOrgConfigs.read(root(), "team/kv/astra", "orgs/prod").logicalName()).isEqualTo("team");
    assertThat(AuditWitness.vaultKv(root(), "team", "kv/astra/checkpoints").toString())
        .contains("team/kv/astra/checkpoints (KV v2)");
  }

  /**
   * Stated, a mount one level off reads paths no mount serves as stated ({@code team/data/kv/...}): the miss asks
   * Vault, which serves the path from another mount, and the error names both and the fix. Before, the lookup found
   * a KV v2 mount, as stated, and the miss read "no org config".
   */
  @Test
  void aStatedMountOneLevelOffIsNamedAfterTheMiss() {
    putOrg("team/kv/astra/orgs/prod", "team");
    vault.putKv("team/kv/astra/store-key", Map.of("key", EncryptionKey.generate().toBase64()));

    Throwable org = catchThrowable(() -> VaultOrgConfigs.read(root(), KvPath.v2("team", "kv/astra/orgs/prod")));
    assertThat(org).isInstanceOf(VaultKvMountException.class).hasMessageContaining("mount 'team' does not serve")
        .hasMessageContaining("mount 'team/kv'").hasMessageContaining("set mount 'team/kv' with path 'astra/orgs/prod'")
        .hasMessageNotContaining(ROOT_TOKEN);
    assertThat(((VaultKvMountException) org).mount()).isEqualTo("team/kv");
    assertThat(catchThrowable(() -> VaultOrgConfigs.readAll(root(), KvPath.v2("team/kv/astra", "orgs/"))))
        .isInstanceOf(VaultKvMountException.class).hasMessageContaining("mount 'team/kv/astra' does not serve");
    Throwable key = catchThrowable(() -> VaultKeyProvider.of(root(), KvPath.v2("team", "kv/astra/store-key")));
    assertThat(key).isInstanceOf(VaultKeyException.class).hasMessageContaining("set mount 'team/kv' with path");
    assertThat(((VaultKeyException) key).reason()).isEqualTo(VaultKeyException.Reason.WRONG_ENGINE);
    AuditWitness witness = AuditWitness.vaultKv(root(), KvPath.v2("team", "kv/astra/checkpoints"));
    assertThat(catchThrowable(() -> witness.latest("a.jsonl"))).isInstanceOf(VaultKvMountException.class)
        .hasMessageContaining("mount 'team/kv'");
  }
}

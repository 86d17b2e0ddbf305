package dev.astravault.test.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.RawVault.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Answers the fidelity audit found differing from the reference: renewal arithmetic in whole seconds
 * (vault-http-api.md, vault-plugin-behaviour.md §4 "Renew": framework.CalculateTTL) and KV v2's oldest_version
 * (vault-http-api.md §2.3's metadata example).
 */
class FakeVaultFidelityTest {
  // Issued 0.7 s into a second, so the fake's clock and Vault's whole seconds disagree.
  final MutableClock clock = MutableClock.at(Instant.parse("2025-03-01T10:00:00.700Z"));
  @RegisterExtension final FakeAstra astra = FakeAstra.builder().strict().build();

  FakeVault vault() {
    astra.useClock(clock);
    return FakeVault.builder().clock(clock).strict().pluginBehaviour(PluginBehaviour.FIXED).build();
  }

  /** Configures the plugin, writes role "rw" and issues one token; returns its lease id. */
  String issue(RawVault raw, String ttl, String maxTtl) {
    FakeOrg org = astra.defaultOrg();
    String url = astra.url("/").toString();
    assertThat(raw.post("astra/config", "{\"org_id\":\"" + org.orgId() + "\",\"astra_token\":\"" + org.rootToken()
        + "\",\"url\":\"" + url.substring(0, url.length() - 1) + "\"}").code()).isEqualTo(204);
    writeRole(raw, ttl, maxTtl);
    Reply issued = raw.post("astra/org/token", "{\"org_id\":\"" + org.orgId()
        + "\",\"role_name\":\"rw\",\"logical_name\":\"orders\"}");
    assertThat(issued.code()).isEqualTo(200);
    return (String) issued.json().get("lease_id");
  }

  void writeRole(RawVault raw, String ttl, String maxTtl) {
    FakeOrg org = astra.defaultOrg();
    assertThat(raw.post("astra/role", "{\"org_id\":\"" + org.orgId() + "\",\"role_name\":\"rw\",\"role_id\":\""
        + astra.roleId(org, "R/W User") + "\",\"ttl\":\"" + ttl + "\",\"max_ttl\":\"" + maxTtl + "\"}").code())
        .isEqualTo(204);
  }

  @Test
  void aCappedRenewalCountsWholeSecondsFromTheIssueSecond() {
    try (FakeVault vault = vault()) {
      RawVault raw = new RawVault(vault, vault.rootToken());
      String leaseId = issue(raw, "1h", "90m");
      clock.advance(Duration.ofMinutes(50).minusMillis(500));  // 10:50:00.200

      Reply renew = raw.post("sys/leases/renew", "{\"lease_id\":\"" + leaseId + "\",\"increment\":3600}");

      // CalculateTTL: now 10:50:00 and issue 10:00:00 (both truncated), so 40m0s are left, not 40m0.5s.
      assertThat(renew.code()).isEqualTo(200);
      assertThat(renew.json()).containsEntry("lease_duration", 2400.0);
      assertThat(renew.json().get("warnings").toString())
          .contains("TTL of \"1h0m0s\" exceeded the effective max_ttl of \"40m0s\"; TTL value is capped accordingly");
      // The lease runs out 40 minutes after the renewal itself, as Vault counts from its LastRenewalTime.
      assertThat(vault.lease(leaseId).orElseThrow().expireTime())
          .isEqualTo(Instant.parse("2025-03-01T11:30:00.200Z"));
    }
  }

  @Test
  void aRenewalWithNoWholeSecondLeftIsGrantedZeroNotRefused() {
    try (FakeVault vault = vault()) {
      RawVault raw = new RawVault(vault, vault.rootToken());
      String leaseId = issue(raw, "1h", "2h");
      clock.advance(Duration.ofMinutes(30).plusMillis(200));  // 10:30:00.900, the lease still live
      writeRole(raw, "30m", "30m");  // the role's max_ttl shrinks: renewals read the role as it is now

      Reply renew = raw.post("sys/leases/renew", "{\"lease_id\":\"" + leaseId + "\"}");

      // Truncated, now is 10:30:00 = issue + max: 0 s left is not "past" the max TTL (only a negative time is),
      // though 10:30:00.900 is past 10:00:00.700 + 30m.
      assertThat(renew.code()).isEqualTo(200);
      assertThat(renew.json()).containsEntry("lease_duration", 0.0).containsEntry("lease_id", leaseId);
      assertThat(renew.json().get("warnings").toString())
          .contains("TTL of \"30m0s\" exceeded the effective max_ttl of \"0s\"; TTL value is capped accordingly");

      clock.advance(Duration.ofSeconds(1));
      assertThat(raw.post("sys/leases/renew", "{\"lease_id\":\"" + leaseId + "\"}").code()).isEqualTo(400);
    }
  }

  @Test
  void pastTheMaxTtlIsOnlyANegativeTimeLeft() {
    try (FakeVault vault = vault()) {
      RawVault raw = new RawVault(vault, vault.rootToken());
      String leaseId = issue(raw, "1h", "2h");
      clock.advance(Duration.ofMinutes(31));  // 10:31:00.700
      writeRole(raw, "30m", "30m");

      Reply renew = raw.post("sys/leases/renew", "{\"lease_id\":\"" + leaseId + "\"}");

      assertThat(renew.code()).isEqualTo(400);
      assertThat(renew.errors()).containsExactly("past the max TTL, cannot renew");
    }
  }

  @Test
  void renewSelfCapsInWholeSecondsToo() {
    try (FakeVault vault = vault()) {
      String token = vault.createToken(TokenSpec.of(Duration.ofHours(1)).withExplicitMaxTtl(Duration.ofMinutes(90)));
      clock.advance(Duration.ofMinutes(50).minusMillis(500));  // 10:50:00.200

      Reply renew = new RawVault(vault, token).post("auth/token/renew-self", "{\"increment\":\"1h\"}");

      assertThat(renew.code()).isEqualTo(200);
      @SuppressWarnings("unchecked")
      Map<String, Object> auth = (Map<String, Object>) renew.json().get("auth");
      assertThat(auth).containsEntry("lease_duration", 2400.0);
      assertThat(renew.json().get("warnings").toString()).contains("exceeded the effective max_ttl of \"40m0s\"");
    }
  }

  @Test
  void oldestVersionStaysZeroUntilTheWindowFills() {
    try (FakeVault vault = vault()) {
      RawVault raw = new RawVault(vault, vault.rootToken());
      assertThat(raw.post("secret/metadata/w", "{\"max_versions\":3}").code()).isEqualTo(204);
      for (int i = 1; i <= 2; i++) {
        raw.post("secret/data/w", "{\"data\":{\"i\":" + i + "}}");
      }
      // As in the reference's metadata example: versions 1..n kept, oldest_version 0.
      assertThat(raw.get("secret/metadata/w").data()).containsEntry("current_version", 2.0)
          .containsEntry("oldest_version", 0.0);

      raw.post("secret/data/w", "{\"data\":{\"i\":3}}");
      // KeyMetadata.AddVersion: current - oldest >= max moves the window (version 0 "deleted", 1..3 kept).
      assertThat(raw.get("secret/metadata/w").data()).containsEntry("oldest_version", 1.0);
      assertThat(raw.get("secret/data/w?version=1").code()).isEqualTo(200);

      raw.post("secret/data/w", "{\"data\":{\"i\":4}}");
      assertThat(raw.get("secret/metadata/w").data()).containsEntry("oldest_version", 2.0);
      assertThat(raw.get("secret/data/w?version=1").code()).isEqualTo(404);
      @SuppressWarnings("unchecked")
      Map<String, Object> versions = (Map<String, Object>) raw.get("secret/metadata/w").data().get("versions");
      assertThat(versions).containsOnlyKeys("2", "3", "4");
    }
  }
}

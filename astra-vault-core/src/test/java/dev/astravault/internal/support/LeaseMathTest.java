package dev.astravault.internal.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.MaxTtlExceededException;
import dev.astravault.Role;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LeaseMathTest {
  static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");
  static final Role ROLE = new Role("o", "r", "id", Duration.ofHours(1), Duration.ofHours(3));

  @Test
  void theIncrementWinsOverTheRoleTtlAndZeroMeansTheRoleTtl() {
    assertThat(LeaseMath.renew("l", ISSUED, ISSUED, Duration.ofMinutes(10), ROLE).ttl())
        .isEqualTo(Duration.ofMinutes(10));
    assertThat(LeaseMath.renew("l", ISSUED, ISSUED, Duration.ZERO, ROLE).ttl()).isEqualTo(Duration.ofHours(1));
    assertThat(LeaseMath.renew("l", ISSUED, ISSUED, null, ROLE).warnings()).isEmpty();
  }

  @Test
  void theCapCountsFromIssueWithVaultsWarning() {
    LeaseMath.Grant grant = LeaseMath.renew("l", ISSUED, ISSUED.plus(Duration.ofMinutes(150)), null, ROLE);
    assertThat(grant.ttl()).isEqualTo(Duration.ofMinutes(30));
    assertThat(grant.maxExpiresAt()).isEqualTo(ISSUED.plus(Duration.ofHours(3)));
    assertThat(grant.warnings()).containsExactly(
        "TTL of \"1h0m0s\" exceeded the effective max_ttl of \"30m0s\"; TTL value is capped accordingly");
    assertThatThrownBy(() -> LeaseMath.renew("l", ISSUED, ISSUED.plus(Duration.ofHours(3)), null, ROLE))
        .isInstanceOf(MaxTtlExceededException.class);
  }

  @Test
  void goDurationsPrintLikeVault() {
    assertThat(GoDurations.format(Duration.ofHours(24))).isEqualTo("24h0m0s");
    assertThat(GoDurations.format(Duration.ofMinutes(90))).isEqualTo("1h30m0s");
    assertThat(GoDurations.format(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(GoDurations.format(Duration.ZERO)).isEqualTo("0s");
    assertThat(GoDurations.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
  }

  @Test
  void roleNamesAreSanitisedLikeUpdateRolesSh() {
    assertThat(RoleNames.sanitize("Organization Administrator")).isEqualTo("organization_administrator");
    assertThat(RoleNames.sanitize("R/W User!")).isEqualTo("r_w_user_");
    assertThat(RoleNames.sanitize("API  R/W -- Svc Acct")).isEqualTo("api_r_w_svc_acct");
  }

  @Test
  void descriptionsRoundTripTheLeaseId() {
    String tag = Descriptions.tag("astra/o/r/abc", "orders");
    assertThat(tag).isEqualTo("astra-vault lease=astra/o/r/abc name=orders");
    assertThat(Descriptions.leaseId(tag)).isEqualTo("astra/o/r/abc");
    assertThat(Descriptions.leaseId(Descriptions.tag("l", null))).isEqualTo("l");
    assertThat(Descriptions.leaseId("Token for service A")).isNull();
    assertThat(Descriptions.leaseId(null)).isNull();
  }

  @Test
  void descriptionsCarryTheDeploymentAndStillReadTheOlderShape() {
    String tag = Descriptions.tag("dep1", "astra/o/r/abc", "orders");
    assertThat(tag).isEqualTo("astra-vault deployment=dep1 lease=astra/o/r/abc name=orders");
    assertThat(Descriptions.leaseId(tag)).isEqualTo("astra/o/r/abc");
    assertThat(Descriptions.deploymentId(tag)).isEqualTo("dep1");
    assertThat(Descriptions.taggedDeployment(tag, "astra/o/r/abc", "orders")).isEqualTo("dep1");
    assertThat(Descriptions.taggedDeployment(tag, "astra/o/r/abc", null)).isNull();
    assertThat(Descriptions.taggedDeployment(tag, "astra/o/r/abd", "orders")).isNull();
    // Records hold the deployment id: one interned string, whichever tag it was read from and in what order.
    String other = Descriptions.tag("dep2", "astra/o/r/abc", "orders");
    String first = Descriptions.taggedDeployment(new String(tag), "astra/o/r/abc", "orders");
    assertThat(Descriptions.taggedDeployment(other, "astra/o/r/abc", "orders")).isSameAs("dep2".intern());
    assertThat(Descriptions.taggedDeployment(new String(tag), "astra/o/r/abc", "orders")).isSameAs(first)
        .isSameAs("dep1".intern());
    assertThat(Descriptions.deploymentId(Descriptions.tag("l", null))).isNull();
    assertThat(Descriptions.deploymentId("astra-vault deployment=dep1 something else")).isNull();
    assertThat(Descriptions.deploymentId("astra-vault deployment=DEP lease=l")).isNull();
    assertThat(Descriptions.leaseId("astra-vault deployment=dep1 lease=")).isNull();

    // A record keeps the tag without storing it, and gives back exactly the text sent to Astra.
    java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00Z");
    dev.astravault.LeaseRecord r = dev.astravault.LeaseRecord.builder().leaseId("astra/o/r/abc").orgId("o")
        .roleName("r").roleId("rid").logicalName("orders").style(dev.astravault.IssueStyle.UNIQUE)
        .state(dev.astravault.LeaseState.PENDING).description(tag).issuedAt(t).ttl(java.time.Duration.ofHours(1))
        .expiresAt(t.plusSeconds(3600)).maxExpiresAt(t.plusSeconds(7200)).build();
    assertThat(r.description()).isEqualTo(tag);
    assertThat(r.toBuilder().description("custom text").build().description()).isEqualTo("custom text");
    assertThat(r.toBuilder().description(Descriptions.tag("astra/o/r/abc", "orders")).build().description())
        .isEqualTo("astra-vault lease=astra/o/r/abc name=orders");
  }

  @Test
  void theLastTagIsReusedOnlyForTheSameDeploymentLeaseAndName() {
    String lease = new String("astra/o/r/xyz");
    String name = new String("orders");
    String first = Descriptions.tag("dep1", lease, name);
    assertThat(Descriptions.tag("dep1", lease, name)).isSameAs(first);
    assertThat(Descriptions.tag("dep2", lease, name))
        .isEqualTo("astra-vault deployment=dep2 lease=astra/o/r/xyz name=orders");
    assertThat(Descriptions.tag(null, lease, name)).isEqualTo("astra-vault lease=astra/o/r/xyz name=orders");
    assertThat(Descriptions.tag(null, lease, null)).isEqualTo("astra-vault lease=astra/o/r/xyz");
    assertThat(Descriptions.tag("dep1", lease, null)).isEqualTo("astra-vault deployment=dep1 lease=astra/o/r/xyz");
    assertThat(Descriptions.tag("dep1", new String("astra/o/r/xy2"), name))
        .isEqualTo("astra-vault deployment=dep1 lease=astra/o/r/xy2 name=orders");
    assertThat(Descriptions.tag("dep1", new String(lease), new String(name))).isEqualTo(first);
  }
}

package dev.astravault.engine;

import static dev.astravault.engine.EngineFixture.ORG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.NotFoundException;
import dev.astravault.OrgConfig;
import dev.astravault.test.FakeOrg;
import dev.astravault.Role;
import dev.astravault.RoleSpec;
import dev.astravault.RoleSyncReport;
import dev.astravault.RoleWriteResult;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.RoleJsonStyle;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Role writes follow the plugin (path_roles.go) rule for rule; sync is update_roles.sh done right. */
@ParameterizedClass
@EnumSource(Backend.class)
class RolesTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @Parameter Backend backend;

  EngineFixture f;

  @BeforeEach
  void setUp() {
    f = new EngineFixture(astra, backend);
  }

  @AfterEach
  void tearDown() {
    f.close();
    astra.roleJsonStyle(RoleJsonStyle.LOWER_CASE);
  }

  RoleWriteResult write(RoleSpec.Builder spec) {
    return f.tokens.writeRole(spec.org(ORG).build());
  }

  @Test
  void aNewRoleDefaultsTo24hWithTheWarningsOfThePlugin() {
    RoleWriteResult r = write(RoleSpec.builder().name("Reader").roleId("r-1"));
    assertThat(r.created()).isTrue();
    assertThat(r.role()).isEqualTo(new Role(f.fakeOrg.orgId(), "reader", "r-1", Duration.ofHours(24),
        Duration.ofHours(24)));
    assertThat(r.warnings()).containsExactly("No ttl value provided; defaulting to 24h0m0s",
        "No max_ttl value provided; defaulting to 24h0m0s");
  }

  @Test
  void zeroMeansTheDefaultAndTtlIsClampedToMaxTtl() {
    RoleWriteResult zero = write(RoleSpec.builder().name("r").roleId("id").ttl(Duration.ZERO)
        .maxTtl(Duration.ofHours(48)));
    assertThat(zero.role().ttl()).isEqualTo(Duration.ofHours(24));
    assertThat(zero.warnings()).containsExactly("A ttl value of 0 was provided; defaulting to 24h0m0s");

    RoleWriteResult clamped = write(RoleSpec.builder().name("r").ttl(Duration.ofHours(72)));
    assertThat(clamped.created()).isFalse();
    assertThat(clamped.role().ttl()).isEqualTo(Duration.ofHours(48));
    assertThat(clamped.warnings()).containsExactly(
        "The ttl value provided is greater than max_ttl (48h0m0s); setting ttl to 48h0m0s");
  }

  @Test
  void anUpdateChangesOnlyTheFieldsItSupplies() {
    write(RoleSpec.builder().name("r").roleId("id-1").ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(2)));
    RoleWriteResult r = write(RoleSpec.builder().name("R").maxTtl(Duration.ofHours(5)));
    assertThat(r.role()).isEqualTo(new Role(f.fakeOrg.orgId(), "r", "id-1", Duration.ofHours(1),
        Duration.ofHours(5)));
    assertThat(r.warnings()).isEmpty();
  }

  @Test
  void badRoleWritesAreTypedAndNameTheField() {
    assertThatThrownBy(() -> write(RoleSpec.builder().name("new-role")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("roleId is required");
    assertThatThrownBy(() -> f.tokens.writeRole(RoleSpec.builder().org("nope").name("r").roleId("x").build()))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("org");
    assertThatThrownBy(() -> RoleSpec.builder().org(ORG).name("a:b").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("role");
    assertThatThrownBy(() -> RoleSpec.builder().org(ORG).name("r").ttl(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
  }

  @ParameterizedTest
  @EnumSource(RoleJsonStyle.class)
  void syncSanitisesNamesAndAcceptsBothJsonShapes(RoleJsonStyle style) {
    astra.roleJsonStyle(style);
    RoleSyncReport report = f.tokens.syncRoles(ORG);
    assertThat(report.collisions()).isEmpty();
    assertThat(f.tokens.role(ORG, "organization_administrator")).isPresent();
    assertThat(f.tokens.role(ORG, "r_w_user")).hasValueSatisfying(r -> {
      assertThat(r.roleId()).isEqualTo(astra.roleId("R/W User"));
      assertThat(r.ttl()).isEqualTo(Duration.ofHours(24));
    });
    assertThat(f.tokens.resolveRoleId(ORG, "API_RO_User")).isEqualTo(astra.roleId("API RO User"));
  }

  @Test
  void syncReportsCollisionsInsteadOfOverwritingAndKeepsTtls() {
    // A separate org, so that the colliding role does not leak into other tests of the shared fake.
    FakeOrg org = astra.addOrg();
    astra.addRole(org, "R-W User");
    f.tokens.writeOrg(OrgConfig.builder().orgId(org.orgId()).rootToken(org.rootToken()).url(astra.url().uri())
        .logicalName("colliding").build());
    f.tokens.writeRole(RoleSpec.builder().org("colliding").name("ro_user").roleId("stale-id")
        .ttl(Duration.ofHours(2)).build());
    RoleSyncReport report = f.tokens.syncRoles("colliding");
    assertThat(report.collisions()).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("r_w_user");
      assertThat(c.astraNames()).containsExactlyInAnyOrder("R/W User", "R-W User");
    });
    assertThat(f.tokens.role("colliding", "r_w_user")).isEmpty();
    assertThat(report.updated()).singleElement().satisfies(r -> {
      assertThat(r.name()).isEqualTo("ro_user");
      assertThat(r.roleId()).isEqualTo(astra.roleId(org, "RO User"));
      assertThat(r.ttl()).isEqualTo(Duration.ofHours(2));
    });
  }

  @Test
  void resolvingAnUnknownRoleIsATypedError() {
    assertThatThrownBy(() -> f.tokens.resolveRoleId(ORG, "ghost")).isInstanceOf(NotFoundException.class)
        .hasMessage("unknown role: ghost");
  }
}

package dev.astravault.engine;

import static dev.astravault.engine.EngineFixture.ORG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.astravault.AmbiguousRoleException;
import dev.astravault.AstraToken;
import dev.astravault.ManagedToken;
import dev.astravault.NotFoundException;
import dev.astravault.RoleSpec;
import dev.astravault.TokenRequest;
import dev.astravault.test.FakeAstra;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 13: wherever a role is named, it may be named as Astra shows it: the local name, Astra's display name
 * ({@code "R/W User"}, sanitised as role sync does) or the role id. An ambiguous reference is a typed error listing
 * the candidates, raised before Astra is called.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class RoleReferencesTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @Parameter Backend backend;

  EngineFixture f;

  @BeforeEach
  void setUp() {
    f = new EngineFixture(astra, backend);
    f.tokens.syncRoles(ORG);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  AstraToken issue(String role, String logicalName) {
    return f.tokens.request().org(ORG).role(role).logicalName(logicalName).issue();
  }

  @Test
  void aRoleIsAcceptedByLocalNameDisplayNameOrRoleId() {
    String roleId = astra.roleId("R/W User");

    AstraToken byDisplayName = issue("R/W User", "a");
    AstraToken byLocalName = issue("r_w_user", "b");
    AstraToken byUpperLocalName = issue("R_W_User", "c");
    AstraToken byId = issue(roleId, "d");

    for (AstraToken t : new AstraToken[] {byDisplayName, byLocalName, byUpperLocalName, byId}) {
      assertThat(t.roleName()).isEqualTo("r_w_user");
      assertThat(astra.token(t.clientId())).hasValueSatisfying(i -> assertThat(i.roles()).containsExactly(roleId));
    }
    assertThat(f.tokens.role(ORG, "R/W User")).hasValueSatisfying(r -> assertThat(r.name()).isEqualTo("r_w_user"));
    assertThat(f.tokens.role(ORG, roleId)).hasValueSatisfying(r -> assertThat(r.name()).isEqualTo("r_w_user"));
    assertThat(f.tokens.resolveRoleId(ORG, "R/W User")).isEqualTo(roleId);
    assertThat(f.tokens.token(ORG, "R/W User", "a")).hasValueSatisfying(t ->
        assertThat(t.clientId()).isEqualTo(byDisplayName.clientId()));
    assertThat(f.tokens.token(ORG, roleId, "d")).hasValueSatisfying(t ->
        assertThat(t.clientId()).isEqualTo(byId.clientId()));
    // The triple is the local name's: the display name names the same triple.
    assertThatThrownBy(() -> issue("R/W User", "b")).isInstanceOf(dev.astravault.TokenAlreadyExistsException.class);
  }

  @Test
  void aManagedTokenAcceptsTheDisplayNameAndRotatesUnderTheLocalName() {
    try (ManagedToken managed = f.tokens.manage(TokenRequest.forRole("API RO User").org(ORG).logicalName("svc")
        .build())) {
      assertThat(managed.snapshot().info().roleName()).isEqualTo("api_ro_user");
    }
  }

  @Test
  void aLocalNameWinsOutrightOverTheDisplayNameReading() {
    f.tokens.writeRole(RoleSpec.builder().org(ORG).name("reader-role").roleId(astra.roleId("RO User"))
        .ttl(Duration.ofHours(1)).build());
    f.tokens.writeRole(RoleSpec.builder().org(ORG).name("reader_role").roleId(astra.roleId("API RO User"))
        .ttl(Duration.ofHours(1)).build());

    assertThat(issue("Reader-Role", "x").roleName()).isEqualTo("reader-role");
    assertThat(issue("reader_role", "x").roleName()).isEqualTo("reader_role");
    assertThat(issue("Reader Role", "y").roleName()).isEqualTo("reader_role");
  }

  @Test
  void aReferenceReadingAsOneRolesDisplayNameAndAnotherRolesIdIsATypedErrorListingBothAndCallsNoOne() {
    // "team/reader" sanitises to the local name team_reader, and is also the role id a hand-written role was given.
    f.tokens.writeRole(RoleSpec.builder().org(ORG).name("team_reader").roleId(astra.roleId("RO User"))
        .ttl(Duration.ofHours(1)).build());
    f.tokens.writeRole(RoleSpec.builder().org(ORG).name("legacy").roleId("team/reader")
        .ttl(Duration.ofHours(1)).build());
    int posts = f.posts();

    AmbiguousRoleException e = catchThrowableOfType(AmbiguousRoleException.class, () -> issue("team/reader", "x"));

    assertThat(e).hasMessageContaining("team_reader").hasMessageContaining("legacy").hasMessageContaining("ambiguous");
    assertThat(e.reference()).isEqualTo("team/reader");
    assertThat(e.orgId()).isEqualTo(f.fakeOrg.orgId());
    assertThat(e.candidates()).containsExactly(
        new AmbiguousRoleException.Candidate("team_reader", astra.roleId("RO User")),
        new AmbiguousRoleException.Candidate("legacy", "team/reader"));
    assertThat(f.posts()).isEqualTo(posts);
    assertThatThrownBy(() -> f.tokens.role(ORG, "team/reader")).isInstanceOf(AmbiguousRoleException.class);
    // The local names are exact.
    assertThat(issue("team_reader", "x").roleName()).isEqualTo("team_reader");
    assertThat(f.tokens.resolveRoleId(ORG, "legacy")).isEqualTo("team/reader");
  }

  @Test
  void anUnknownDisplayNameOrIdIsNotFound() {
    assertThatThrownBy(() -> issue("No Such Role", "x")).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("No Such Role");
    assertThatThrownBy(() -> issue("00000000-0000-0000-0000-000000000000", "x"))
        .isInstanceOf(NotFoundException.class);
    assertThat(f.tokens.role(ORG, "No Such Role")).isEmpty();
  }
}

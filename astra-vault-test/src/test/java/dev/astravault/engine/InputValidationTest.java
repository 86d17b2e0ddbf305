package dev.astravault.engine;

import static dev.astravault.engine.EngineFixture.ORG;
import static dev.astravault.engine.EngineFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.astravault.AstraToken;
import dev.astravault.IssueStyle;
import dev.astravault.LeasePendingException;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.MisplacedSecretException;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.event.AuditEvent;
import dev.astravault.internal.RealTokenManager;
import dev.astravault.test.FakeAstra;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Careless input at every public operation that takes an id or a name: a root token is refused with a
 * {@link MisplacedSecretException} that does not repeat it (nothing audited, stored or sent), null and blank ids with
 * an {@link IllegalArgumentException} naming the parameter, and revoking a lease still being issued with a
 * {@link LeasePendingException}.
 */
@ParameterizedClass
@EnumSource(value = Backend.class, names = {"DIRECT", "VAULT"})
class InputValidationTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @Parameter Backend backend;

  EngineFixture f;
  String root;

  @BeforeEach
  void setUp() {
    f = new EngineFixture(astra, backend);
    root = f.fakeOrg.rootToken();
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  /** Every operation that takes an id, by the parameter name its error must give. */
  private Map<String, Consumer<String>> idOperations() {
    TokenManager t = f.tokens;
    Map<String, Consumer<String>> ops = new LinkedHashMap<>();
    ops.put("org: org", id -> t.org(id));
    ops.put("org: deleteOrg", id -> t.deleteOrg(id));
    ops.put("org: role", id -> t.role(id, ROLE));
    ops.put("role: role", id -> t.role(ORG, id));
    ops.put("org: roles", id -> t.roles(id));
    ops.put("org: deleteRole", id -> t.deleteRole(id, ROLE));
    ops.put("role: deleteRole", id -> t.deleteRole(ORG, id));
    ops.put("org: syncRoles", id -> t.syncRoles(id));
    ops.put("org: resolveRoleId", id -> t.resolveRoleId(id, ROLE));
    ops.put("role: resolveRoleId", id -> t.resolveRoleId(ORG, id));
    ops.put("clientId: token", id -> t.token(id));
    ops.put("org: token(triple)", id -> t.token(id, ROLE, "orders"));
    ops.put("role: token(triple)", id -> t.token(ORG, id, "orders"));
    ops.put("logicalName: token(triple)", id -> t.token(ORG, ROLE, id));
    ops.put("org: tokens", id -> t.tokens(id));
    ops.put("clientId: deleteToken", id -> t.deleteToken(id));
    ops.put("leaseId: lease", id -> t.lease(id));
    ops.put("leaseId: renew", id -> t.renew(id));
    ops.put("leaseId: renew(increment)", id -> t.renew(id, Duration.ofMinutes(5)));
    ops.put("leaseId: revoke", id -> t.revoke(id));
    ops.put("org: reconcile", id -> t.reconcile(id));
    ops.put("org: reconcile(fix)", id -> t.reconcile(id, true));
    ops.put("org: request", id -> t.request().org(id).role(ROLE).logicalName("orders").issue());
    ops.put("role: request", id -> t.request().org(ORG).role(id).logicalName("orders").issue());
    ops.put("logicalName: request", id -> t.request().org(ORG).role(ROLE).logicalName(id).issue());
    ops.put("org: manage", id -> t.manage(TokenRequest.forRole(ROLE).org(id).logicalName("m").build()));
    ops.put("org: writeRole", id -> t.writeRole(RoleSpec.builder().org(id).name("r2").roleId("x").build()));
    ops.put("role: writeRole", id -> t.writeRole(RoleSpec.builder().org(ORG).name(id).roleId("x").build()));
    ops.put("roleId: writeRole", id -> t.writeRole(RoleSpec.builder().org(ORG).name("r2").roleId(id).build()));
    ops.put("orgId: writeOrg", id -> t.writeOrg(OrgConfig.builder().orgId(id).rootToken(root).build()));
    ops.put("logicalName: writeOrg", id -> t.writeOrg(f.org.toBuilder().logicalName(id).build()));
    return ops;
  }

  @Test
  void aRootTokenGivenAsAnIdOrNameIsRefusedNamingTheParameterAndNeverRepeated() {
    AstraToken issued = f.tokens.request().org(ORG).role(ROLE).logicalName("orders").issue();
    int events = f.events.size();
    int posts = f.posts();
    idOperations().forEach((name, op) -> {
      String parameter = name.substring(0, name.indexOf(':'));
      Throwable e = catchThrowable(() -> op.accept(root));
      assertThat(e).as(name).isInstanceOf(MisplacedSecretException.class)
          .hasMessageStartingWith(parameter);
      for (Throwable c = e; c != null; c = c.getCause()) {
        assertThat(c.toString()).as(name).doesNotContain(root).doesNotContain(root.substring(8, 32));
      }
    });
    // Refused before anything happened: no event (not even IssueFailed), no call to Astra, the token untouched.
    assertThat(f.events).hasSize(events);
    assertThat(f.posts()).isEqualTo(posts);
    assertThat(f.tokens.token(issued.clientId())).isPresent();
  }

  @Test
  void tokensAndSecretsAreRefusedAsMetadataKeysAndValues() {
    AstraToken issued = f.tokens.request().org(ORG).role(ROLE).logicalName("orders").issue();
    String[] secrets = issued.secret().isEmpty() ? new String[] {root, issued.token()}
        : new String[] {root, issued.token(), issued.secret()};
    int events = f.events.size();
    for (String secret : secrets) {
      assertThatThrownBy(() -> f.tokens.request().org(ORG).role(ROLE).logicalName("x").metadata("owner", secret)
          .issue()).isInstanceOf(MisplacedSecretException.class)
          .hasMessageStartingWith("metadata value for 'owner'").hasMessageNotContaining(secret.substring(0, 12));
      assertThatThrownBy(() -> f.tokens.request().org(ORG).role(ROLE).logicalName("x").metadata(secret, "v")
          .issue()).isInstanceOf(MisplacedSecretException.class).hasMessageStartingWith("metadata key");
    }
    assertThat(f.events).hasSize(events);
  }

  @Test
  void nullAndBlankIdsAreRefusedNamingTheParameter() {
    idOperations().forEach((name, op) -> {
      String parameter = name.substring(0, name.indexOf(':'));
      // An optional value (a RoleSpec's roleId, an OrgConfig's logical name) may be left null, not blank.
      boolean optional = name.startsWith("roleId:") || name.equals("logicalName: writeOrg");
      for (String blank : optional ? new String[] {"", "  "} : new String[] {null, "", "  "}) {
        assertThat(catchThrowable(() -> op.accept(blank))).as("%s(%s)", name, blank)
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(parameter + " is required");
      }
    });
    // An empty org (the deprecated prefix form) lists all leases; null is refused.
    assertThat(f.tokens.leases("")).isEmpty();
    assertThatThrownBy(() -> f.tokens.leases(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("org is required");
    assertThatThrownBy(() -> f.tokens.leases(root)).isInstanceOf(MisplacedSecretException.class);
    assertThatThrownBy(() -> f.tokens.issue(null)).isInstanceOf(NullPointerException.class).hasMessage("request");
    assertThatThrownBy(() -> f.tokens.writeOrg(null)).isInstanceOf(NullPointerException.class).hasMessage("org");
    assertThatThrownBy(() -> f.tokens.manage(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("request");
  }

  @Test
  void revokingALeaseStillBeingIssuedIsATypedErrorAndLeavesItPending() {
    RealTokenManager manager = (RealTokenManager) f.tokens;
    String leaseId = "astra/" + f.fakeOrg.orgId() + "/" + ROLE + "/PendingPendingPendingPend";
    LeaseRecord pending = LeaseRecord.builder().leaseId(leaseId).orgId(f.fakeOrg.orgId()).roleName(ROLE)
        .roleId(astra.roleId("API RO Svc Acct")).style(IssueStyle.PER_REQUEST).state(LeaseState.PENDING)
        .description("astra-vault " + leaseId).issuedAt(f.clock.instant()).ttl(Duration.ofHours(1))
        .expiresAt(f.clock.instant().plus(Duration.ofHours(1)))
        .maxExpiresAt(f.clock.instant().plus(Duration.ofHours(3))).build();
    manager.store().insert(pending);
    int events = f.events.size();

    assertThatThrownBy(() -> f.tokens.revoke(leaseId)).isInstanceOf(LeasePendingException.class)
        .hasMessageContaining(leaseId).hasMessageContaining("still being issued")
        .satisfies(e -> assertThat(((LeasePendingException) e).leaseId()).isEqualTo(leaseId));
    assertThat(manager.store().get(leaseId)).get().extracting(LeaseRecord::state).isEqualTo(LeaseState.PENDING);
    assertThat(f.events.subList(events, f.events.size())).map(AuditEvent::type).isEmpty();
  }
}

package dev.astravault.engine;

import static dev.astravault.engine.EngineFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.astravault.AstraToken;
import dev.astravault.OrgConfig;
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
 * An org's logical name is free text (the plugin's {@code logical_name} is, case preserved), and everywhere an API
 * takes an org it takes the id or the logical name: what {@link OrgConfig} accepts as a logical name, a request and
 * a role spec accept as their org, and what it refuses they refuse too.
 */
@ParameterizedClass
@EnumSource(value = Backend.class, names = {"DIRECT", "VAULT"})
class OrgLogicalNamesTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  private static final String NAME = "My Org (prod, eu-west)";

  @Parameter Backend backend;

  EngineFixture f;

  @BeforeEach
  void setUp() {
    f = new EngineFixture(astra, backend);
    f.tokens.writeOrg(f.org.toBuilder().logicalName(NAME).build());
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void anOrgWhoseLogicalNameIsNotAnIdIsIssuedToByThatName() {
    f.tokens.writeRole(RoleSpec.builder().org(NAME).name("reader").roleId(astra.roleId("API RO Svc Acct"))
        .ttl(Duration.ofHours(1)).build());
    AstraToken token = f.tokens.issue(TokenRequest.forRole("reader").org(NAME).logicalName("orders").build());
    assertThat(token.orgId()).isEqualTo(f.fakeOrg.orgId());
    AstraToken viaRequest = f.tokens.request().org(NAME).role(ROLE).logicalName("billing").issue();
    assertThat(f.tokens.token(NAME, ROLE, "billing")).get().extracting(AstraToken::clientId)
        .isEqualTo(viaRequest.clientId());
    assertThat(f.tokens.tokens(NAME)).hasSize(2);
  }

  /** The other side: a name OrgConfig refuses (a line break, over 128 characters) is refused as a request's org. */
  @Test
  void whatOrgConfigRefusesAsALogicalNameARequestRefusesAsItsOrg() {
    for (String bad : new String[] {"My\nOrg", "x y".repeat(50)}) {
      Throwable config = catchThrowable(() -> f.org.toBuilder().logicalName(bad).build());
      Throwable request = catchThrowable(() -> TokenRequest.forRole(ROLE).org(bad).logicalName("m").build());
      Throwable role = catchThrowable(() -> RoleSpec.builder().org(bad).name("reader").build());
      assertThat(config).isInstanceOf(IllegalArgumentException.class);
      assertThat(request).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("org must be");
      assertThat(role).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("org must be");
    }
    // An org id may be longer than a logical name (200 characters): it stays accepted as one.
    String longId = "a".repeat(200);
    assertThat(TokenRequest.forRole(ROLE).org(longId).logicalName("m").build().org()).isEqualTo(longId);
  }
}

package dev.astravault.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.AstraToken;
import dev.astravault.RoleSpec;
import dev.astravault.Scope;
import dev.astravault.TokenManager;
import dev.astravault.test.FakeAstra;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** docs/scoped-tokens.md's snippet, as written. */
class ScopedTokensDocsTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @Test
  void aScopedRequestGetsACustomRoleOfItsDatabaseAndKeyspace() {
    try (TokenManager tokens = Docs.tokens(astra)) {
      tokens.writeRole(RoleSpec.builder().org("prod").name("reader").roleId(astra.roleId("API RO User")).build());
      // docs:begin scoped-token
      AstraToken token = tokens.request().org("prod").role("reader").logicalName("orders-service")
          .scope(Scope.database("3f1c2a9e-4b7d-4e21-9c0a-1b2c3d4e5f60").keyspace("orders").actions(Scope.Access.READ))
          .issue();
      // docs:end scoped-token
      assertThat(astra.isLive(token.token())).isTrue();
      assertThat(astra.roleNames(astra.defaultOrg())).anyMatch(name -> name.startsWith(Scope.ROLE_PREFIX));
    }
  }
}

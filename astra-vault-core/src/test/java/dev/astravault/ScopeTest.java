package dev.astravault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.internal.CustomRoles;
import dev.astravault.internal.astra.RolePolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScopeTest {
  static final String DB = "3F1C2A9E-4B7D-4E21-9C0A-1B2C3D4E5F60";
  static final String ORG = "b75dc854-87da-45ce-aaf6-22e3dba99e35";

  @Test
  void namedLevelsMapToTheSpecsPolicyActions() {
    assertThat(Scope.Access.READ.actions())
        .containsExactly("db-cql", "db-keyspace-describe", "db-table-describe", "db-table-select");
    assertThat(Scope.Access.READ_WRITE.actions()).containsAll(Scope.Access.READ.actions()).contains("db-table-modify");
    assertThat(Scope.Access.SCHEMA.actions()).containsAll(Scope.Access.READ_WRITE.actions())
        .contains("db-table-create", "db-table-alter", "db-table-drop");
    assertThat(Scope.Access.parse("read-write")).isEqualTo(Scope.Access.READ_WRITE);
    assertThatThrownBy(() -> Scope.Access.parse("admin")).isInstanceOf(InvalidScopeException.class)
        .hasMessageContaining("'admin'");
  }

  @Test
  void theResourcesAreTheDrnsOfTheNotes() {
    Scope scope = Scope.database(DB).keyspace("orders").actions(Scope.Access.READ).build();
    String db = "drn:astra:org:" + ORG + ":db:" + DB.toLowerCase();
    assertThat(scope.databaseId()).isEqualTo(DB.toLowerCase());
    assertThat(scope.resources(ORG)).containsExactly("drn:astra:org:" + ORG, db, db + ":keyspace:orders",
        db + ":keyspace:orders:table:*");
    Scope tables = Scope.database(DB).keyspace("orders").tables("items", "carts").actions("db-cql").build();
    assertThat(tables.resources(ORG)).contains(db + ":keyspace:orders:table:carts", db + ":keyspace:orders:table:items")
        .doesNotContain(db + ":keyspace:orders:table:*");
    assertThat(tables.access()).isEmpty();
  }

  /** A refused part is quoted on one line: a line break or a bidirectional control in it was quoted as given. */
  @Test
  void aHostilePartIsQuotedOnOneLine() {
    for (String hostile : List.of("a\nERROR forged", "a\u2028b", "a\u202Eb", "a\uD800b", "a\u0085b")) {
      List<Runnable> parts = List.of(() -> Scope.database(hostile), () -> Scope.database(DB).keyspace(hostile),
          () -> Scope.database(DB).keyspace("k").tables(hostile), () -> Scope.database(DB).keyspace("k")
              .actions(hostile), () -> Scope.Access.parse(hostile));
      for (Runnable part : parts) {
        assertThatThrownBy(part::run).isInstanceOf(InvalidScopeException.class).hasMessageContaining("'a?")
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\u2028", "\u202E", "\uD800", "\u0085"));
      }
    }
  }

  @Test
  void badPartsFailFastNamingTheValue() {
    assertThatThrownBy(() -> Scope.database("not-a-uuid")).isInstanceOf(InvalidScopeException.class)
        .hasMessageContaining("'not-a-uuid'").extracting(e -> ((InvalidScopeException) e).part())
        .isEqualTo("database");
    assertThatThrownBy(() -> Scope.database(DB).keyspace("1orders")).isInstanceOf(InvalidScopeException.class)
        .hasMessageContaining("'1orders'");
    assertThatThrownBy(() -> Scope.database(DB).keyspace("o".repeat(49))).isInstanceOf(InvalidScopeException.class);
    assertThatThrownBy(() -> Scope.database(DB).keyspace("orders").tables("items;drop"))
        .isInstanceOf(InvalidScopeException.class).hasMessageContaining("'items;drop'");
    assertThatThrownBy(() -> Scope.database(DB).keyspace("orders").tables("*", "items"))
        .isInstanceOf(InvalidScopeException.class);
    assertThatThrownBy(() -> Scope.database(DB).keyspace("orders").actions("db-cql", "db-everything"))
        .isInstanceOf(InvalidScopeException.class).hasMessageContaining("'db-everything'")
        .extracting(e -> ((InvalidScopeException) e).part()).isEqualTo("action");
    assertThatThrownBy(() -> Scope.database(DB).keyspace("orders").actions("org-write"))
        .as("an org action would reach beyond the database").isInstanceOf(InvalidScopeException.class);
    assertThatThrownBy(() -> Scope.database(DB).actions(Scope.Access.READ).build())
        .isInstanceOf(InvalidScopeException.class).hasMessageContaining("keyspace");
    assertThatThrownBy(() -> Scope.database(DB).keyspace("orders").build())
        .isInstanceOf(InvalidScopeException.class).hasMessageContaining("actions");
    assertThatThrownBy(() -> Scope.database(DB).keyspace("AstraCS:" + "a".repeat(90)))
        .hasMessageNotContaining("aaaaaaaa");
  }

  @Test
  void aSecretPassedByMistakeIsNeverEchoed() {
    // What a careless caller (or a mixed-up Spring property) could put where a name goes: a token, a client secret,
    // a Vault token.
    String token = "AstraCS:ZenclientIdZenclientIdZen:" + "0123456789abcdef".repeat(4);
    String clientSecret = "q,Xy+Zb7.Kc-9Lm,Qw3+Er5.Ty8-Ui1,Op0+As2.Df4-Gh6";
    String vaultToken = "hvs.CAESIJlWb3JkUGFzc3dvcmRTZWNyZXRWYWx1ZQ";
    for (String secret : new String[] {token, clientSecret, vaultToken}) {
      assertThatThrownBy(() -> Scope.database(secret)).isInstanceOf(InvalidScopeException.class)
          .hasMessageNotContaining(secret.substring(10, 30));
      assertThatThrownBy(() -> Scope.database(DB).keyspace(secret)).isInstanceOf(InvalidScopeException.class)
          .hasMessageNotContaining(secret.substring(10, 30));
      assertThatThrownBy(() -> Scope.database(DB).keyspace("orders").tables(secret))
          .isInstanceOf(InvalidScopeException.class).hasMessageNotContaining(secret.substring(10, 30));
      assertThatThrownBy(() -> Scope.database(DB).keyspace("orders").actions(secret))
          .isInstanceOf(InvalidScopeException.class).hasMessageNotContaining(secret.substring(10, 30));
      assertThatThrownBy(() -> Scope.Access.parse(secret)).isInstanceOf(InvalidScopeException.class)
          .hasMessageNotContaining(secret.substring(10, 30));
    }
  }

  @Test
  void theFingerprintDependsOnThePolicyAndTheDeploymentOnly() {
    Scope a = Scope.database(DB).keyspace("orders").actions(Scope.Access.READ).build();
    Scope same = Scope.database(DB.toLowerCase()).keyspace("orders")
        .actions("db-table-select", "db-cql", "db-table-describe", "db-keyspace-describe", "db-cql").build();
    assertThat(same).isEqualTo(a);
    assertThat(CustomRoles.roleName(ORG, "svc", a)).isEqualTo(CustomRoles.roleName(ORG, "svc", same))
        .matches("astra-vault-[0-9a-f]{32}");
    assertThat(CustomRoles.roleName(ORG, "other", a)).isNotEqualTo(CustomRoles.roleName(ORG, "svc", a));
    Scope write = Scope.database(DB).keyspace("orders").actions(Scope.Access.READ_WRITE).build();
    assertThat(CustomRoles.roleName(ORG, "svc", write)).isNotEqualTo(CustomRoles.roleName(ORG, "svc", a));
    RolePolicy policy = CustomRoles.policy(ORG, "svc", a);
    assertThat(policy.description()).isEqualTo("astra-vault deployment=svc role=" + CustomRoles.roleName(ORG, "svc", a));
    assertThat(policy.effect()).isEqualTo("allow");
  }

  @Test
  void policiesCompareAsSetsAndParseEitherSpelling() {
    RolePolicy p = new RolePolicy("d", List.of("r1", "r2"), List.of("db-cql", "db-table-select"), "allow");
    RolePolicy parsed = RolePolicy.parse("{\"Description\":\"d\",\"Resources\":[\"r2\",\"r1\"],"
        + "\"Actions\":[\"db-table-select\",\"db-cql\"],\"Effect\":\"allow\",\"extra\":{}}");
    assertThat(p.sameAs(parsed)).isTrue();
    assertThat(p.sameAs(RolePolicy.parse("{\"description\":\"d\",\"resources\":[\"r1\"],"
        + "\"actions\":[\"db-cql\",\"db-table-select\"],\"effect\":\"allow\"}"))).isFalse();
    assertThat(RolePolicy.parse("not json")).isNull();
    assertThat(p.sameAs(null)).isFalse();
  }

  @Test
  void aRequestCarriesItsScopeAndRefusesReservedMetadata() {
    Scope scope = Scope.database(DB).keyspace("orders").actions(Scope.Access.READ).build();
    TokenRequest request = TokenRequest.forRole("reader").org("acme").logicalName("x").scope(scope).build();
    assertThat(request.scope()).contains(scope);
    assertThat(request.toBuilder().build().scope()).contains(scope);
    assertThat(request.toString()).contains("keyspace=orders");
    assertThatThrownBy(() -> TokenRequest.forRole("reader").org("acme").logicalName("x")
        .metadata("astra-vault.scope", "forged").build()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reserved");
  }
}

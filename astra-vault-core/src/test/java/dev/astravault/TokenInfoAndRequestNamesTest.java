package dev.astravault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 13: TokenInfo says whether it is live; names say what they hold; roles may be named as Astra shows them. */
class TokenInfoAndRequestNamesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Lease LEASE = Lease.issued("astra/o/r/x", T0, Duration.ofHours(1), Duration.ofHours(2));

  private static TokenInfo info(LeaseState state) {
    return new TokenInfo("client", "org", "role", "orders", IssueStyle.UNIQUE, T0, Map.of(), LEASE, state);
  }

  @Test
  void liveMeansActiveAndBeforeTheExpiry() {
    assertThat(info(LeaseState.ACTIVE).isLive(T0.plusSeconds(3599))).isTrue();
    assertThat(info(LeaseState.ACTIVE).isLive(T0.plusSeconds(3600))).isFalse();
    assertThat(info(LeaseState.REVOKING).isLive(T0)).isFalse();
    assertThat(info(LeaseState.REVOKE_FAILED).isLive(T0)).isFalse();
    assertThat(info(LeaseState.ACTIVE).expiresAt()).isEqualTo(T0.plusSeconds(3600));
    assertThatThrownBy(() -> new TokenInfo("c", "o", "r", null, IssueStyle.UNIQUE, T0, Map.of(), LEASE, null))
        .isInstanceOf(NullPointerException.class).hasMessage("state");
  }

  @Test
  @SuppressWarnings("deprecation")
  void theDeprecatedNamesAnswerLikeTheirReplacements() {
    TokenInfo old = new TokenInfo("client", "org", "role", "orders", IssueStyle.UNIQUE, T0, Map.of(), LEASE);
    assertThat(old.state()).isEqualTo(LeaseState.ACTIVE);
    assertThat(old).isEqualTo(info(LeaseState.ACTIVE));
    assertThat(old.logicalNameOrNull()).isEqualTo(old.logicalName().orElseThrow());
    RoleSpec spec = RoleSpec.builder().org("prod").name("reader").build();
    assertThat(spec.orgId()).isEqualTo(spec.org()).isEqualTo("prod");
    assertThat(spec.toString()).contains("org=prod");
  }

  @Test
  void aRequestTakesTheRoleAsAstraShowsIt() {
    assertThat(TokenRequest.forRole("API_RO_User").org("prod").logicalName("x").build().role())
        .isEqualTo("api_ro_user");
    assertThat(TokenRequest.forRole(" R/W User ").org("prod").logicalName("x").build().role())
        .isEqualTo("R/W User");
    assertThat(TokenRequest.forRole("6c0b7b4e-1c7a-4f2e-9d3f-0a1b2c3d4e5f").org("prod").logicalName("x").build()
        .role()).isEqualTo("6c0b7b4e-1c7a-4f2e-9d3f-0a1b2c3d4e5f");
    assertThatThrownBy(() -> TokenRequest.forRole("x".repeat(129)).org("prod").logicalName("x").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("role");
    assertThatThrownBy(() -> TokenRequest.forRole("a\nb").org("prod").logicalName("x").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("role");
  }
}

package dev.astravault;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A request keeps its metadata, TTL and scope together, and nothing at all when none is given: each of the eight
 * combinations reads back as given, through a copy too, and prints as before.
 */
class TokenRequestExtrasTest {
  private static final Scope SCOPE = Scope.database("3f2a1c4e-8d6b-4a9f-b2c7-1e5d9a0b6c3f").keyspace("orders")
      .actions(Scope.Access.READ).build();

  @Test
  void everyCombinationOfMetadataTtlAndScopeReadsBackAsGiven() {
    for (int mask = 0; mask < 8; mask++) {
      TokenRequest.Builder b = TokenRequest.forRole("reader").org("acme").logicalName("orders");
      Map<String, String> metadata = (mask & 1) != 0 ? Map.of("owner", "me") : Map.of();
      b.metadata(metadata);
      if ((mask & 2) != 0) {
        b.ttl(Duration.ofMinutes(5));
      }
      if ((mask & 4) != 0) {
        b.scope(SCOPE);
      }
      TokenRequest request = b.build();
      for (TokenRequest r : new TokenRequest[] {request, request.toBuilder().build()}) {
        assertThat(r.metadata()).as("mask %d", mask).isEqualTo(metadata);
        assertThat(r.ttl()).as("mask %d", mask).isEqualTo((mask & 2) != 0 ? Optional.of(Duration.ofMinutes(5))
            : Optional.empty());
        assertThat(r.scope()).as("mask %d", mask).isEqualTo((mask & 4) != 0 ? Optional.of(SCOPE)
            : Optional.empty());
        assertThat(r.org()).isEqualTo("acme");
        assertThat(r.logicalName()).contains("orders");
        assertThat(r.style()).isEqualTo(IssueStyle.UNIQUE);
        assertThat(r.toString()).isEqualTo("TokenRequest[org=acme, role=reader, logicalName=orders, style=UNIQUE"
            + ", ttl=" + ((mask & 2) != 0 ? "PT5M" : "null") + ((mask & 4) != 0 ? ", scope=" + SCOPE : "")
            + ", metadata=" + metadata + "]");
      }
    }
  }
}

package dev.astravault;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A record keeps the client id inside the token when the token carries it (as every token Astra makes does) and
 * gives the same client id back everywhere it shows one; any other pair is kept as it was given.
 */
class LeaseRecordClientIdTest {
  private static final String CLIENT_ID = "zjCEYwRGWocLfQJHBNQxvorr";
  private static final String TOKEN = "AstraCS:" + CLIENT_ID + ":" + "8709074b".repeat(8);

  private static LeaseRecord.Builder record(String clientId, String token) {
    Instant now = Instant.parse("2026-12-05T10:00:00Z");
    return LeaseRecord.builder().leaseId("astra/o/r/1").orgId("o").roleName("r").roleId("id").logicalName("x")
        .state(LeaseState.ACTIVE).clientId(clientId).token(token).secret("s").description("d")
        .ttl(Duration.ofHours(1)).issuedAt(now).expiresAt(now.plusSeconds(3600)).maxExpiresAt(now.plusSeconds(7200))
        .generatedOn(now);
  }

  private static void assertShowsEverywhere(LeaseRecord r, String clientId) {
    assertThat(r.clientId()).contains(clientId);
    assertThat(r.toTokenInfo().clientId()).isEqualTo(clientId);
    assertThat(r.toString()).contains("clientId=" + clientId);
    LeaseRecord copy = r.next().renewable(true).build();
    assertThat(copy.clientId()).contains(clientId);
    assertThat(copy.token()).contains(r.token().orElseThrow());
    assertThat(copy.toBuilder().token(null).secret(null).build().clientId())
        .as("a copy that drops the token keeps the client id").contains(clientId);
  }

  @Test
  void aTokenThatCarriesTheClientIdGivesItBack() {
    assertShowsEverywhere(record(CLIENT_ID, TOKEN).build(), CLIENT_ID);
  }

  /** The point of it: a record in memory holds one string for both (issue 15, P3), not the client id again. */
  @Test
  void aTokenThatCarriesTheClientIdIsTheOnlyStringKept() throws ReflectiveOperationException {
    Field clientId = LeaseRecord.class.getDeclaredField("clientId");
    clientId.setAccessible(true);
    assertThat(clientId.get(record(CLIENT_ID, TOKEN).build())).isNull();
    assertThat(clientId.get(record("other", TOKEN).build())).isEqualTo("other");
  }

  @Test
  void aClientIdTheTokenDoesNotCarryIsKeptAsGiven() {
    assertShowsEverywhere(record("other", TOKEN).build(), "other");
    assertShowsEverywhere(record(CLIENT_ID.substring(0, 23), TOKEN).build(), CLIENT_ID.substring(0, 23));
    assertShowsEverywhere(record(CLIENT_ID, "AstraCS:fake").build(), CLIENT_ID);
    assertShowsEverywhere(record(CLIENT_ID, "astracs:" + CLIENT_ID + ":ab").build(), CLIENT_ID);
    // A colon in the client id would end it early when read back from the token.
    assertShowsEverywhere(record("ab:cd", "AstraCS:ab:cd:ef").build(), "ab:cd");
  }

  @Test
  void aRecordWithoutATokenKeepsItsClientId() {
    LeaseRecord r = record(CLIENT_ID, TOKEN).token(null).secret(null).build();
    assertThat(r.clientId()).contains(CLIENT_ID);
    assertThat(r.toTokenInfo().clientId()).isEqualTo(CLIENT_ID);
  }
}

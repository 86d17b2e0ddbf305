package dev.astravault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.internal.PackedRecords;
import java.lang.reflect.Field;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A record keeps an Astra secret as its Latin-1 bytes (one String less per lease in memory) and gives back exactly
 * the secret it was given, whatever its characters, through every copy.
 */
class LeaseRecordSecretTest {
  private static final String CLIENT_ID = "zjCEYwRGWocLfQJHBNQxvorr";
  private static final String TOKEN = "AstraCS:" + CLIENT_ID + ":" + "8709074b".repeat(8);

  private static LeaseRecord record(String secret) {
    Instant now = Instant.parse("2026-12-05T10:00:00Z");
    return LeaseRecord.builder().leaseId("astra/o/r/1").orgId("o").roleName("r").roleId("id").logicalName("x")
        .state(LeaseState.ACTIVE).clientId(CLIENT_ID).token(TOKEN).secret(secret).description("d")
        .ttl(Duration.ofHours(1)).issuedAt(now).expiresAt(now.plusSeconds(3600)).maxExpiresAt(now.plusSeconds(7200))
        .generatedOn(now).build();
  }

  private static Object kept(LeaseRecord r) throws ReflectiveOperationException {
    Field secret = LeaseRecord.class.getDeclaredField("secret");
    secret.setAccessible(true);
    return secret.get(r);
  }

  @Test
  void everySecretComesBackAsGivenThroughCopiesAndViews() {
    for (String secret : new String[] {"", "s", "ZjCEYwRGW,ocL-fQJ.HBN_Qx+vorr", "\u0000\u00ff\u00e9", "\u0100",
        "ab\u20acd", "\ud83d\udd11key", "x".repeat(10_000)}) {
      LeaseRecord r = record(secret);
      assertThat(r.secret()).as("as built").contains(secret);
      LeaseRecord copy = r.next().renewable(false).build();
      assertThat(copy.secret()).as("a copy").contains(secret);
      assertThat(copy.toBuilder().build().secret()).as("a copy of a copy").contains(secret);
      assertThat(new AstraToken(r).secret()).as("the token view").isEqualTo(secret);
      assertThat(r.withoutSecret().secret()).isEmpty();
      assertThat(r.toString()).doesNotContain("ZjCEYwRGW");
    }
  }

  /** The point of it (issue 15, P3): an ASCII secret is held as bytes, and copies share them. */
  @Test
  void anAstraSecretIsKeptAsBytesThatCopiesShare() throws ReflectiveOperationException {
    LeaseRecord r = record("ZjCEYwRGW,ocL-fQJ.HBN_Qx+vorr");
    assertThat(kept(r)).isInstanceOf(byte[].class);
    assertThat(kept(r.next().build())).isSameAs(kept(r));
    assertThat(kept(record("ab\u20acd"))).isEqualTo("ab\u20acd");
    assertThat(kept(record(""))).isEqualTo("");
  }

  @Test
  void theStoresClientIdCheckAgreesWithTheRecord() {
    assertThat(PackedRecords.clientIdInToken(record("s"))).isTrue();
    assertThat(PackedRecords.clientIdInToken(record("s").withoutSecret())).isFalse();
    Instant now = Instant.parse("2026-12-05T10:00:00Z");
    LeaseRecord other = LeaseRecord.builder().leaseId("astra/o/r/2").orgId("o").roleName("r").roleId("id")
        .logicalName("x").state(LeaseState.ACTIVE).clientId("other").token(TOKEN).secret("s").description("d")
        .ttl(Duration.ofHours(1)).issuedAt(now).expiresAt(now.plusSeconds(3600))
        .maxExpiresAt(now.plusSeconds(7200)).generatedOn(now).build();
    assertThat(PackedRecords.clientIdInToken(other)).isFalse();
    assertThat(other.clientId()).contains("other");
  }
}

package dev.astravault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.internal.PackedRecords;
import dev.astravault.store.InMemoryLeaseStore;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * A record keeps a lease id of the engine's shape as the bytes after its role's prefix (issue 15, P3), and any other
 * id whole; either way it gives back the id it was given, and equality, hashing and ordering of ids are the
 * strings', across the two forms, through copies and in the in-memory store.
 */
class LeaseRecordIdTest {
  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
  private static final String SUFFIX = "Zq0Ab9xYcD3eF4gH5iJ6kL7m";

  private static LeaseRecord record(String leaseId, String orgId, String roleName) {
    return record(leaseId, orgId, roleName, NOW.plusSeconds(3600));
  }

  private static LeaseRecord record(String leaseId, String orgId, String roleName, Instant expiresAt) {
    return LeaseRecord.builder().leaseId(leaseId).orgId(orgId).roleName(roleName).roleId("id-" + roleName)
        .style(IssueStyle.PER_REQUEST).state(LeaseState.ACTIVE).clientId("c-" + leaseId.hashCode())
        .description("d").ttl(Duration.ofHours(1)).issuedAt(NOW).expiresAt(expiresAt)
        .maxExpiresAt(NOW.plusSeconds(7200)).generatedOn(NOW).build();
  }

  private static Object kept(LeaseRecord r) throws ReflectiveOperationException {
    Field id = LeaseRecord.class.getDeclaredField("id");
    id.setAccessible(true);
    return id.get(r);
  }

  /** Records of many orgs and roles, in both forms, with ids that two roles share and ids of no role's shape. */
  private static List<LeaseRecord> mixed() {
    List<LeaseRecord> out = new ArrayList<>();
    for (int org = 0; org < 5; org++) {
      for (int role = 0; role < 5; role++) {
        out.add(record("astra/org-" + org + "/role-" + role + "/" + SUFFIX.substring(org + role), "org-" + org,
            "role-" + role));
      }
    }
    out.add(record("astra/a/b/c/" + SUFFIX, "a/b", "c"));               // the same id as the next, another role
    out.add(record("astra/a/b/c/" + SUFFIX + "x", "a", "b/c"));
    out.add(record("astra/a/b/c/" + SUFFIX.substring(1), "a", "b"));    // its prefix is another role's
    out.add(record("astra/org-1/role-1/", "org-1", "role-1"));            // nothing after the prefix
    out.add(record("astra/org-1/role-1/\u00e9\u00ff", "org-1", "role-1"));
    out.add(record("astra/org-1/role-1/\u20ac" + SUFFIX, "org-1", "role-1"));  // beyond Latin-1: whole
    out.add(record("astra/org-\u20ac/r/" + SUFFIX, "org-\u20ac", "r"));   // a prefix beyond Latin-1: whole
    out.add(record("vault/lease/" + SUFFIX, "org-1", "role-1"));           // an older store's, or Vault's, shape
    out.add(record("astra/org-1/role-10/" + SUFFIX, "org-1", "role-1"));  // another role's prefix
    out.add(record("astra/org-1/role-", "org-1", "role-1"));              // shorter than the prefix
    return out;
  }

  @Test
  void everyIdComesBackAsGivenThroughCopies() {
    for (LeaseRecord r : mixed()) {
      String id = r.leaseId();
      assertThat(r.next().build().leaseId()).isEqualTo(id);
      assertThat(r.toBuilder().renewable(false).build().toBuilder().build().leaseId()).isEqualTo(id);
      assertThat(r.withoutSecret().leaseId()).isEqualTo(id);
      assertThat(r.lease().leaseId()).isEqualTo(id);
      assertThat(r.description()).isEqualTo("d");
      // Moved to another org and role, the id stays what it was: it is read whole and kept whole or split anew.
      assertThat(r.toBuilder().orgId("elsewhere").roleName("other").build().leaseId()).isEqualTo(id);
      assertThat(r.toBuilder().orgId("a").roleName("b").build().leaseId()).isEqualTo(id);
      assertThat(r.toString()).contains("leaseId=" + id + ",");
    }
    assertThat(mixed()).extracting(LeaseRecord::leaseId).contains("astra/a/b/c/" + SUFFIX, "vault/lease/" + SUFFIX,
        "astra/org-1/role-1/", "astra/org-1/role-1/\u20ac" + SUFFIX, "astra/org-\u20ac/r/" + SUFFIX);
  }

  /** The point of it: an id of the engine's shape is its 24 letters' bytes, shared by copies; others stay whole. */
  @Test
  void anEngineIdIsKeptAsTheBytesAfterItsRolesPrefix() throws ReflectiveOperationException {
    LeaseRecord r = record("astra/org-1/role-1/" + SUFFIX, "org-1", "role-1");
    assertThat(kept(r)).isInstanceOf(byte[].class).isEqualTo(SUFFIX.getBytes(StandardCharsets.US_ASCII));
    assertThat(kept(r.next().build())).isSameAs(kept(r));
    assertThat(kept(record("vault/lease/" + SUFFIX, "org-1", "role-1"))).isInstanceOf(String.class);
    assertThat(kept(record("astra/org-1/role-1/\u20ac", "org-1", "role-1"))).isInstanceOf(String.class);
    assertThat(kept(record("astra/org-\u20ac/r/" + SUFFIX, "org-\u20ac", "r"))).isInstanceOf(String.class);
  }

  @Test
  void equalityHashingAndOrderAreTheStrings() {
    List<LeaseRecord> records = mixed();
    for (LeaseRecord a : records) {
      String ida = a.leaseId();
      assertThat(a.hashCode()).isEqualTo(Objects.hash(ida, a.version()));
      assertThat(PackedRecords.leaseIdHash(a)).isEqualTo(ida.hashCode());
      for (String start : new String[] {"", "astra/", "astra/a/", "astra/a/b/c/", "astra/org-1/role-1/",
          "astra/org-1/role-1/" + SUFFIX, "vault/", ida, ida + "x"}) {
        assertThat(PackedRecords.leaseIdStartsWith(a, start)).as(ida + " starts with " + start)
            .isEqualTo(ida.startsWith(start));
      }
      for (LeaseRecord b : records) {
        String idb = b.leaseId();
        assertThat(a.equals(b)).as(ida + " = " + idb).isEqualTo(ida.equals(idb));
        assertThat(PackedRecords.sameLeaseId(a, b)).as(ida + " same " + idb).isEqualTo(ida.equals(idb));
        assertThat(PackedRecords.hasLeaseId(a, new String(idb))).isEqualTo(ida.equals(idb));
        assertThat(Integer.signum(PackedRecords.compareLeaseIds(a, b))).as(ida + " vs " + idb)
            .isEqualTo(Integer.signum(ida.compareTo(idb)));
      }
    }
    // The id two roles both produce is one id, in either form.
    LeaseRecord one = record("astra/a/b/c/" + SUFFIX, "a/b", "c");
    LeaseRecord other = record("astra/a/b/c/" + SUFFIX, "a", "b/c");
    LeaseRecord whole = record("astra/a/b/c/" + SUFFIX, "x", "y");
    assertThat(one).isEqualTo(other).isEqualTo(whole).hasSameHashCodeAs(other).hasSameHashCodeAs(whole);
  }

  @Test
  void theInMemoryStoreFindsListsAndOrdersIdsOfBothForms() {
    InMemoryLeaseStore store = new InMemoryLeaseStore();
    List<LeaseRecord> records = new ArrayList<>();
    int i = 0;
    for (LeaseRecord r : mixed()) {
      if (r.leaseId().equals("astra/a/b/c/" + SUFFIX) && !r.orgId().equals("a/b")) {
        continue;   // one lease an id
      }
      // One expiry for all: the expiry index orders them by id.
      records.add(r);
      store.insert(r);
      i++;
    }
    assertThat(i).isGreaterThan(30);
    for (LeaseRecord r : records) {
      assertThat(store.get(new String(r.leaseId()))).contains(r);
    }
    for (String prefix : new String[] {"astra/", "astra/a/", "astra/a/b/c/", "astra/org-1/", "astra/org-1/role-1/",
        "vault/", ""}) {
      assertThat(store.list(prefix)).extracting(LeaseRecord::leaseId).as(prefix).containsExactlyElementsOf(
          records.stream().map(LeaseRecord::leaseId).filter(id -> id.startsWith(prefix)).sorted().toList());
    }
    assertThat(store.expiringBefore(NOW.plusSeconds(7200), 1000)).extracting(LeaseRecord::leaseId)
        .containsExactlyElementsOf(records.stream().map(LeaseRecord::leaseId).sorted(Comparator.naturalOrder())
            .toList());
    for (LeaseRecord r : records) {
      LeaseRecord renewed = r.next().expiresAt(NOW.plusSeconds(5000)).build();
      assertThat(store.compareAndSet(r, renewed)).isTrue();
      assertThat(store.get(r.leaseId())).contains(renewed);
    }
    for (LeaseRecord r : records) {
      assertThat(store.delete(store.get(r.leaseId()).orElseThrow())).isTrue();
      assertThat(store.get(r.leaseId())).isEmpty();
    }
    assertThat(store.list("")).isEmpty();
  }
}

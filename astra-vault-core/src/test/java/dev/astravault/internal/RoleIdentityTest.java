package dev.astravault.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import java.lang.reflect.Field;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A record keeps its org id, role name and role id as one {@link RoleIdentity} shared by the role's records (issue 15,
 * P3: 8 B a record), looked up in a table that never holds more than {@link RoleIdentity#BOUND} roles.
 */
class RoleIdentityTest {
  private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

  private static LeaseRecord record(String leaseId, String org, String roleName, String roleId) {
    return LeaseRecord.builder().leaseId(leaseId).orgId(org).roleName(roleName).roleId(roleId).logicalName("x")
        .state(LeaseState.PENDING).description("d").ttl(Duration.ofHours(1)).issuedAt(NOW)
        .expiresAt(NOW.plusSeconds(3600)).maxExpiresAt(NOW.plusSeconds(7200)).build();
  }

  private static Object role(LeaseRecord r) throws ReflectiveOperationException {
    Field role = LeaseRecord.class.getDeclaredField("role");
    role.setAccessible(true);
    return role.get(r);
  }

  /** More distinct roles than the table holds: the table starts again; every record still names its own role. */
  private static List<LeaseRecord> flood(String prefix) {
    List<LeaseRecord> records = new ArrayList<>();
    for (int i = 0; i < RoleIdentity.BOUND * 2 + 7; i++) {
      records.add(record("astra/o/r/" + i, prefix + "org" + i % 3, prefix + "role" + i, prefix + "id" + i));
      assertThat(RoleIdentity.size()).isBetween(1, RoleIdentity.BOUND);
    }
    return records;
  }

  @Test
  void recordsOfOneRoleBuiltFromEqualStringsShareOneIdentity() throws ReflectiveOperationException {
    LeaseRecord a = record("astra/o/r/1", new String("org-a"), new String("reader"), new String("id-a"));
    LeaseRecord b = record("astra/o/r/2", new String("org-a"), new String("reader"), new String("id-a"));
    assertThat(role(a)).isSameAs(role(b));
    assertThat(role(record("astra/o/r/3", "org-a", "reader", "id-b"))).isNotSameAs(role(a));
    assertThat(b.orgId()).isEqualTo("org-a");
    assertThat(b.roleName()).isEqualTo("reader");
    assertThat(b.roleId()).isEqualTo("id-a");
  }

  @Test
  void distinctRolesBeyondTheBoundStillMakeCorrectRecords() {
    List<LeaseRecord> records = flood("bound-");
    for (int i = 0; i < records.size(); i++) {
      LeaseRecord r = records.get(i);
      assertThat(r.orgId()).isEqualTo("bound-org" + i % 3);
      assertThat(r.roleName()).isEqualTo("bound-role" + i);
      assertThat(r.roleId()).isEqualTo("bound-id" + i);
      assertThat(r.toString()).contains("org=bound-org" + i % 3 + ", role=bound-role" + i + ",");
    }
  }

  @Test
  void aCopyKeepsItsRecordsIdentityWithoutALookupAndASetterChangesOnlyItsPart()
      throws ReflectiveOperationException {
    LeaseRecord r = record("astra/o/r/1", "org-c", "writer", "id-c");
    flood("copy-");   // the table started again since r was built: a lookup would make a new identity
    assertThat(role(r.next().build())).isSameAs(role(r));
    assertThat(role(r.toBuilder().orgId(new String("org-c")).build())).as("equal strings set again").isSameAs(role(r));
    LeaseRecord renamed = r.toBuilder().roleName("admin").build();
    assertThat(renamed.orgId()).isEqualTo("org-c");
    assertThat(renamed.roleName()).isEqualTo("admin");
    assertThat(renamed.roleId()).isEqualTo("id-c");
    assertThat(r.toBuilder().roleId("id-d").build().roleId()).isEqualTo("id-d");
    assertThat(r.toBuilder().orgId("org-d").build().orgId()).isEqualTo("org-d");
    assertThat(r.roleName()).isEqualTo("writer");
  }

  @Test
  void theTableGivesBackTheValueItHolds() {
    RoleIdentity first = RoleIdentity.of("org-e", "role-e", "id-e");
    assertThat(RoleIdentity.of(new String("org-e"), new String("role-e"), new String("id-e"))).isSameAs(first);
    assertThat(first.is("org-e", "role-e", "id-e")).isTrue();
    assertThat(first.is("org-e", "role-e", "id-f")).isFalse();
    assertThat(first.is("org-e", "role-f", "id-e")).isFalse();
    assertThat(first.is("org-f", "role-e", "id-e")).isFalse();
  }
}

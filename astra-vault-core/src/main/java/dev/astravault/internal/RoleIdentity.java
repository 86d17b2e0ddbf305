package dev.astravault.internal;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The org id, local role name and Astra role id of a lease, held once per role: every lease of a role has the same
 * three, so a {@link dev.astravault.LeaseRecord} keeps one reference to this shared value instead of three to the
 * strings, 8 B less per record held in memory (issue 15, P3). Immutable; its fields are final, so an instance read
 * from the cache without a lock is complete.
 *
 * <p>{@link #of} looks the triple up in a small open-addressing table (lock-free reads; inserts under a lock). The
 * table holds at most {@value #BOUND} triples: when a new one would exceed that, the table starts again empty, so a
 * stream of distinct roles (custom roles made and deleted over months) never grows it. A record made meanwhile keeps
 * the value it got; only sharing is lost, never correctness, and a successor built from a record
 * ({@code toBuilder()}, {@code next()}) carries its value without a lookup.
 */
public final class RoleIdentity {
  /** The most triples the table holds before it starts again: half its slots, so that a probe ends soon. */
  static final int BOUND = 1024;
  private static final int SLOTS = 2 * BOUND;
  private static final Object LOCK = new Object();
  // Slots are written only under LOCK, once each (never replaced or cleared: a new table replaces the whole array).
  // A reader without the lock may miss a fresh entry and then takes the lock; it never sees a half-made value.
  private static volatile @Nullable RoleIdentity[] table = new RoleIdentity[SLOTS];
  private static int count;   // guarded by LOCK: entries in `table`

  private final String orgId;
  private final String roleName;
  private final String roleId;
  // What every lease id of the role starts with (LeaseIds.next): records keep only the rest of their ids (SplitIds).
  // Null, and then ids are kept whole, when a character is beyond Latin-1.
  private final @Nullable String leasePrefix;

  private RoleIdentity(String orgId, String roleName, String roleId) {
    this.orgId = orgId;
    this.roleName = roleName;
    this.roleId = roleId;
    String prefix = LeaseIds.ROOT + orgId + "/" + roleName + "/";
    this.leasePrefix = prefix.chars().allMatch(c -> c <= 0xFF) ? prefix : null;
  }

  /**
   * {@return the shared value for the triple: the table's, or a new one (entered in the table)}
   *
   * @param orgId the org id
   * @param roleName the local role name
   * @param roleId the Astra role id
   */
  public static RoleIdentity of(String orgId, String roleName, String roleId) {
    Objects.requireNonNull(orgId, "orgId");
    Objects.requireNonNull(roleName, "roleName");
    Objects.requireNonNull(roleId, "roleId");
    int hash = hash(orgId, roleName, roleId);
    RoleIdentity found = find(table, hash, orgId, roleName, roleId);
    if (found != null) {
      return found;
    }
    synchronized (LOCK) {
      @Nullable RoleIdentity[] t = table;
      found = find(t, hash, orgId, roleName, roleId);
      if (found != null) {
        return found;
      }
      if (count >= BOUND) {
        t = new RoleIdentity[SLOTS];   // the records made so far keep theirs; new ones share afresh
        count = 0;
        table = t;
      }
      RoleIdentity made = new RoleIdentity(orgId, roleName, roleId);
      int i = hash & (SLOTS - 1);
      while (t[i] != null) {
        i = (i + 1) & (SLOTS - 1);
      }
      t[i] = made;
      count++;
      return made;
    }
  }

  private static @Nullable RoleIdentity find(@Nullable RoleIdentity[] t, int hash, String orgId, String roleName,
      String roleId) {
    for (int i = hash & (SLOTS - 1); ; i = (i + 1) & (SLOTS - 1)) {
      @Nullable RoleIdentity r = t[i];
      if (r == null || r.is(orgId, roleName, roleId)) {
        return r;   // at most half the slots are full: an empty one ends the probe
      }
    }
  }

  /** {@return how many triples the table holds now (tests: it never exceeds {@link #BOUND})} */
  static int size() {
    synchronized (LOCK) {
      return count;
    }
  }

  private static int hash(String orgId, String roleName, String roleId) {
    int h = (orgId.hashCode() * 31 + roleName.hashCode()) * 31 + roleId.hashCode();
    return h ^ (h >>> 16);
  }

  /**
   * {@return whether this value holds exactly these three strings}
   *
   * @param orgId the org id
   * @param roleName the local role name
   * @param roleId the Astra role id
   */
  public boolean is(String orgId, String roleName, String roleId) {
    return this.orgId.equals(orgId) && this.roleName.equals(roleName) && this.roleId.equals(roleId);
  }

  /** {@return the org id} */
  public String orgId() {
    return orgId;
  }

  /** {@return the local role name} */
  public String roleName() {
    return roleName;
  }

  /** {@return the Astra role id} */
  public String roleId() {
    return roleId;
  }

  /** {@return what every lease id of this role starts with, or null when it has a character beyond Latin-1} */
  public @Nullable String leasePrefix() {
    return leasePrefix;
  }

  @Override
  public String toString() {
    return "RoleIdentity[org=" + orgId + ", role=" + roleName + ", roleId=" + roleId + "]";
  }
}

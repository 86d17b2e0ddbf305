package dev.astravault;

import java.util.List;
import java.util.Objects;

/**
 * What {@link TokenManager#syncRoles(String)} did: roles created (with 24h defaults), roles whose Astra id changed,
 * roles left as they were, and name collisions — Astra roles whose names sanitise to the same local name. A collision
 * is reported and none of its roles is written, instead of one silently overwriting another.
 *
 * @param orgId the org's id
 * @param created the roles created, with 24h defaults
 * @param updated the roles whose Astra id changed
 * @param unchanged the roles left as they were
 * @param collisions the name collisions, none of whose roles was written
 */
public record RoleSyncReport(String orgId, List<Role> created, List<Role> updated, List<Role> unchanged,
    List<Collision> collisions) {
  /**
   * Checks the org id is present and copies the lists.
   *
   * @param orgId the org's id
   * @param created the roles created, with 24h defaults
   * @param updated the roles whose Astra id changed
   * @param unchanged the roles left as they were
   * @param collisions the name collisions, none of whose roles was written
   */
  public RoleSyncReport {
    Objects.requireNonNull(orgId, "orgId");
    created = List.copyOf(created);
    updated = List.copyOf(updated);
    unchanged = List.copyOf(unchanged);
    collisions = List.copyOf(collisions);
  }

  /**
   * Several Astra roles ({@code astraNames}, with {@code roleIds}) that all sanitise to {@code name}.
   *
   * @param name the local name they all sanitise to
   * @param astraNames the Astra roles' names
   * @param roleIds the Astra roles' ids, in the order of {@code astraNames}
   */
  public record Collision(String name, List<String> astraNames, List<String> roleIds) {
    /**
     * Copies the lists.
     *
     * @param name the local name they all sanitise to
     * @param astraNames the Astra roles' names
     * @param roleIds the Astra roles' ids, in the order of {@code astraNames}
     */
    public Collision {
      astraNames = List.copyOf(astraNames);
      roleIds = List.copyOf(roleIds);
    }
  }
}

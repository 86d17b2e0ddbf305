package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Roles were synced from Astra: the names created, updated, and in collision (not written).
 *
 * @param time when it happened
 * @param actor who ran the sync
 * @param org the org's id
 * @param created the names of the roles created
 * @param updated the names of the roles whose Astra id changed
 * @param collisions the names in collision, not written
 */
public record RolesSynced(Instant time, Actor actor, String org, List<String> created, List<String> updated,
    List<String> collisions) implements AuditEvent {
  /**
   * Copies the lists.
   *
   * @param time when it happened
   * @param actor who ran the sync
   * @param org the org's id
   * @param created the names of the roles created
   * @param updated the names of the roles whose Astra id changed
   * @param collisions the names in collision, not written
   */
  public RolesSynced {
    created = List.copyOf(created);
    updated = List.copyOf(updated);
    collisions = List.copyOf(collisions);
  }

  @Override
  public String type() {
    return "role.synced";
  }

  @Override
  public Optional<String> orgId() {
    return Optional.of(org);
  }
}

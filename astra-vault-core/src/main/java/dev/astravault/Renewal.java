package dev.astravault;

import java.util.List;
import java.util.Objects;

/**
 * The lease after a renewal, and warnings such as the TTL having been capped at the max TTL.
 *
 * @param lease the lease after the renewal
 * @param warnings warnings, such as the TTL having been capped at the max TTL
 */
public record Renewal(Lease lease, List<String> warnings) {
  /**
   * Checks the lease is present and copies the warnings.
   *
   * @param lease the lease after the renewal
   * @param warnings warnings, such as the TTL having been capped at the max TTL
   */
  public Renewal {
    Objects.requireNonNull(lease, "lease");
    warnings = List.copyOf(warnings);
  }

  /**
   * {@return whether the renewal was cut short (a warning says why, e.g. the max TTL)}
   */
  public boolean capped() {
    return !warnings.isEmpty();
  }
}

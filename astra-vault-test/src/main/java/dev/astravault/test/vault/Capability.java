package dev.astravault.test.vault;

/** A Vault ACL capability, as used in a {@link Policy} rule. */
public enum Capability {
  /** Write to a path that does not exist yet. */
  CREATE,
  /** Read a path. */
  READ,
  /** Write to a path that exists (and every write with no existence check). */
  UPDATE,
  /** Delete a path. */
  DELETE,
  /** List a path. */
  LIST,
  /** Patch a path that exists (HTTP PATCH, e.g. a JSON merge patch on KV v2's {@code data/}). */
  PATCH,
  /** Root-protected paths such as {@code sys/leases/lookup/<prefix>} and {@code sys/leases/revoke-prefix}. */
  SUDO,
  /** Deny, overriding every other capability. */
  DENY
}

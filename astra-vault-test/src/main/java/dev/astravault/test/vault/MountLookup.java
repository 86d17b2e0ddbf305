package dev.astravault.test.vault;

/**
 * How {@link FakeVault} answers {@code GET sys/internal/ui/mounts/<path>}, the lookup {@code vault kv get} makes to
 * learn a mount's KV version ({@link FakeVault#mountLookup(MountLookup)}).
 */
public enum MountLookup {
  /**
   * As Vault 0.10+ answers it (vault/logical_system.go {@code pathInternalUIMountRead}): the mount serving the path,
   * to a token holding some capability on that mount or under it; 403 with the "preflight capability check" text for
   * a path no mount serves or a token that may do nothing under the mount. The default.
   */
  ANSWERED,
  /**
   * As a Vault without the endpoint (older than 0.10, which has no KV v2) answers: 404 "unsupported path" to a token
   * whose policy grants {@code read} on the path (the root token), and the ACL's 403 "permission denied" to every
   * other, since the path was not yet exempt from the ACL check. The Vault CLI reads a 404 as KV version 1.
   */
  ABSENT,
  /**
   * Refused for every token, with Vault's 403 preflight text: as a proxy that passes only the application's own paths,
   * or a mount filtered from this cluster, answers whatever the token's policy says.
   */
  DENIED
}

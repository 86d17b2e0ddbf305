package dev.astravault.event;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Identifies a token in an event without revealing it: org, role, logical name, client id, lease id, its metadata,
 * and {@code tokenHmac}, the HMAC-SHA256 of the token under the manager's audit key (hex), so that an entry can be
 * matched to a known token as Vault's audit devices allow. {@code clientId} and {@code tokenHmac} are null before
 * Astra created the token.
 *
 * @param orgId the org's id
 * @param roleName the local role name
 * @param logicalName the logical name, or null for none
 * @param clientId the token's Astra client id, or null before Astra created it
 * @param leaseId the lease id
 * @param metadata the caller's metadata
 * @param tokenHmac the token's HMAC-SHA256 under the audit key (hex), or null before Astra created it
 */
public record TokenRef(String orgId, String roleName, @Nullable String logicalName, @Nullable String clientId,
    String leaseId, Map<String, String> metadata, @Nullable String tokenHmac) {
  /**
   * Checks the org, role and lease id are present and copies the metadata.
   *
   * @param orgId the org's id
   * @param roleName the local role name
   * @param logicalName the logical name, or null for none
   * @param clientId the token's Astra client id, or null before Astra created it
   * @param leaseId the lease id
   * @param metadata the caller's metadata
   * @param tokenHmac the token's HMAC-SHA256 under the audit key (hex), or null before Astra created it
   */
  public TokenRef {
    Objects.requireNonNull(orgId, "orgId");
    Objects.requireNonNull(roleName, "roleName");
    Objects.requireNonNull(leaseId, "leaseId");
    metadata = Map.copyOf(metadata);
  }
}

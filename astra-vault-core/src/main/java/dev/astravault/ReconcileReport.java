package dev.astravault;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link TokenManager#reconcile(String, boolean)} found when it compared an org's tokens in Astra with the
 * store, and what it fixed. Each finding was also audited as a {@link dev.astravault.event.ReconcileFinding}.
 *
 * @param orgId the org
 * @param checkedAt when Astra's token list was read
 * @param unknownTokens tokens that live in Astra but that no record knows
 * @param missingTokens records whose token is gone from Astra
 * @param expiredLeases records past their expiry that were not revoked yet
 * @param customRoles custom roles of scoped tokens that no lease uses, or that Astra has with this deployment's tag
 *     but no record knows (see docs/scoped-tokens.md)
 * @param unreadableRecords the org's records that the store holds but this instance cannot read, which nothing
 *     ends: reconcile reports them, with the live token that names one, and never fixes them
 */
public record ReconcileReport(String orgId, Instant checkedAt, List<UnknownToken> unknownTokens,
    List<RecordFinding> missingTokens, List<RecordFinding> expiredLeases, List<CustomRoleFinding> customRoles,
    List<UnreadableRecord> unreadableRecords) {

  /**
   * Checks the org id and time are present and copies the lists.
   *
   * @param orgId the org
   * @param checkedAt when Astra's token list was read
   * @param unknownTokens tokens that live in Astra but that no record knows
   * @param missingTokens records whose token is gone from Astra
   * @param expiredLeases records past their expiry that were not revoked yet
   * @param customRoles custom roles that no lease uses or that no record knows
   * @param unreadableRecords records this instance cannot read
   */
  public ReconcileReport {
    Objects.requireNonNull(orgId, "orgId");
    Objects.requireNonNull(checkedAt, "checkedAt");
    unknownTokens = List.copyOf(unknownTokens);
    missingTokens = List.copyOf(missingTokens);
    expiredLeases = List.copyOf(expiredLeases);
    customRoles = List.copyOf(customRoles);
    unreadableRecords = List.copyOf(unreadableRecords);
  }

  /**
   * A report without unreadable records.
   *
   * @param orgId the org
   * @param checkedAt when Astra's token list was read
   * @param unknownTokens tokens that live in Astra but that no record knows
   * @param missingTokens records whose token is gone from Astra
   * @param expiredLeases records past their expiry that were not revoked yet
   * @param customRoles custom roles that no lease uses or that no record knows
   */
  public ReconcileReport(String orgId, Instant checkedAt, List<UnknownToken> unknownTokens,
      List<RecordFinding> missingTokens, List<RecordFinding> expiredLeases, List<CustomRoleFinding> customRoles) {
    this(orgId, checkedAt, unknownTokens, missingTokens, expiredLeases, customRoles, List.of());
  }

  /**
   * A report without custom-role findings (the shape before scoped tokens).
   *
   * @param orgId the org
   * @param checkedAt when Astra's token list was read
   * @param unknownTokens tokens that live in Astra but that no record knows
   * @param missingTokens records whose token is gone from Astra
   * @param expiredLeases records past their expiry that were not revoked yet
   */
  public ReconcileReport(String orgId, Instant checkedAt, List<UnknownToken> unknownTokens,
      List<RecordFinding> missingTokens, List<RecordFinding> expiredLeases) {
    this(orgId, checkedAt, unknownTokens, missingTokens, expiredLeases, List.of(), List.of());
  }

  /** {@return whether nothing drifted} */
  public boolean isClean() {
    return unknownTokens.isEmpty() && missingTokens.isEmpty() && expiredLeases.isEmpty() && customRoles.isEmpty()
        && unreadableRecords.isEmpty();
  }

  /**
   * A record of the org that the store holds but this instance cannot read: sealed under a key it does not hold, or
   * rewritten outside the library (its expiry pushed ahead, say). Its fields cannot be trusted, so the sweeper does
   * not end it and reconcile does not fix it, even with {@code fix}: ending a live token on the word of a row
   * nobody can read is the operator's call (docs/operations.md).
   *
   * @param leaseId the lease id of the row
   * @param clientId the client id of the live token in Astra whose description names this lease, or null when
   *     Astra lists none
   * @param reason why it cannot be read: {@code UNKNOWN_KEY}, {@code TAMPERED}, {@code MALFORMED_CIPHERTEXT} or
   *     {@code MALFORMED_ROW}
   */
  public record UnreadableRecord(String leaseId, @Nullable String clientId, String reason) {
    /**
     * Checks the lease id and reason are present.
     *
     * @param leaseId the lease id of the row
     * @param clientId the client id of the live token that names this lease, or null
     * @param reason why it cannot be read
     */
    public UnreadableRecord {
      Objects.requireNonNull(leaseId, "leaseId");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * A token in Astra that no record knows.
   *
   * @param ours whether its description carries this deployment's tag ({@code astra-vault deployment=<id> lease=...},
   *     or the older {@code astra-vault lease=...} that names no deployment); tokens that are not ours (made in the
   *     console, by the plugin, by another deployment sharing the org, or the org's root token itself) are only
   *     reported, never deleted
   * @param leaseId the lease id in the tag, when it carries one (another deployment's included)
   * @param fixed whether reconcile deleted it
   * @param clientId the token's Astra client id
   * @param description the token's description in Astra, or null
   * @param generatedOn when Astra generated the token, or null when not known
   */
  public record UnknownToken(String clientId, @Nullable String description, @Nullable Instant generatedOn,
      boolean ours, @Nullable String leaseId, boolean fixed) {
    /**
     * Checks the client id is present.
     *
     * @param clientId the token's Astra client id
     * @param description the token's description in Astra, or null
     * @param generatedOn when Astra generated the token, or null when not known
     * @param ours whether its description carries this deployment's tag ({@code astra-vault deployment=<id> lease=...},
     *     or the older {@code astra-vault lease=...} that names no deployment); tokens that are not ours (made in the
     *     console, by the plugin, by another deployment sharing the org, or the org's root token itself) are only
     *     reported, never deleted
     * @param leaseId the lease id in the tag, when it carries one (another deployment's included)
     * @param fixed whether reconcile deleted it
     */
    public UnknownToken {
      Objects.requireNonNull(clientId, "clientId");
    }
  }

  /**
   * A record that drifted from Astra.
   *
   * @param fixed whether reconcile ended the lease (a missing token's record is deleted; an expired lease is revoked)
   * @param leaseId the lease
   * @param clientId the token's Astra client id, or null when the lease has none yet
   * @param state the lease's state when reconcile found it
   * @param expiresAt the lease's expiry
   */
  public record RecordFinding(String leaseId, @Nullable String clientId, LeaseState state, Instant expiresAt,
      boolean fixed) {
    /**
     * Checks the lease id, state and expiry are present.
     *
     * @param leaseId the lease
     * @param clientId the token's Astra client id, or null when the lease has none yet
     * @param state the lease's state when reconcile found it
     * @param expiresAt the lease's expiry
     * @param fixed whether reconcile ended the lease (a missing token's record is deleted; an expired lease is revoked)
     */
    public RecordFinding {
      Objects.requireNonNull(leaseId, "leaseId");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }
  }

  /**
   * A custom role of scoped tokens that reconcile found out of place.
   *
   * @param name the role's name ({@code astra-vault-<fingerprint>})
   * @param roleId the Astra role id, or null when the role's create never answered
   * @param kind what is wrong
   * @param fixed whether reconcile (with fix) deleted it
   */
  public record CustomRoleFinding(String name, @Nullable String roleId, Kind kind, boolean fixed) {
    /**
     * Checks the name and kind are present.
     *
     * @param name the role's name
     * @param roleId the Astra role id, or null
     * @param kind what is wrong
     * @param fixed whether it was deleted
     */
    public CustomRoleFinding {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
    }

    /** What is wrong with a custom role. */
    public enum Kind {
      /** This deployment recorded the role but no lease holds it (its deletion is due or was interrupted). */
      UNUSED,
      /** Astra has a role with this deployment's exact tag that no record knows. */
      UNKNOWN
    }
  }
}

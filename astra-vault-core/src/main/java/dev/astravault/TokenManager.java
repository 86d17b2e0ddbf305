package dev.astravault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Issues, renews, revokes and audits short-lived Astra DB application tokens.
 *
 * <pre>{@code
 * TokenManager tokens = TokenManager.builder().org(OrgConfig.fromEnv()).build();
 * tokens.syncRoles(orgId);
 * AstraToken token = tokens.request().org(orgId).role("api_ro_user").logicalName("orders")
 *     .metadata("owner", "team-orders").issue();
 * }</pre>
 *
 * <p>Every method is thread-safe. Orgs are named by id or logical name wherever a parameter is called {@code org}.
 * Leases are owned by the {@link LeaseStore}; a background sweeper revokes them when they expire. Every operation
 * emits one {@link dev.astravault.event.AuditEvent}.
 *
 * <p><b>Unknown ids follow one rule</b> (the table in docs/concepts.md): a lookup that returns an {@code Optional}
 * returns it empty; a removal ({@link #revoke}, {@link #deleteToken}, {@link #deleteRole}, {@link #deleteOrg}) of
 * something that is not there succeeds, changes nothing and audits nothing, as Vault does; every other operation
 * that needs what it names throws {@link NotFoundException} naming it. A null or blank id is a programming error
 * ({@link IllegalArgumentException} or {@link NullPointerException} naming the parameter). An operation that
 * conflicts with the current state throws an {@link AstraVaultException} ({@link ConflictException},
 * {@link TokenAlreadyExistsException}, {@link LeaseExpiredException}).
 */
public interface TokenManager extends AutoCloseable {

  /**
   * Starts building a manager (direct mode with an in-memory store unless the builder says otherwise).
   *
   * @return a new builder
   */
  static TokenManagerBuilder builder() {
    return new TokenManagerBuilder();
  }

  // ---- orgs

  /**
   * Creates or replaces an org; its logical name must be unique among this manager's orgs.
   *
   * @param org the org's id, root token, API URL and logical name
   * @return the org as stored, without its root token
   */
  Org writeOrg(OrgConfig org);

  /**
   * An org by id or logical name.
   *
   * @param org the org's id or logical name
   * @return the org without its root token, or empty when it is not configured
   */
  Optional<Org> org(String org);

  /**
   * Every configured org.
   *
   * @return the orgs, without their root tokens
   */
  List<Org> orgs();

  /**
   * Deletes an org's config. An unknown org is nothing to delete: the call succeeds and changes nothing. A stored
   * config that no longer loads (its root token sealed under a key the store lacks or tampered with, its URL
   * rewritten) is deleted too: it is found by {@link LeaseStore#storedOrgId} without being opened. The org's roles
   * are kept.
   *
   * @param org the org's id or logical name
   * @throws ConflictException if the org still has leases (revoke them first: without its root token they could
   *     never be revoked); nothing is deleted
   */
  void deleteOrg(String org);

  // ---- roles

  /**
   * Creates a role or updates the fields the spec supplies. A zero TTL means 24h; {@code ttl} is clamped to
   * {@code maxTtl}, with a warning on the result.
   *
   * @param spec the org, the role name and the fields to set
   * @return the role as written, whether it was created, and the warnings of the write
   */
  RoleWriteResult writeRole(RoleSpec spec);

  /**
   * A role named as Astra shows it: its local name, Astra's display name ({@code "R/W User"}, sanitised with the
   * rule of {@link #syncRoles}) or its role id. Empty for an unknown org or role.
   *
   * @param org the org's id or logical name
   * @param name the role's local name
   * @return the role, or empty when the org has no role of that name
   * @throws AmbiguousRoleException if a display name and a role id name different roles
   */
  Optional<Role> role(String org, String name);

  /**
   * An org's roles.
   *
   * @param org the org's id or logical name
   * @return the org's roles
   */
  List<Role> roles(String org);

  /**
   * Deletes a role named as {@link #role} takes it. An unknown org or role is nothing to delete: the call succeeds
   * and changes nothing. Leases of the role keep running and can still be revoked; they can no longer be renewed.
   *
   * @param org the org's id or logical name
   * @param name the role's local name
   */
  void deleteRole(String org, String name);

  /**
   * Creates or updates local roles from {@code GET /v2/organizations/roles}; reports name collisions.
   *
   * @param org the org's id or logical name
   * @return the roles created, updated and left alone, and the name collisions
   */
  RoleSyncReport syncRoles(String org);

  /**
   * The Astra role id of a role named as {@link #role} takes it.
   *
   * @param org the org's id or logical name
   * @param roleName the role's local name
   * @return the Astra role id the local role maps to
   */
  String resolveRoleId(String org, String roleName);

  // ---- tokens

  /**
   * A fluent request bound to this manager: {@code request().org(..).role(..).logicalName(..).issue()}.
   *
   * @return a request builder whose {@code issue()} calls {@link #issue(TokenRequest)} on this manager
   */
  default TokenRequest.Builder request() {
    return TokenRequest.boundTo(this::issue);
  }

  /**
   * Creates a token in Astra and leases it.
   *
   * @param request the org, role, logical name and metadata of the token
   * @return the token with its secret and lease
   * @throws TokenAlreadyExistsException when the UNIQUE-style triple is taken
   * @throws NotFoundException when the org or role is unknown
   * @throws AuditException when fail-closed auditing could not record the issue (the token was revoked)
   */
  AstraToken issue(TokenRequest request);

  /**
   * A live token by client id, with its secret. Audited as a read. Empty when the lease is not ACTIVE, has expired,
   * or its secret is not readable: a {@linkplain dev.astravault.store.JdbcLeaseStore.Builder#metadataOnly()
   * metadata-only} store forgets secrets on restart, so a token issued before the restart must be revoked and
   * issued again.
   *
   * @param clientId the token's Astra client id
   * @return the token with its secret, or empty (see above)
   */
  Optional<AstraToken> token(String clientId);

  /**
   * The live token of a UNIQUE-style triple, with its secret, the role named as {@link #role} takes it. Audited as
   * a read. Empty in the same cases as {@link #token(String)}, and for an unknown org or role.
   *
   * @param org the org's id or logical name
   * @param role the role's local name
   * @param logicalName the token's logical name
   * @return the token with its secret, or empty
   */
  Optional<AstraToken> token(String org, String role, String logicalName);

  /**
   * All live tokens, without secrets. Live means {@link LeaseState#ACTIVE} and not past its expiry, as for
   * {@link #token(String)}; a lease past its expiry that the sweeper has not reached yet, or one being revoked, is
   * not listed (see {@link #tokens(String, LeaseState...)} for those). In Vault mode, also a lease Vault still has.
   *
   * @return the live tokens of every org
   */
  List<TokenInfo> tokens();

  /**
   * An org's live tokens, without secrets; live as in {@link #tokens()}.
   *
   * @param org the org's id or logical name
   * @return the org's live tokens
   */
  List<TokenInfo> tokens(String org);

  /**
   * An org's tokens whose lease is in one of {@code states}, live or not, without secrets: for example
   * {@code tokens(org, LeaseState.values())} shows everything the store holds, including leases past their expiry
   * that the sweeper has not ended yet ({@link TokenInfo#isLive} tells them apart), leases being revoked and revokes
   * that failed. A {@link LeaseState#PENDING} lease has no token yet and is never listed. Reads the store as it is
   * (in Vault mode, Vault is not asked). Audited as a listing.
   *
   * @param org the org's id or logical name
   * @param states the lease states to list
   * @return the org's tokens in those states
   */
  List<TokenInfo> tokens(String org, LeaseState... states);

  /**
   * Deletes a token by client id: deleted in Astra, its lease ended. A client id this manager holds no lease for is
   * nothing to delete: the call succeeds and changes nothing (reconcile finds tokens in Astra no record knows).
   *
   * @param clientId the token's Astra client id
   */
  void deleteToken(String clientId);

  // ---- leases

  /**
   * A lease by id.
   *
   * @param leaseId the lease id ({@code astra/<org id>/...})
   * @return the lease, or empty when no lease has that id
   */
  Optional<Lease> lease(String leaseId);

  /**
   * Every lease this manager's store holds (in any state but still being issued), ordered by lease id.
   *
   * @return every lease
   */
  List<Lease> leases();

  /**
   * An org's leases, by org id or logical name, in any state but still being issued, ordered by lease id.
   *
   * <p>Deprecated form: an argument that is empty or starts with {@code astra/} is still read as a lease-id prefix,
   * as this method did before it took an org; use {@link #leases()} or {@code leases(org)} instead, which do not
   * need the lease-id format.
   *
   * @param org the org's id or logical name
   * @return the org's leases
   * @throws NotFoundException if the org is unknown
   */
  List<Lease> leases(String org);

  /**
   * Renews for the role's current TTL, capped at {@code issuedAt + maxTtl}. Never calls Astra.
   *
   * @param leaseId the lease to renew
   * @return the renewed lease and any warning (such as a TTL capped at the max TTL)
   */
  Renewal renew(String leaseId);

  /**
   * Renews for {@code increment}, capped at {@code issuedAt + maxTtl}. Never calls Astra. An increment of
   * {@link Duration#ZERO} means the role's current TTL, as in {@link #renew(String)} (and as Vault reads 0).
   *
   * @param leaseId the lease to renew
   * @param increment the TTL asked for, from now
   * @return the renewed lease and any warning (such as a TTL capped at the max TTL)
   * @throws IllegalArgumentException if {@code increment} is negative
   */
  Renewal renew(String leaseId, Duration increment);

  /**
   * Deletes the token in Astra (404 counts as already gone) and ends the lease. Idempotent: an unknown or already
   * ended lease is nothing to revoke, and the call succeeds.
   *
   * @param leaseId the lease to end
   */
  void revoke(String leaseId);

  // ---- managed tokens

  /**
   * A handle that always holds a valid token for {@code request}: renewed in the background, rotated before its max
   * TTL with an overlap, and revoked when the handle (or this manager) is closed. The first token is issued now, so a
   * bad request fails here. With {@link RenewalSettings#defaults()}.
   *
   * @param request what each token of the handle is issued with
   * @return the handle, already holding its first token
   * @throws IllegalArgumentException if the settings leave no room in the role's TTLs
   */
  default ManagedToken manage(TokenRequest request) {
    return manage(request, RenewalSettings.defaults());
  }

  /**
   * {@link #manage(TokenRequest)} with explicit renewal settings.
   *
   * @param request what each token of the handle is issued with
   * @param settings when the handle renews and rotates, and how it retries
   * @return the handle, already holding its first token
   */
  ManagedToken manage(TokenRequest request, RenewalSettings settings);

  /**
   * Revokes every lease past its expiry now (the sweeper does this on its own).
   *
   * @return how many leases ended
   */
  int reapExpired();

  /**
   * {@link #reconcile(String, boolean) Reconciles} without fixing anything: a report only.
   *
   * @param org the org's id or logical name
   * @return what was found
   */
  default ReconcileReport reconcile(String org) {
    return reconcile(org, false);
  }

  /**
   * Compares the org's tokens in Astra with the store and reports tokens no record knows, records whose token is gone
   * and leases past expiry; each finding is audited as a {@link dev.astravault.event.ReconcileFinding}. With
   * {@code fix}: unknown tokens whose description carries astra-vault's tag are deleted in Astra (others, such as
   * console-made tokens, are only reported), records of vanished tokens are deleted and expired leases revoked.
   * Only fix when this store is the only astra-vault store for the org: another deployment's tokens carry the same
   * tag.
   *
   * @param org the org's id or logical name
   * @param fix whether to fix what is found (see above), or only report it
   * @return what was found and what was fixed
   */
  ReconcileReport reconcile(String org, boolean fix);

  /**
   * Stops background work and releases what the manager created. Managed tokens are closed first: their leases are
   * revoked (within each handle's close timeout) unless the builder turned {@code revokeManagedOnClose} off, in which
   * case they are only stopped. Other leases are kept.
   *
   * <p>Called from inside a {@link ManagedTokenListener} callback, it does not wait: with a direct event executor the
   * callback runs on the thread that would do what the revokes wait for once the callback returns, so waiting would
   * only sit out the close timeout. The manager is closed at once ({@code manage} is refused), the revokes proceed in
   * the background, and the backend, store and executors the manager made are released only when they finish (or
   * after the longest close timeout, as a waiting close gives up then). A later {@code close()} from outside a
   * callback waits for that; nothing else does, so call it again before the JVM exits if the revokes matter.
   */
  @Override
  void close();
}

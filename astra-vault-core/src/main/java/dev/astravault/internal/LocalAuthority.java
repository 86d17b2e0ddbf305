package dev.astravault.internal;

import dev.astravault.AstraVaultException;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.NotFoundException;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.event.LeaseRevoked;
import dev.astravault.event.RevokeReason;
import dev.astravault.internal.astra.AstraDevOps;
import dev.astravault.internal.astra.CreatedToken;
import dev.astravault.internal.astra.RemoteRole;
import dev.astravault.internal.astra.RemoteToken;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.internal.support.Interrupts;
import dev.astravault.internal.support.LeaseMath;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Direct mode's authority: the {@link LeaseStore} is the truth, and the DevOps API (through the {@link TokenBackend})
 * mints tokens. Owns the create call's unclear outcomes: a token Astra may hold whose secret was never seen is found
 * by its description tag and deleted.
 */
public final class LocalAuthority implements Authority {
  private static final Logger LOG = Redaction.logger(dev.astravault.TokenManager.class);

  private final LeaseStore store;
  private final TokenBackend backend;
  private final Auditor auditor;
  private final Clock clock;
  private final EngineSettings settings;

  public LocalAuthority(LeaseStore store, TokenBackend backend, Auditor auditor, Clock clock,
      EngineSettings settings) {
    this.store = store;
    this.backend = backend;
    this.auditor = auditor;
    this.clock = clock;
    this.settings = settings;
  }

  // ------------------------------------------------------------------ orgs and roles: the store

  @Override
  public void writeOrg(OrgConfig org, Optional<OrgConfig> previous) {
    store.putOrg(org);
  }

  @Override
  public Optional<OrgConfig> findOrg(String idOrLogicalName) {
    Optional<OrgConfig> byId = store.org(idOrLogicalName);
    return byId.isPresent() ? byId : store.orgByLogicalName(idOrLogicalName);
  }

  @Override
  public List<OrgConfig> orgs() {
    return store.orgs();
  }

  @Override
  public void deleteOrg(String orgId) {
    store.deleteOrg(orgId);
  }

  @Override
  public boolean hasOrg(String orgId) {
    // The id column only (JDBC): no root token is opened on the issue path; no capturing lambda either.
    Optional<String> stored = store.storedOrgId(orgId);
    return stored.isPresent() && stored.get().equals(orgId);
  }

  @Override
  public boolean restoreOrg(OrgConfig org) {
    store.putOrg(org);
    return true;
  }

  @Override
  public Optional<Role> role(String orgId, String name) {
    return store.role(orgId, name);
  }

  @Override
  public List<Role> roles(String orgId) {
    return store.roles(orgId);
  }

  @Override
  public List<Role> rolesToMatchIds(String orgId) {
    return store.roles(orgId);
  }

  @Override
  public void putRole(Role role) {
    store.putRole(role);
  }

  @Override
  public boolean deleteRole(String orgId, String name) {
    return store.deleteRole(orgId, name);
  }

  @Override
  public List<RemoteRole> astraRoles(OrgConfig org) {
    return backend.remoteRoles(org);
  }

  // ------------------------------------------------------------------ leases

  @Override
  public LeaseRecord mint(OrgConfig org, Role role, LeaseRecord pending) {
    CreatedToken created = createOrSettle(org, role, pending);
    return pending.next().state(LeaseState.ACTIVE).clientId(created.clientId())
        .token(created.token()).secret(created.secret()).generatedOn(created.generatedOn()).build();
  }

  @Override
  public LeaseMath.Grant renew(LeaseRecord record, @Nullable Duration increment, Instant now) {
    // The cap counts from the original issue time, with the role's *current* max TTL (as Vault does).
    Role role = store.role(record.orgId(), record.roleName())
        .orElseThrow(() -> new NotFoundException(NotFoundException.Kind.ROLE, record.roleName()));
    return LeaseMath.renew(record.leaseId(), record.issuedAt(), now, increment, role);
  }

  @Override
  public Optional<LeaseRecord> current(LeaseRecord record) {
    return Optional.of(record);
  }

  @Override
  public Predicate<LeaseRecord> stillGranted() {
    return record -> true;
  }

  // ------------------------------------------------------------------ the create call and its unclear outcomes

  private CreatedToken createOrSettle(OrgConfig org, Role role, LeaseRecord pending) {
    Instant tokenExpiry;
    try {
      tokenExpiry = settings.sendTokenExpiry()
          ? wholeSecondAtOrAfter(LeaseMath.after(pending.maxExpiresAt(), settings.tokenExpiryMargin())) : null;
    } catch (AstraVaultException e) {   // the clock is out of range: nothing was sent, so nothing can exist
      Interrupts.heldBack(() -> store.delete(pending));
      throw e;
    }
    String description = settings.sendDescription() ? pending.description() : null;
    try {
      return backend.create(org, role, description, tokenExpiry);
    } catch (RuntimeException e) {
      if (AstraDevOps.createdNothing(e)) {
        Interrupts.heldBack(() -> store.delete(pending));   // an interrupted connect; the store may be Vault KV
        throw e;
      }
      // A 5xx, a reset or timeout after sending, an unreadable body: Astra may hold a token whose secret we never
      // saw. Find it by its tag and delete it; the write-ahead record stays until that is done.
      LOG.warn("the create of lease {} had an unclear outcome ({}); settling it by its description tag",
          pending.leaseId(), RealTokenManager.safeMessage(e));
      settleAmbiguousCreate(org, pending, description);
      throw e;
    }
  }

  /**
   * {@code t} rounded up to a whole second: Astra's own examples send whole seconds, the backstop loses nothing (it
   * only moves later), and every issue in one second then sends the same text, which the JSON writer keeps.
   */
  static Instant wholeSecondAtOrAfter(Instant t) {
    if (t.getNano() != 0 && t.getEpochSecond() == Instant.MAX.getEpochSecond()) {
      throw LeaseMath.clockOutOfRange(t, Duration.ofNanos(1_000_000_000L - t.getNano()));
    }
    return t.getNano() == 0 ? t : Instant.ofEpochSecond(t.getEpochSecond() + 1);
  }

  /**
   * A POST that may or may not have created a token: find it by its description tag and delete it (its secret was
   * never seen, so it cannot be adopted), then drop the pending record. If Astra cannot be asked, the pending
   * record stays for recovery to settle.
   */
  private void settleAmbiguousCreate(OrgConfig org, LeaseRecord pending, @Nullable String description) {
    if (description == null) {
      LOG.error("token creation for lease {} is ambiguous and descriptions are disabled; the pending record is kept "
          + "for reconciliation", pending.leaseId());
      return;
    }
    try {
      for (RemoteToken t : backend.remoteTokens(org)) {
        if (description.equals(t.description())) {
          LeaseRecord ghost = pending.toBuilder().clientId(t.clientId()).build();
          boolean deleted = backend.delete(org, ghost);
          auditor.record(new LeaseRevoked(clock.instant(), auditor.actor(), auditor.ref(ghost), RevokeReason.REAPED,
              !deleted));
          LOG.warn("deleted token '{}' created by an ambiguous request for lease {}", t.clientId(),
              pending.leaseId());
        }
      }
      store.delete(pending);
    } catch (RuntimeException e) {
      LOG.error("could not settle the ambiguous creation of lease {} ({}); its PENDING record stays and recovery "
          + "settles it once it is older than pendingSettleAfter", pending.leaseId(), e.getClass().getName());
    }
  }
}

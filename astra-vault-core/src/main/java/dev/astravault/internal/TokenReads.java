package dev.astravault.internal;

import dev.astravault.AstraToken;
import dev.astravault.Lease;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.TokenInfo;
import dev.astravault.event.LeaseLookedUp;
import dev.astravault.event.TokenRead;
import dev.astravault.event.TokensListed;
import dev.astravault.internal.support.Validation;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** Reads: a token by client id or triple, token listings, and lease lookups; each one audited. */
final class TokenReads {
  private final Clock clock;
  private final LeaseStore store;
  private final Authority authority;
  private final Auditor auditor;
  private final OrgsAndRoles orgsAndRoles;

  TokenReads(Clock clock, LeaseStore store, Authority authority, Auditor auditor, OrgsAndRoles orgsAndRoles) {
    this.clock = clock;
    this.store = store;
    this.authority = authority;
    this.auditor = auditor;
    this.orgsAndRoles = orgsAndRoles;
  }

  Optional<AstraToken> token(String clientId) {
    return store.findByClientId(clientId).flatMap(this::readable);
  }

  Optional<AstraToken> token(String org, String roleReference, String logicalName) {
    // A lookup: an unknown org or role is an empty answer, as an unknown triple is.
    return orgsAndRoles.findOrg(org).flatMap(config -> orgsAndRoles.lookupRole(config.orgId(), roleReference)
        .flatMap(r -> store.findByTriple(config.orgId(), r.name(), logicalName)))
        .flatMap(this::readable);
  }

  private Optional<AstraToken> readable(LeaseRecord record) {
    if (!record.isLive(clock.instant())) {
      return Optional.empty();
    }
    if (record.token().isEmpty() || record.secret().isEmpty()) {
      return Optional.empty();
    }
    auditor.record(new TokenRead(clock.instant(), auditor.actor(), auditor.ref(record)));
    return Optional.of(new AstraToken(record.toTokenInfo(), record.token().get(), record.secret().get()));
  }

  /** Live tokens of every org. */
  List<TokenInfo> allTokens() {
    List<TokenInfo> out = liveTokens(null);
    auditor.record(new TokensListed(clock.instant(), auditor.actor(), null, out.size()));
    return out;
  }

  /** Live tokens of one org. */
  List<TokenInfo> tokens(String org) {
    OrgConfig config = orgsAndRoles.requireOrg(Validation.requireKey("org", org));
    List<TokenInfo> out = liveTokens(config.orgId());
    auditor.record(new TokensListed(clock.instant(), auditor.actor(), config.orgId(), out.size()));
    return out;
  }

  List<TokenInfo> tokens(String org, LeaseState... states) {
    OrgConfig config = orgsAndRoles.requireOrg(org);
    EnumSet<LeaseState> wanted = EnumSet.noneOf(LeaseState.class);
    for (LeaseState state : states) {
      wanted.add(Objects.requireNonNull(state, "states"));
    }
    List<TokenInfo> out = orgsAndRoles.records(config.orgId()).stream()
        .filter(r -> r.state() != LeaseState.PENDING && wanted.contains(r.state()))
        .map(LeaseRecord::toTokenInfo)
        .toList();
    auditor.record(new TokensListed(clock.instant(), auditor.actor(), config.orgId(), out.size()));
    return out;
  }

  /** Live tokens only: ACTIVE, not past expiry, and still granted by the authority. */
  private List<TokenInfo> liveTokens(@Nullable String orgId) {
    Predicate<LeaseRecord> granted = authority.stillGranted();
    Instant now = clock.instant();
    return (orgId == null ? store.list("") : orgsAndRoles.records(orgId)).stream()
        .filter(r -> r.isLive(now))
        .filter(granted)
        .map(LeaseRecord::toTokenInfo)
        .toList();
  }

  Optional<Lease> lease(String leaseId) {
    Optional<LeaseRecord> record = store.get(leaseId).filter(r -> r.state() != LeaseState.PENDING)
        .flatMap(authority::current);
    record.ifPresent(r -> auditor.record(new LeaseLookedUp(clock.instant(), auditor.actor(), auditor.ref(r))));
    return record.map(LeaseRecord::lease);
  }

  List<Lease> allLeases() {
    return leases(store.list(""));
  }

  List<Lease> leases(String org) {
    Validation.requireNoSecret("org", org);
    if (org.isEmpty() || org.startsWith(LeaseIds.ROOT)) {
      return leases(store.list(org));   // the deprecated lease-id prefix form
    }
    return leases(orgsAndRoles.records(orgsAndRoles.requireOrg(org).orgId()));
  }

  private static List<Lease> leases(List<LeaseRecord> records) {
    return records.stream().filter(r -> r.state() != LeaseState.PENDING).map(LeaseRecord::lease).toList();
  }
}

package dev.astravault.benchmarks;

import dev.astravault.AuditSink;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.store.InMemoryLeaseStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/** A TokenManager on {@link LocalBackend}: no network, no audit output, by default no sweeper. */
final class Managers {
  static final String ORG = "bench";
  static final String ROLE = "reader";

  private Managers() {}

  static TokenManager local() {
    return local(Duration.ZERO);
  }

  /** As {@link #local()}, with the expiry sweeper every {@code sweepInterval} (zero: off). */
  static TokenManager local(Duration sweepInterval) {
    return local(sweepInterval, new InMemoryLeaseStore());
  }

  /** As {@link #local(Duration)}, on the given store. */
  static TokenManager local(Duration sweepInterval, LeaseStore store) {
    Clock clock = Clock.systemUTC();
    OrgConfig org = OrgConfig.builder().orgId(UUID.randomUUID().toString())
        .rootToken("AstraCS:" + "A".repeat(24) + ":" + "0".repeat(64)).url(URI.create("http://127.0.0.1:1"))
        .logicalName(ORG).build();
    TokenManager tokens = TokenManager.builder().clock(clock).backend(ctx -> new LocalBackend(clock)).org(org)
        .leaseStore(store).auditSink(AuditSink.noop()).sweepInterval(sweepInterval).revokeManagedOnClose(false).build();
    tokens.writeRole(RoleSpec.builder().org(ORG).name(ROLE).roleId(UUID.randomUUID().toString())
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(24)).build());
    return tokens;
  }

  static TokenRequest request() {
    return TokenRequest.forRole(ROLE).org(ORG).perRequest().build();
  }
}

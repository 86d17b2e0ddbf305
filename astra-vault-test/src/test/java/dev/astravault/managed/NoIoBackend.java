package dev.astravault.managed;

import dev.astravault.LeaseRecord;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.internal.TokenBackend;
import dev.astravault.internal.astra.CreatedToken;
import dev.astravault.internal.astra.RemoteRole;
import dev.astravault.internal.astra.RemoteToken;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** A token backend without I/O (tokens minted in memory), for tests of the engine's own scale. */
final class NoIoBackend implements TokenBackend {
  private final AtomicLong counter = new AtomicLong();
  private final AtomicLong deletes = new AtomicLong();
  private final Clock clock;

  NoIoBackend(Clock clock) {
    this.clock = clock;
  }

  long creates() {
    return counter.get();
  }

  @Override
  public CreatedToken create(OrgConfig org, Role role, @Nullable String description, @Nullable Instant tokenExpiry) {
    long n = counter.incrementAndGet();
    String clientId = "c" + n;
    return new CreatedToken(clientId, "secret-" + n, org.orgId(), List.of(role.roleId()),
        "AstraCS:" + clientId + ":" + String.format("%064x", n), clock.instant());
  }

  @Override
  public boolean delete(OrgConfig org, LeaseRecord record) {
    deletes.incrementAndGet();
    return true;
  }

  @Override
  public List<RemoteToken> remoteTokens(OrgConfig org) {
    return List.of();
  }

  @Override
  public List<RemoteRole> remoteRoles(OrgConfig org) {
    return List.of();
  }

  @Override
  public String validate(OrgConfig org, String token) {
    return org.orgId();
  }
}

package dev.astravault.benchmarks;

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

/** A token backend with no I/O at all: tokens are minted in memory, validation always answers the org. */
final class LocalBackend implements TokenBackend {
  private static final String ZEROS = "0".repeat(64);
  private final AtomicLong counter = new AtomicLong();
  private final Clock clock;

  LocalBackend(Clock clock) {
    this.clock = clock;
  }

  @Override
  public CreatedToken create(OrgConfig org, Role role, @Nullable String description, @Nullable Instant tokenExpiry) {
    Minted m = mint(counter.incrementAndGet());
    return new CreatedToken(m.clientId(), m.secret(), org.orgId(), List.of(role.roleId()), m.token(), clock.instant());
  }

  /** The credentials of token number {@code n}: the same sizes as Astra's (a 24-letter client id, a 97-char token). */
  static Minted mint(long n) {
    // Cheap on purpose (no String.format): what this costs is counted in the issue measured on top of it.
    StringBuilder clientId = new StringBuilder(24);
    for (long v = n, i = 0; i < 24; i++, v /= 26) {
      clientId.append((char) ('a' + (v % 26)));
    }
    String hex = Long.toHexString(n);
    String token = new StringBuilder(97).append("AstraCS:").append(clientId).append(':')
        .append(ZEROS, 0, 64 - hex.length()).append(hex).toString();
    return new Minted(clientId.toString(), "secret-" + n, token);
  }

  /** A minted token's credentials. */
  record Minted(String clientId, String secret, String token) {}

  @Override
  public boolean delete(OrgConfig org, LeaseRecord record) {
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

package dev.astravault.spring.autoconfigure.internal;

import dev.astravault.Lease;
import dev.astravault.ManagedToken;
import dev.astravault.TokenInfo;
import dev.astravault.TokenSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The health of the startup token, independent of Boot's health API (which moved between Boot 3 and 4): a status
 * name and details with the state, lease, time to expiry and last refresh outcome. Never a token or secret.
 */
public record TokenHealth(String status, Map<String, Object> details) {

  public static TokenHealth of(ManagedToken token, TokenActivity activity, Clock clock) {
    Map<String, Object> d = new LinkedHashMap<>();
    if (token instanceof DeferredManagedToken deferred && !deferred.isObtained()) {
      d.put("state", "PENDING");
      RuntimeException failure = deferred.lastFailure();
      if (failure != null) {
        d.put("error", failure.getClass().getSimpleName());
      }
      return new TokenHealth("DOWN", d);
    }
    ManagedToken.State state = token.state();
    d.put("state", state.name());
    if (state != ManagedToken.State.CLOSED) {
      TokenSnapshot s = token.snapshot();
      TokenInfo info = s.info();
      Lease lease = info.lease();
      d.put("leaseId", lease.leaseId());
      d.put("clientId", info.clientId());
      d.put("org", info.orgId());
      d.put("role", info.roleName());
      info.logicalName().ifPresent(n -> d.put("logicalName", n));
      d.put("expiresAt", lease.expiresAt().toString());
      Duration left = lease.remaining(clock);
      d.put("timeToExpiry", left.toString());
      d.put("timeToExpirySeconds", left.toSeconds());
      d.put("maxExpiresAt", lease.maxExpiresAt().toString());
      d.put("generation", s.generation());
    }
    TokenActivity.@Nullable Outcome last = activity.lastOutcome();
    d.put("lastRenewal", last == null ? Map.of("outcome", "none") : last.toMap());
    d.put("renewals", activity.renewals());
    d.put("rotations", activity.rotations());
    d.put("failures", activity.failures());
    String status = switch (state) {
      case ACTIVE, EXPIRING -> "UP";
      case STOPPED -> "OUT_OF_SERVICE";
      case EXPIRED, CLOSED -> "DOWN";
    };
    return new TokenHealth(status, d);
  }
}

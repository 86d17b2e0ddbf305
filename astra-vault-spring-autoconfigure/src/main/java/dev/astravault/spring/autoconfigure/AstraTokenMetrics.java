package dev.astravault.spring.autoconfigure;

import dev.astravault.ManagedToken;
import dev.astravault.spring.autoconfigure.internal.DeferredManagedToken;
import dev.astravault.spring.autoconfigure.internal.TokenActivity;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer meters of the startup token, bound by Boot to every registry:
 * <ul>
 *   <li>{@code astra.vault.token.time.to.expiry} (time gauge): time left on the current lease; 0 when there is no
 *       valid token;</li>
 *   <li>{@code astra.vault.token.renewals}, {@code astra.vault.token.rotations}, {@code astra.vault.token.failures}
 *       (counters): renewals, rotations and failed steps (renew, issue, validate, revoke, ...) since startup;</li>
 *   <li>{@code astra.vault.token.issue} (timer): how long each issue of the token took: the startup issue and the new
 *       token of every rotation (the issue call only; startup retries' waits and a rotation's validation are not
 *       included), measured on the monotonic clock ({@link dev.astravault.ManagedTokenEvent.Issued#issueLatency()}).
 *       </li>
 * </ul>
 * Meters carry the tags {@code role} and {@code logical.name}; none carries a token.
 */
public class AstraTokenMetrics implements MeterBinder {
  private final ManagedToken token;
  private final TokenActivity activity;
  private final Clock clock;

  /**
   * Meters for one managed token.
   *
   * @param token the managed token
   * @param activity the recorder of the token's activity
   * @param clock the clock the time to expiry is measured with
   */
  public AstraTokenMetrics(ManagedToken token, TokenActivity activity, Clock clock) {
    this.token = token;
    this.activity = activity;
    this.clock = clock;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    String role = "-";
    String logicalName = "-";
    if (token instanceof DeferredManagedToken d && !d.isObtained()) {
      // Not obtained yet (fail-fast=false): tagged from the request now, as a meter keeps the tags it is bound with.
      role = d.request().role();
      logicalName = d.request().logicalName().orElse("-");
    } else if (token.state() != ManagedToken.State.CLOSED) {
      role = token.snapshot().info().roleName();
      logicalName = token.snapshot().info().logicalName().orElse("-");
    }
    String[] tags = {"role", role, "logical.name", logicalName};
    TimeGauge.builder("astra.vault.token.time.to.expiry", this, TimeUnit.MILLISECONDS, AstraTokenMetrics::millisLeft)
        .description("Time left before the startup token's lease expires").tags(tags).register(registry);
    FunctionCounter.builder("astra.vault.token.renewals", activity, TokenActivity::renewals)
        .description("Lease renewals of the startup token").tags(tags).register(registry);
    FunctionCounter.builder("astra.vault.token.rotations", activity, TokenActivity::rotations)
        .description("Rotations (new token swapped in) of the startup token").tags(tags).register(registry);
    FunctionCounter.builder("astra.vault.token.failures", activity, TokenActivity::failures)
        .description("Failed renewal, rotation or revoke steps of the startup token").tags(tags).register(registry);
    Timer issue = Timer.builder("astra.vault.token.issue")
        .description("Time each issue of the token took (startup and rotations)").tags(tags).register(registry);
    activity.onIssueLatency(issue::record);
  }

  private double millisLeft() {
    if (token instanceof DeferredManagedToken d && !d.isObtained()) {
      return 0;
    }
    ManagedToken.State state = token.state();
    if (state == ManagedToken.State.CLOSED || state == ManagedToken.State.EXPIRED) {
      return 0;
    }
    return token.snapshot().lease().remaining(clock).toMillis();
  }
}

package dev.astravault.spring.test.internal;

import dev.astravault.TokenManagerBuilder;
import dev.astravault.spring.autoconfigure.TokenManagerCustomizer;
import java.time.Duration;
import org.springframework.core.Ordered;

/**
 * With manual time: runs managed-token work (renew, issue, validate, revoke, events) on the thread that advances the
 * scheduler, and turns off the expiry sweeper and the periodic recovery passes (recovery still runs once at startup),
 * which would otherwise run every 30 s and every minute of manual time and make a jump of a day cost seconds. It runs
 * first, so the application's own customizers can turn them on again.
 */
final class SynchronousManagedWork implements TokenManagerCustomizer, Ordered {

  @Override
  public void customize(TokenManagerBuilder builder) {
    builder.managedIoExecutor(Runnable::run).managedEventExecutor(Runnable::run).sweepInterval(Duration.ZERO)
        .recoveryInterval(Duration.ZERO);
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}

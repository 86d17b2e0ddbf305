package dev.astravault.spring.autoconfigure.internal;

import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** The startup token's health on Boot 4 ({@code org.springframework.boot.health}). */
public final class Boot4HealthIndicator implements HealthIndicator {
  private final Supplier<TokenHealth> health;

  public Boot4HealthIndicator(Supplier<TokenHealth> health) {
    this.health = health;
  }

  @Override
  public Health health() {
    TokenHealth h = health.get();
    return Health.status(h.status()).withDetails(h.details()).build();
  }
}

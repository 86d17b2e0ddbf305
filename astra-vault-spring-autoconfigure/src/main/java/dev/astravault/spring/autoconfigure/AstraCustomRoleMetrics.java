package dev.astravault.spring.autoconfigure;

import dev.astravault.Org;
import dev.astravault.Role;
import dev.astravault.Scope;
import dev.astravault.TokenManager;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.regex.Pattern;

/**
 * {@code astra.vault.custom.roles} (gauge): the custom Astra roles that scoped tokens of this deployment hold now, over
 * every org (docs/scoped-tokens.md). Counted from the lease store at each scrape, so it includes roles kept through
 * their grace period after the last lease ended, and excludes a role whose creation is still in flight. Direct mode
 * only: Vault's plugin cannot make custom roles.
 */
public class AstraCustomRoleMetrics implements MeterBinder {
  // Astra's role ids are UUIDs; a role record being created carries a placeholder until Astra answers.
  private static final Pattern ASTRA_ROLE_ID = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");

  private final TokenManager tokens;

  /**
   * Meters the custom roles that {@code tokens} made.
   *
   * @param tokens the application's token manager
   */
  public AstraCustomRoleMetrics(TokenManager tokens) {
    this.tokens = tokens;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("astra.vault.custom.roles", this, AstraCustomRoleMetrics::liveCustomRoles)
        .description("Custom Astra roles made for scoped tokens, live now (including those in their grace period)")
        .register(registry);
  }

  private double liveCustomRoles() {
    long count = 0;
    for (Org org : tokens.orgs()) {
      for (Role role : tokens.roles(org.orgId())) {
        if (role.name().startsWith(Scope.ROLE_PREFIX) && ASTRA_ROLE_ID.matcher(role.roleId()).matches()) {
          count++;
        }
      }
    }
    return count;
  }
}

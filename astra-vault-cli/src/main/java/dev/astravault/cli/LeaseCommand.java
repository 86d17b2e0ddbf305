package dev.astravault.cli;

import dev.astravault.Lease;
import dev.astravault.NotFoundException;
import dev.astravault.Renewal;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lease lookup|list|renew|revoke}: Vault's {@code sys/leases} for the plugin's leases. */
@Command(name = "lease", mixinStandardHelpOptions = true,
    description = "Leases: ids look like astra/<org id>/<role>/<random>.",
    subcommands = {LeaseCommand.Lookup.class, LeaseCommand.ListLeases.class, LeaseCommand.Renew.class,
        LeaseCommand.Revoke.class})
final class LeaseCommand {

  @Command(name = "lookup", mixinStandardHelpOptions = true, description = "Shows a lease; ttl is the time left.")
  static final class Lookup extends CliCommand {
    @Parameters(paramLabel = "LEASE_ID")
    String leaseId;

    @Override
    int run() {
      Lease lease = manager().lease(leaseId)
          .orElseThrow(() -> new NotFoundException(NotFoundException.Kind.LEASE, leaseId));
      out().object(Views.lease(lease, root().clock()));
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists leases: all by default, an org's (by org id or logical name), or those whose id starts "
          + "with a PREFIX such as astra/<org id>/<role>/.")
  static final class ListLeases extends CliCommand {
    @Parameters(paramLabel = "ORG|PREFIX", arity = "0..1", defaultValue = "")
    String prefix;

    @Override
    int run() {
      List<Lease> leases = prefix.isEmpty() ? manager().leases() : manager().leases(prefix);
      out().list(leases.stream().map(l -> Views.lease(l, root().clock())).toList(),
          List.of("id", "expireTime", "ttl"), "No leases found.");
      return 0;
    }
  }

  @Command(name = "renew", mixinStandardHelpOptions = true,
      description = {"Renews a lease for INCREMENT (default: the role's current ttl), capped at issue time + the "
          + "role's current max_ttl, with a warning when capped. Astra is not called."})
  static final class Renew extends CliCommand {
    @Parameters(paramLabel = "LEASE_ID")
    String leaseId;

    @Option(names = "--increment", paramLabel = "DURATION", converter = VaultDurations.class,
        description = "3600, 3600s, 90m, 1h30m.")
    @Nullable Duration increment;

    @Override
    int run() {
      Renewal renewal = increment == null ? manager().renew(leaseId) : manager().renew(leaseId, increment);
      renewal.warnings().forEach(this::warn);
      out().object(Views.renewal(renewal));
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Deletes the lease's token in Astra (already gone counts as done) and ends the lease.")
  static final class Revoke extends CliCommand {
    @Parameters(paramLabel = "LEASE_ID")
    String leaseId;

    @Override
    int run() {
      // Checked first: revoke itself is idempotent and silent, and an operator's typo should not look like success.
      manager().lease(leaseId).orElseThrow(() -> new NotFoundException(NotFoundException.Kind.LEASE, leaseId));
      manager().revoke(leaseId);
      out().success("Revoked lease " + leaseId + ".");
      return 0;
    }
  }
}

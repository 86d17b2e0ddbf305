package dev.astravault.cli;

import dev.astravault.Org;
import dev.astravault.TokenManager;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A leaf command: reaches the global options and the manager through the root command. */
abstract class CliCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    return run();
  }

  /** Does the work and returns the exit code (0 unless said otherwise). */
  abstract int run() throws Exception;

  final AstraVaultCommand root() {
    return (AstraVaultCommand) spec.root().userObject();
  }

  final TokenManager manager() {
    return root().manager();
  }

  final Output out() {
    return root().output(spec.commandLine().getOut());
  }

  /** Progress and warnings go to stderr, so stdout stays parseable. */
  final PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** How many stored orgs {@link #orgsOrAll} left out because this instance cannot read them. */
  int skippedOrgs;

  /**
   * Direct mode: the ids of the stored orgs missing from {@code readable}, which the store left out because it cannot
   * read them (a key this instance lacks, a row rewritten outside the library), each warned about on stderr. Their
   * ids are safe to print; nothing else of them is read. Vault mode lists Vault's configs, which have no such rows.
   */
  final List<String> unreadableOrgIds(List<Org> readable) {
    if (root().vaultMode()) {
      return List.of();
    }
    Set<String> ids = new HashSet<>();
    readable.forEach(o -> ids.add(o.orgId()));
    List<String> out = root().store().storedOrgIds().stream().filter(id -> !ids.contains(id)).toList();
    for (String id : out) {
      warn("org " + id + ": its stored config cannot be read by this instance (a key it lacks, or a row rewritten "
          + "outside the library); left out. See docs/operations.md, \"An org config that no longer loads\"");
    }
    return out;
  }

  final void warn(String warning) {
    err().println("warning: " + warning);
    err().flush();
  }

  /**
   * The org named by id or logical name, or every org when {@code org} is null. Every org means every readable one:
   * a stored config this instance cannot read is left out, warned about on stderr by id and counted in
   * {@link #skippedOrgs}, so that a command acting on every org can fail at the end instead of passing it in silence.
   */
  final List<Org> orgsOrAll(@org.jspecify.annotations.Nullable String org) {
    if (org == null) {
      List<Org> orgs = manager().orgs();
      skippedOrgs = unreadableOrgIds(orgs).size();
      return orgs;
    }
    return List.of(manager().org(org).orElseThrow(() ->
        new dev.astravault.NotFoundException(dev.astravault.NotFoundException.Kind.ORG, org)));
  }
}

package dev.astravault.cli;

import dev.astravault.Org;
import dev.astravault.TokenManager;
import java.io.PrintWriter;
import java.util.List;
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

  final void warn(String warning) {
    err().println("warning: " + warning);
    err().flush();
  }

  /** The org named by id or logical name, or every org when {@code org} is null. */
  final List<Org> orgsOrAll(@org.jspecify.annotations.Nullable String org) {
    if (org == null) {
      return manager().orgs();
    }
    return List.of(manager().org(org).orElseThrow(() ->
        new dev.astravault.NotFoundException(dev.astravault.NotFoundException.Kind.ORG, org)));
  }
}

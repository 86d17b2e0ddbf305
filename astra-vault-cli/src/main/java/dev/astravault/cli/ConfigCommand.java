package dev.astravault.cli;

import dev.astravault.NotFoundException;
import dev.astravault.Org;
import dev.astravault.OrgConfig;
import dev.astravault.StoreException;
import dev.astravault.internal.support.Validation;
import dev.astravault.vault.CallerMode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code config write|read|list|delete}: the plugin's {@code astra/config} and {@code astra/configs}. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Org configs: the org id, its root token (never shown) and the DevOps API URL.",
    subcommands = {ConfigCommand.Write.class, ConfigCommand.Read.class, ConfigCommand.ListOrgs.class,
        ConfigCommand.Delete.class})
final class ConfigCommand {

  @Command(name = "write", mixinStandardHelpOptions = true,
      description = {"Creates or updates an org config. An update changes only the options given.",
          "The root token is read from $ASTRA_ORG_TOKEN, --token-file or --token-stdin, never from the command "
              + "line."})
  static final class Write extends CliCommand {
    @Option(names = "--org-id", required = true, paramLabel = "ID", description = "The Astra org id.")
    String orgId;

    @Option(names = "--logical-name", paramLabel = "NAME",
        description = "A name unique among the orgs; required for a new org.")
    @Nullable String logicalName;

    @Option(names = "--url", paramLabel = "URL",
        description = "The DevOps API base URL (default: $ASTRA_DEVOPS_URL, as the quickstart reads it; else "
            + "https://api.astra.datastax.com for a new org and the current URL for an update).")
    @Nullable String url;

    /** {@code --url}, else {@code $ASTRA_DEVOPS_URL}: the endpoint the quickstart would use. */
    private @Nullable String url() {
      return url != null ? url : root().env("ASTRA_DEVOPS_URL");
    }

    @ArgGroup(exclusive = true)
    @Nullable TokenSource tokenSource;

    @Option(names = "--caller-mode", paramLabel = "MODE",
        description = "Vault mode only: the plugin's caller_mode for this org, standard or sidecar (default: "
            + "standard; every Vault-mode write sets it).")
    @Nullable String callerMode;

    static final class TokenSource {
      @Option(names = "--token-file", paramLabel = "FILE", description = "Read the root token from FILE.")
      @Nullable Path file;

      @Option(names = "--token-stdin", description = "Read the root token from standard input.")
      boolean stdin;
    }

    @Override
    int run() throws IOException {
      if (root().vaultMode()) {
        return writeToVault();
      }
      if (callerMode != null) {
        throw CliException.usage("--caller-mode is the Vault plugin's setting: it needs Vault mode (VAULT_ADDR or "
            + "--vault-addr)");
      }
      Optional<OrgConfig> existing = root().store().org(orgId);
      String token = rootToken(tokenSource, root());
      OrgConfig.Builder b;
      if (existing.isPresent()) {
        b = existing.get().toBuilder();
        if (token != null) {
          b.rootToken(token);
        }
      } else {
        if (token == null) {
          throw CliException.usage("a new org needs its root token: set ASTRA_ORG_TOKEN, or pass --token-file "
              + "FILE or --token-stdin");
        }
        if (logicalName == null) {
          throw CliException.usage("a new org needs --logical-name");
        }
        b = OrgConfig.builder().orgId(orgId).rootToken(token);
      }
      if (logicalName != null) {
        b.logicalName(logicalName);
      }
      String endpoint = url();
      if (endpoint != null) {
        b.url(parseUrl(endpoint));
      }
      Org org = manager().writeOrg(b.build());
      if (out().json()) {
        out().object(Views.org(org));
      } else {
        out().success((existing.isPresent() ? "Updated" : "Created") + " config for org " + org.orgId() + " ("
            + org.logicalName() + ").");
      }
      return 0;
    }

    /** {@code --caller-mode}'s value, case-insensitive; a usage error naming it otherwise. */
    static CallerMode callerMode(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "standard" -> CallerMode.STANDARD;
        case "sidecar" -> CallerMode.SIDECAR;
        default -> throw CliException.usage("--caller-mode must be standard or sidecar");
      };
    }

    /**
     * Vault mode: the root token passes through to Vault's {@code <mount>/config} and is kept nowhere else, so every
     * write needs it; the logical name and URL default to what Vault has.
     */
    private int writeToVault() throws IOException {
      if (callerMode != null) {
        root().callerMode(callerMode(callerMode));
      }
      String token = rootToken(tokenSource, root());
      if (token == null) {
        throw CliException.usage("in Vault mode every config write needs the org's root token (Vault keeps it, the "
            + "CLI never does): set ASTRA_ORG_TOKEN, or pass --token-file FILE or --token-stdin");
      }
      Optional<Org> existing = manager().org(orgId).filter(o -> o.orgId().equals(orgId));
      String name = logicalName != null ? logicalName : existing.map(Org::logicalName).orElse(null);
      if (name == null) {
        throw CliException.usage("a new org needs --logical-name");
      }
      OrgConfig.Builder b = OrgConfig.builder().orgId(orgId).rootToken(token).logicalName(name);
      String endpoint = url();
      if (endpoint != null) {
        b.url(parseUrl(endpoint));
      } else {
        existing.ifPresent(o -> b.url(o.url()));
      }
      Org org = manager().writeOrg(b.build());
      if (out().json()) {
        out().object(Views.org(org));
      } else {
        out().success((existing.isPresent() ? "Updated" : "Created") + " config for org " + org.orgId() + " ("
            + org.logicalName() + ") in Vault, caller mode "
            + (callerMode == null ? "standard" : callerMode.toLowerCase(Locale.ROOT)) + ".");
      }
      return 0;
    }

    /** The root token from --token-file, --token-stdin or $ASTRA_ORG_TOKEN; null when none is given. */
    static @Nullable String rootToken(@Nullable TokenSource tokenSource, AstraVaultCommand root)
        throws IOException {
      if (tokenSource != null && tokenSource.file != null) {
        Path file = tokenSource.file;
        return nonBlank(root.readFile(file, "--token-file"), "--token-file " + file);
      }
      if (tokenSource != null && tokenSource.stdin) {
        return nonBlank(new String(root.stdin().readAllBytes(), StandardCharsets.UTF_8), "standard input");
      }
      return root.env("ASTRA_ORG_TOKEN");
    }

    private static String nonBlank(String token, String source) {
      if (token.isBlank()) {
        throw CliException.usage("no root token in " + source);
      }
      return token.strip();
    }

    private static URI parseUrl(String url) {
      return Validation.parseUrl("--url (or ASTRA_DEVOPS_URL)", url);
    }
  }

  @Command(name = "read", mixinStandardHelpOptions = true,
      description = "Shows an org config, by id or logical name. The root token is never shown.")
  static final class Read extends CliCommand {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Key key;

    static final class Key {
      @Option(names = "--org-id", paramLabel = "ID")
      @Nullable String orgId;

      @Option(names = "--logical-name", paramLabel = "NAME")
      @Nullable String logicalName;
    }

    @Override
    int run() {
      Optional<Org> org = key.orgId != null ? manager().org(key.orgId).filter(o -> o.orgId().equals(key.orgId))
          : manager().org(String.valueOf(key.logicalName)).filter(o -> o.logicalName().equals(key.logicalName));
      String name = key.orgId != null ? key.orgId : String.valueOf(key.logicalName);
      out().object(Views.org(org.orElseThrow(() -> new NotFoundException(NotFoundException.Kind.ORG, name))));
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"Lists the org configs, never their root tokens.",
          "Vault mode: lists <mount>/configs (needs the list capability on it)."})
  static final class ListOrgs extends CliCommand {
    @Override
    int run() {
      List<Org> orgs = manager().orgs();
      List<Map<String, @Nullable Object>> rows = new ArrayList<>(orgs.stream().map(Views::org).toList());
      // A config this instance cannot read is listed by id, marked, never hidden: its id is all that can be trusted.
      unreadableOrgIds(orgs).forEach(id -> rows.add(Views.unreadableOrg(id)));
      rows.sort(Comparator.comparing(r -> String.valueOf(r.get("orgId"))));
      out().list(rows, List.of("orgId", "logicalName", "url"), "No configs found.");
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Deletes an org config. Refused while the org has leases: revoke them first.")
  static final class Delete extends CliCommand {
    @Option(names = "--org-id", required = true, paramLabel = "ID")
    String orgId;

    @Override
    int run() {
      // The library's delete of an unknown id is a silent no-op; an operator's typo should not look like success.
      try {
        manager().org(orgId).orElseThrow(() -> new NotFoundException(NotFoundException.Kind.ORG, orgId));
      } catch (StoreException unreadable) {
        // Stored but no longer loading (a lost key, a rewritten row): deleteOrg removes it without reading it.
      }
      manager().deleteOrg(orgId);
      out().success("Deleted config for org " + orgId + ".");
      return 0;
    }
  }
}

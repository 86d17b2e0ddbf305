package dev.astravault.cli;

import dev.astravault.NotFoundException;
import dev.astravault.Org;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.RoleSpec;
import dev.astravault.RoleSyncReport;
import dev.astravault.RoleWriteResult;
import dev.astravault.Scope;
import dev.astravault.StoreException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code role write|read|list|delete|sync}: the plugin's {@code astra/role}, {@code astra/roles} and update_roles.sh.
 */
@Command(name = "role", mixinStandardHelpOptions = true,
    description = "Roles: a local name for an Astra role id, with the ttl and max_ttl of its tokens.",
    subcommands = {RoleCommand.Write.class, RoleCommand.Read.class, RoleCommand.ListRoles.class,
        RoleCommand.Delete.class, RoleCommand.Sync.class})
final class RoleCommand {
  private static final List<String> COLUMNS = List.of("roleName", "roleId", "orgId", "ttl", "maxTtl");

  @Command(name = "write", mixinStandardHelpOptions = true,
      description = {"Creates a role, or updates only the options given. A ttl or max-ttl of 0 means 24h; ttl is "
          + "clamped to max-ttl, with a warning, on every write."})
  static final class Write extends CliCommand {
    @Option(names = "--org-id", required = true, paramLabel = "ID", description = "The org id or logical name.")
    String orgId;

    @Option(names = "--role-name", required = true, paramLabel = "NAME", description = "Lowercased.")
    String roleName;

    @Option(names = "--role-id", paramLabel = "UUID", description = "The Astra role id; required for a new role.")
    @Nullable String roleId;

    @Option(names = "--ttl", paramLabel = "DURATION", converter = VaultDurations.class,
        description = "Token TTL: 3600, 3600s, 90m, 1h30m (new role default: 24h).")
    @Nullable Duration ttl;

    @Option(names = "--max-ttl", paramLabel = "DURATION", converter = VaultDurations.class,
        description = "Renewals never go past issue time + max-ttl (new role default: 24h).")
    @Nullable Duration maxTtl;

    @Override
    int run() {
      RoleSpec.Builder spec = RoleSpec.builder().org(orgId).name(roleName);
      if (roleId != null) {
        spec.roleId(roleId);
      }
      if (ttl != null) {
        spec.ttl(ttl);
      }
      if (maxTtl != null) {
        spec.maxTtl(maxTtl);
      }
      RoleSpec built = spec.build();
      if (roleId == null && manager().role(orgId, built.name()).isEmpty()) {
        // Checked here so the message names the option (the plugin: "please provide a role_id argument").
        manager().org(orgId).orElseThrow(() -> new NotFoundException(NotFoundException.Kind.ORG, orgId));
        throw CliException.usage("a new role needs --role-id (the Astra role UUID; `role sync` fills them in)");
      }
      RoleWriteResult result = manager().writeRole(built);
      result.warnings().forEach(this::warn);
      out().object(Views.role(result.role()));
      return 0;
    }
  }

  @Command(name = "read", mixinStandardHelpOptions = true, description = "Shows a role.")
  static final class Read extends CliCommand {
    @Option(names = "--org-id", required = true, paramLabel = "ID")
    String orgId;

    @Option(names = "--role-name", required = true, paramLabel = "ROLE",
        description = "The local role name, Astra's display name or the role id.")
    String roleName;

    @Override
    int run() {
      manager().org(orgId).orElseThrow(() -> new NotFoundException(NotFoundException.Kind.ORG, orgId));
      Role role = manager().role(orgId, roleName)
          .orElseThrow(() -> new NotFoundException(NotFoundException.Kind.ROLE, roleName));
      out().object(Views.role(role));
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"Lists the roles of one org, or of all.",
          "Vault mode: lists <mount>/roles and reads each role for its org (needs list on roles, read on role)."})
  static final class ListRoles extends CliCommand {
    @Option(names = "--org-id", paramLabel = "ID", description = "Only this org (default: all orgs).")
    @Nullable String orgId;

    @Option(names = "--custom", description = "Only the custom Astra roles astra-vault made for scoped tokens "
        + "(named astra-vault-<fingerprint>); without it they are left out.")
    boolean custom;

    @Override
    int run() {
      List<Map<String, @Nullable Object>> rows = new ArrayList<>();
      for (Org org : orgsOrAll(orgId)) {
        manager().roles(org.orgId()).stream()
            .filter(r -> r.name().startsWith(Scope.ROLE_PREFIX) == custom)
            .map(Views::role).forEach(rows::add);
      }
      out().list(rows, custom ? List.of("roleName", "roleId", "orgId") : COLUMNS,
          custom ? "No custom roles found." : "No roles found.");
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Deletes a role. Its tokens can still be revoked, but no longer renewed.")
  static final class Delete extends CliCommand {
    @Option(names = "--org-id", required = true, paramLabel = "ID")
    String orgId;

    @Option(names = "--role-name", required = true, paramLabel = "ROLE",
        description = "The local role name, Astra's display name or the role id.")
    String roleName;

    @Override
    int run() {
      // The library's delete of an unknown id is a silent no-op; an operator's typo should not look like success.
      manager().org(orgId).orElseThrow(() -> new NotFoundException(NotFoundException.Kind.ORG, orgId));
      String name;
      try {
        name = manager().role(orgId, roleName).map(Role::name)
            .orElseThrow(() -> new NotFoundException(NotFoundException.Kind.ROLE, roleName));
      } catch (StoreException unreadable) {
        // A stored role that no longer verifies: the library deletes it by name without reading it (and rethrows
        // what is not an unreadable role, a storage failure say).
        name = roleName.toLowerCase(Locale.ROOT);
      }
      manager().deleteRole(orgId, name);
      out().success("Deleted role " + name + " of org " + orgId + ".");
      return 0;
    }
  }

  @Command(name = "sync", mixinStandardHelpOptions = true,
      description = {"Creates or updates local roles from the org's Astra roles (update_roles.sh, done right).",
          "Names are sanitised (runs of non-alphanumerics become '_', lowercased); new roles get 24h/24h, existing "
              + "roles keep their TTLs. Astra roles whose names collide are reported and none of them is written.",
          "Progress goes to stderr; exit code 1 if any org failed.",
          "Vault mode: one org (--org-id), and its root token from $ASTRA_ORG_TOKEN, --token-file or --token-stdin, "
              + "as update_roles.sh takes it: Vault keeps root tokens to itself."})
  static final class Sync extends CliCommand {
    @Option(names = "--org-id", paramLabel = "ID", description = "Only this org (default: every org).")
    @Nullable String orgId;

    @ArgGroup(exclusive = true)
    ConfigCommand.Write.@Nullable TokenSource tokenSource;

    @Override
    int run() throws IOException {
      if (root().vaultMode()) {
        lendRootToken();
      } else if (tokenSource != null) {
        throw CliException.usage("--token-file and --token-stdin are for Vault mode: the store holds the root "
            + "tokens in direct mode");
      }
      List<Org> orgs = orgsOrAll(orgId);
      if (orgs.isEmpty() && skippedOrgs == 0) {
        throw CliException.failure("no configs found: add one with `config write` first");
      }
      List<Map<String, @Nullable Object>> rows = new ArrayList<>();
      int failed = 0;
      int i = 0;
      for (Org org : orgs) {
        i++;
        err().printf("[%d/%d] org %s (%s): ", i, orgs.size(), org.orgId(), org.logicalName());
        err().flush();
        try {
          RoleSyncReport report = manager().syncRoles(org.orgId());
          err().printf("%d created, %d updated, %d unchanged, %d collision(s)%n", report.created().size(),
              report.updated().size(), report.unchanged().size(), report.collisions().size());
          for (RoleSyncReport.Collision c : report.collisions()) {
            warn("org " + org.orgId() + ": Astra roles " + quoted(c.astraNames()) + " all map to '" + c.name()
                + "'; none of them was written (rename all but one in Astra, or write the role by hand with "
                + "--role-id)");
          }
          rows.add(Views.sync(org, report));
        } catch (RuntimeException e) {
          failed++;
          String message = Main.redact(String.valueOf(e.getMessage()));
          err().println("failed: " + message);
          Map<String, @Nullable Object> row = new LinkedHashMap<>();
          row.put("orgId", org.orgId());
          row.put("logicalName", org.logicalName());
          row.put("error", message);
          rows.add(row);
          if (root().debug) {
            e.printStackTrace(err());
          }
        }
        err().flush();
      }
      if (out().json()) {
        out().printJson(rows);
      } else {
        out().list(rows.stream().map(Sync::summary).toList(),
            List.of("orgId", "logicalName", "created", "updated", "unchanged", "collisions", "error"), "");
      }
      if (failed > 0) {
        err().println("astra-vault: role sync failed for " + failed + " of " + orgs.size() + " org(s)");
        return CliException.FAILURE;
      }
      if (skippedOrgs > 0) {
        err().println("astra-vault: role sync skipped " + skippedOrgs + " org(s) whose stored configs cannot be read");
        return CliException.FAILURE;
      }
      return 0;
    }

    /**
     * Vault mode: reading the org's roles from Astra takes its root token, which Vault does not give out. The
     * operator's token goes into this process's org cache only (never to disk, never back to Vault), so that the
     * manager's {@code syncRoles} reads Astra with it and writes the roles to Vault.
     */
    private void lendRootToken() throws IOException {
      if (orgId == null) {
        throw CliException.usage("in Vault mode `role sync` needs --org-id, with that org's root token in "
            + "ASTRA_ORG_TOKEN, --token-file FILE or --token-stdin (Vault keeps root tokens to itself)");
      }
      String token = ConfigCommand.Write.rootToken(tokenSource, root());
      if (token == null) {
        throw CliException.usage("in Vault mode `role sync` needs the org's root token to read its Astra roles: set "
            + "ASTRA_ORG_TOKEN, or pass --token-file FILE or --token-stdin");
      }
      String name = orgId;
      Org org = manager().org(name).orElseThrow(() -> new NotFoundException(NotFoundException.Kind.ORG, name));
      root().lendRootToken(OrgConfig.builder().orgId(org.orgId()).logicalName(org.logicalName())
          .url(org.url()).rootToken(token).build());
    }

    private static Map<String, @Nullable Object> summary(Map<String, @Nullable Object> row) {
      Map<String, @Nullable Object> s = new LinkedHashMap<>();
      s.put("orgId", row.get("orgId"));
      s.put("logicalName", row.get("logicalName"));
      for (String k : List.of("created", "updated", "unchanged", "collisions")) {
        s.put(k, row.get(k) instanceof List<?> l ? l.size() : null);
      }
      s.put("error", row.get("error"));
      return s;
    }

    private static String quoted(List<String> names) {
      return String.join(", ", names.stream().map(n -> "'" + n + "'").toList());
    }
  }
}

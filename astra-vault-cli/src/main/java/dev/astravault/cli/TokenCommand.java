package dev.astravault.cli;

import dev.astravault.AstraToken;
import dev.astravault.NotFoundException;
import dev.astravault.Scope;
import dev.astravault.TokenInfo;
import dev.astravault.TokenRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code token issue|read|list|delete}: the plugin's {@code astra/org/token} and {@code astra/org/tokens}. */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Astra application tokens, each with a lease.",
    subcommands = {TokenCommand.Issue.class, TokenCommand.Read.class, TokenCommand.ListTokens.class,
        TokenCommand.Delete.class})
final class TokenCommand {

  @Command(name = "issue", mixinStandardHelpOptions = true,
      description = {"Creates a token in Astra and leases it for the role's ttl. The token is printed once: store "
          + "it now (`token read --field token` can show it again while the lease lives).",
          "One token per (org, role, logical name) unless --per-request."})
  static final class Issue extends CliCommand {
    @Option(names = "--org-id", required = true, paramLabel = "ID", description = "The org id or logical name.")
    String orgId;

    @Option(names = "--role-name", required = true, paramLabel = "ROLE",
        description = "The local role name, Astra's display name (\"R/W User\") or the role id.")
    String roleName;

    @Option(names = "--logical-name", paramLabel = "NAME",
        description = "Who or what the token is for; required unless --per-request.")
    @Nullable String logicalName;

    @Option(names = "--metadata", paramLabel = "KEY=VALUE", converter = KeyValue.Converter.class,
        description = "Free-form metadata such as owner=team-orders; repeatable.")
    List<KeyValue> metadata = new ArrayList<>();

    @Option(names = "--ttl", paramLabel = "DURATION", converter = VaultDurations.class,
        description = "A ttl shorter than the role's.")
    @Nullable Duration ttl;

    @Option(names = "--per-request",
        description = "A new token on every call, with no uniqueness (the plugin's sidecar mode).")
    boolean perRequest;

    @Option(names = "--database", paramLabel = "UUID",
        description = "Scope the token to this database (with --keyspace and --access): it gets a custom role "
            + "made for the scope instead of the role's own Astra role; the role still sets the ttl.")
    @Nullable String database;

    @Option(names = "--keyspace", paramLabel = "NAME", description = "The one keyspace a scoped token may reach.")
    @Nullable String keyspace;

    @Option(names = "--access", paramLabel = "LEVEL",
        description = "What a scoped token may do there: read, read-write or schema.")
    @Nullable String access;

    @Override
    int run() {
      Scope scope = scope();
      if (!perRequest && logicalName == null) {
        throw CliException.usage("Missing required option: '--logical-name=NAME' (or pass --per-request)");
      }
      TokenRequest.Builder request = manager().request().org(orgId).role(roleName);
      if (logicalName != null) {
        request.logicalName(logicalName);
      }
      Map<String, Integer> keys = new HashMap<>();
      for (int i = 0; i < metadata.size(); i++) {
        KeyValue kv = metadata.get(i);
        Integer first = keys.putIfAbsent(kv.key(), i + 1);
        if (first != null) {
          // Neither key nor value is quoted: what was typed may be a secret meant for another option.
          throw CliException.usage("--metadata gives one key twice (--metadata number " + first + " and " + (i + 1)
              + "): give each key once");
        }
        request.metadata(kv.key(), kv.value());
      }
      if (ttl != null) {
        request.ttl(ttl);
      }
      if (perRequest) {
        request.perRequest();
      }
      if (scope != null) {
        request.scope(scope);
      }
      AstraToken token = request.issue();
      out().object(Views.issued(token));
      return 0;
    }

    /** The scope of {@code --database}, {@code --keyspace} and {@code --access}, which go together; null without. */
    @Nullable Scope scope() {
      if (database == null && keyspace == null && access == null) {
        return null;
      }
      if (database == null || keyspace == null || access == null) {
        throw CliException.usage("A scoped token needs all of --database, --keyspace and --access");
      }
      return Scope.database(database).keyspace(keyspace).actions(Scope.Access.parse(access)).build();
    }
  }

  @Command(name = "read", mixinStandardHelpOptions = true,
      description = {"Shows a live token by client id, or by (org, role, logical name). Without --field the secret is "
          + "not shown; --field token prints it alone, as `vault read -field=token` does."})
  static final class Read extends CliCommand {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Key key;

    static final class Key {
      @Option(names = "--client-id", required = true, paramLabel = "CLIENT_ID")
      @Nullable String clientId;

      @ArgGroup(exclusive = false)
      @Nullable Triple triple;
    }

    static final class Triple {
      @Option(names = "--org-id", required = true, paramLabel = "ID")
      String orgId;

      @Option(names = "--role-name", required = true, paramLabel = "ROLE",
          description = "The local role name, Astra's display name or the role id.")
      String roleName;

      @Option(names = "--logical-name", required = true, paramLabel = "NAME")
      String logicalName;
    }

    @Option(names = "--field", paramLabel = "NAME",
        description = "Print only this field's raw value: token, or a key of the output (clientId, leaseId, ...).")
    @Nullable String field;

    @Override
    int run() {
      if (field != null && !field.equals("token") && !FIELDS.contains(field)) {
        throw CliException.usage("--field must be one of: token, " + String.join(", ", FIELDS));
      }
      if (root().vaultMode()) {
        return readInVaultMode();
      }
      AstraToken token;
      if (key.clientId != null) {
        String clientId = key.clientId;
        token = manager().token(clientId).orElseThrow(() -> CliException.failure("no live token with client id "
            + clientId));
      } else {
        Triple t = Objects.requireNonNull(key.triple);
        manager().org(t.orgId).orElseThrow(() -> new NotFoundException(NotFoundException.Kind.ORG, t.orgId));
        token = manager().token(t.orgId, t.roleName, t.logicalName).orElseThrow(() -> CliException.failure(
            "no live token for org " + t.orgId + ", role " + t.roleName + ", logical name " + t.logicalName));
      }
      print(Views.token(token.info()), token.token());
      return 0;
    }

    private void print(Map<String, @Nullable Object> view, @Nullable String secret) {
      if (field == null) {
        out().object(view);
      } else {
        out().raw(field.equals("token") ? secret : view.get(field));
      }
    }

    /**
     * Vault mode: the token's details come from the live tokens (Vault's list, joined with the lease cache), so no
     * secret is needed. The secret itself is held by Vault: this process has it only if it issued it.
     */
    private int readInVaultMode() {
      Optional<AstraToken> held;
      List<TokenInfo> live;
      String what;
      if (key.clientId != null) {
        String clientId = key.clientId;
        what = "client id " + clientId;
        held = manager().token(clientId);
        live = manager().tokens();
        live = live.stream().filter(t -> t.clientId().equals(clientId)).toList();
      } else {
        Triple t = Objects.requireNonNull(key.triple);
        what = "org " + t.orgId + ", role " + t.roleName + ", logical name " + t.logicalName;
        manager().org(t.orgId).orElseThrow(() -> new NotFoundException(NotFoundException.Kind.ORG, t.orgId));
        held = manager().token(t.orgId, t.roleName, t.logicalName);
        String roleName = manager().role(t.orgId, t.roleName).map(dev.astravault.Role::name).orElse(t.roleName);
        live = manager().tokens(t.orgId).stream().filter(i -> i.roleName().equalsIgnoreCase(roleName)
            && i.logicalName().filter(l -> l.equalsIgnoreCase(t.logicalName)).isPresent()).toList();
      }
      if (held.isPresent()) {
        print(Views.token(held.get().info()), held.get().token());
        return 0;
      }
      TokenInfo info = live.stream().findFirst().orElseThrow(() -> CliException.failure("no live token with "
          + what));
      if ("token".equals(field)) {
        throw CliException.failure("Vault mode keeps no token on this machine: the token of " + what + " was "
            + "printed once, by `token issue` (Vault returns it again to `vault read <mount>/org/token` with its "
            + "org_id, role_name and logical_name)");
      }
      print(Views.token(info), null);
      return 0;
    }

    private static final List<String> FIELDS = List.of("clientId", "orgId", "roleName", "logicalName",
        "generatedOn", "metadata", "leaseId", "expireTime");
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists the live tokens of one org, or of all; never shows a secret.")
  static final class ListTokens extends CliCommand {
    @Option(names = "--org-id", paramLabel = "ID", description = "Only this org (default: all orgs).")
    @Nullable String orgId;

    @Override
    int run() {
      List<TokenInfo> tokens = orgId == null ? manager().tokens() : manager().tokens(orgId);
      out().list(tokens.stream().map(Views::token).toList(),
          List.of("clientId", "orgId", "roleName", "logicalName", "leaseId", "expireTime"), "No tokens found.");
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Deletes a token by client id: deleted in Astra, its lease ended.")
  static final class Delete extends CliCommand {
    @Option(names = "--client-id", required = true, paramLabel = "CLIENT_ID")
    String clientId;

    @Override
    int run() {
      // The library's delete of an unknown id is a silent no-op; an operator's typo should not look like success.
      // Vault mode too: its cache holds every lease this CLI can delete (the library finds it there).
      if (!root().knowsClientId(clientId)) {
        throw new NotFoundException(NotFoundException.Kind.TOKEN, clientId);
      }
      manager().deleteToken(clientId);
      out().success("Deleted token " + clientId + ".");
      return 0;
    }
  }
}

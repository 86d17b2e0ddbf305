package dev.astravault.cli;

import dev.astravault.internal.support.Validation;
import dev.astravault.vault.CallerMode;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The global options that reach Vault (a {@code @Mixin} of the root command): whether this run is in Vault mode, and
 * the {@link VaultConfig} (address, mount, namespace, CA, credentials) for the Astra plugin or a KV secret.
 */
final class VaultOptions {
  @Option(names = "--vault-addr", paramLabel = "URL", scope = ScopeType.INHERIT,
      description = "Vault mode: the Vault server (default: $VAULT_ADDR).")
  @Nullable String vaultAddr;

  @Option(names = "--vault-mount", paramLabel = "PATH", scope = ScopeType.INHERIT,
      description = "Vault mode: the Astra plugin's mount (default: astra).")
  @Nullable String vaultMount;

  @Option(names = "--vault-namespace", paramLabel = "NAMESPACE", scope = ScopeType.INHERIT,
      description = "Vault mode: the Vault Enterprise namespace (default: $VAULT_NAMESPACE).")
  @Nullable String vaultNamespace;

  @Option(names = "--vault-ca-cert", paramLabel = "PEM_FILE", scope = ScopeType.INHERIT,
      description = "Vault mode: the CA certificate(s) that sign Vault's TLS certificate (default: $VAULT_CACERT, "
          + "else the JVM's trust store).")
  @Nullable Path vaultCaCert;

  @Option(names = "--vault-role-id", paramLabel = "ROLE_ID", scope = ScopeType.INHERIT,
      description = "Vault mode: log in with AppRole as this role id (default: $VAULT_ROLE_ID); the secret id comes "
          + "from $VAULT_SECRET_ID or --vault-secret-id-file. Without a role id: $VAULT_TOKEN, else ~/.vault-token.")
  @Nullable String vaultRoleId;

  @Option(names = "--vault-secret-id-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "Vault mode: read the AppRole secret id from FILE (default: $VAULT_SECRET_ID).")
  @Nullable Path vaultSecretIdFile;

  @Option(names = "--vault-approle-mount", paramLabel = "PATH", scope = ScopeType.INHERIT,
      description = "Vault mode: the AppRole auth mount (default: approle).")
  @Nullable String vaultAppRoleMount;

  @Option(names = "--direct", scope = ScopeType.INHERIT,
      description = "Direct mode even when VAULT_ADDR is set.")
  boolean direct;

  /** Vault mode's address: {@code --vault-addr}, else {@code $VAULT_ADDR} unless {@code --direct}; null: direct. */
  @Nullable String modeAddress(CliContext ctx) {
    return vaultAddr != null ? vaultAddr : direct ? null : ctx.env("VAULT_ADDR");
  }

  /** Vault's address for what only Vault holds (the store key): {@code --direct} does not turn it off. */
  @Nullable String address(CliContext ctx) {
    return vaultAddr != null ? vaultAddr : ctx.env("VAULT_ADDR");
  }

  /** Refuses a command that only the direct-mode store can do, naming why. */
  void requireDirectMode(CliContext ctx, String command, String why) {
    if (modeAddress(ctx) != null) {
      throw CliException.failure("`" + command + "` works in direct mode only: " + why + " (Vault mode is on "
          + "because " + (vaultAddr != null ? "--vault-addr" : "VAULT_ADDR") + " is set; pass --direct to use the "
          + "store)");
    }
  }

  /** Vault at {@code addr} with these options' mount, namespace, CA and credentials; null caller mode: standard. */
  VaultConfig config(CliContext ctx, String addr, @Nullable CallerMode callerMode) {
    String option = vaultAddr != null ? "--vault-addr" : "VAULT_ADDR";
    VaultConfig.Builder b;
    try {
      b = VaultConfig.builder(Validation.parseUrl(option, addr));
    } catch (IllegalArgumentException e) {
      // Neither message shows the address: it may be a secret typed into the wrong option.
      throw CliException.usage(e.getMessage().startsWith(option) ? e.getMessage() : option + ": " + e.getMessage());
    }
    b.auth(auth(ctx));
    if (callerMode != null) {
      b.callerMode(callerMode);
    }
    if (vaultMount != null) {
      b.mount(vaultMount);
    }
    String namespace = vaultNamespace != null ? vaultNamespace : ctx.env("VAULT_NAMESPACE");
    if (namespace != null) {
      b.namespace(namespace);
    }
    Path ca = vaultCaCert != null ? vaultCaCert : ctx.envPath("VAULT_CACERT");
    if (ca != null) {
      // Read here, not by caPem(Path), whose IllegalArgumentException would read as "not a PEM certificate" below
      // when the file was refused. A CA is public: readable by all is fine, so no warning.
      String pem = ctx.readPublic(ca, vaultCaCert != null ? "--vault-ca-cert" : "VAULT_CACERT");
      try {
        b.caPem(pem);
      } catch (IllegalArgumentException e) {
        throw CliException.usage("the Vault CA certificate " + ca + " is not a PEM certificate");
      }
    }
    return b.build();
  }

  /** AppRole when a role id is given, else a token: never from argv, so that no secret reaches shell history. */
  private VaultAuth auth(CliContext ctx) {
    String roleId = vaultRoleId != null ? vaultRoleId : ctx.env("VAULT_ROLE_ID");
    if (roleId != null) {
      String secretId = vaultSecretIdFile != null ? ctx.readSecret(vaultSecretIdFile, "--vault-secret-id-file")
          : ctx.env("VAULT_SECRET_ID");
      if (secretId == null) {
        throw CliException.usage("AppRole login needs its secret id: set VAULT_SECRET_ID or pass "
            + "--vault-secret-id-file FILE");
      }
      return VaultAuth.appRole(vaultAppRoleMount != null ? vaultAppRoleMount : "approle", roleId, secretId.strip());
    }
    String token = ctx.env("VAULT_TOKEN");
    if (token == null) {
      // Where `vault login` leaves the token (the vault CLI's default token helper).
      Path helper = Path.of(System.getProperty("user.home"), ".vault-token");
      if (Files.isRegularFile(helper)) {
        token = ctx.readSecret(helper, "~/.vault-token");
      }
    }
    if (token == null) {
      throw CliException.usage("Vault mode needs Vault credentials: set VAULT_TOKEN (or run `vault login`, which "
          + "writes ~/.vault-token), or use AppRole with --vault-role-id (or VAULT_ROLE_ID) and VAULT_SECRET_ID or "
          + "--vault-secret-id-file FILE");
    }
    return VaultAuth.token(token.strip());
  }
}

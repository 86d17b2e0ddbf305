package dev.astravault.cli;

import dev.astravault.KeyProvider;
import dev.astravault.internal.crypto.KeyProviders;
import dev.astravault.vault.KvPath;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKeyException;
import dev.astravault.vault.VaultKeyProvider;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The global options that name the store key (a {@code @Mixin} of the root command), and the {@link KeyProvider}
 * they give: {@code --key-file}, {@code --key-vault-path} (with {@code --key-vault-mount} and, optionally,
 * {@code --key-vault-kv-version}) or {@code $ASTRA_VAULT_KEY}.
 */
final class StoreKeyOptions {
  @Option(names = "--key-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "The store's encryption keys (base64, current first). Default: $ASTRA_VAULT_KEY. See also "
          + "--key-vault-path.")
  @Nullable Path keyFile;

  @Option(names = "--key-vault-path", paramLabel = "PATH", scope = ScopeType.INHERIT,
      description = "Read the store's encryption keys from this Vault KV secret instead (fields key, previous, "
          + "key_id, as VaultKeyProvider reads them), a path in --key-vault-mount such as astra-vault/store-key. The "
          + "mount's KV version (1 or 2) is asked of Vault, as vault kv get does. Vault's address and credentials as "
          + "in Vault mode (with --direct for the SQL store).")
  @Nullable String keyVaultPath;

  @Option(names = "--key-vault-mount", paramLabel = "MOUNT", scope = ScopeType.INHERIT,
      description = "The KV mount (version 1 or 2) of --key-vault-path (default: secret).")
  @Nullable String keyVaultMount;

  @Option(names = "--key-vault-kv-version", paramLabel = "1|2", scope = ScopeType.INHERIT,
      description = "The KV version of --key-vault-mount, when Vault must not be asked (a token or proxy that refuses "
          + "sys/internal/ui/mounts). Default: asked of Vault.")
  @Nullable Integer keyVaultKvVersion;

  /** Read from Vault once per run: each read is a Vault round trip. */
  private @Nullable KeyProvider vaultKeys;

  /** Whether a store key is given at all: {@code --key-file}, {@code --key-vault-*} or {@code $ASTRA_VAULT_KEY}. */
  boolean given(CliContext ctx) {
    return keyFile != null || keyVaultPath != null || keyVaultMount != null || keyVaultKvVersion != null
        || ctx.env("ASTRA_VAULT_KEY") != null;
  }

  /** The store key, however given; a usage error naming what to set when none is. */
  KeyProvider keys(CliContext ctx, VaultOptions vault) {
    if (keyVaultMount != null && keyVaultPath == null) {
      throw CliException.usage("--key-vault-mount is the mount of --key-vault-path: give the secret's path too");
    }
    if (keyVaultKvVersion != null && keyVaultPath == null) {
      throw CliException.usage("--key-vault-kv-version is the KV version of --key-vault-path's mount: give the "
          + "secret's path too");
    }
    if (keyVaultPath != null) {
      if (keyFile != null) {
        throw CliException.usage("--key-file and --key-vault-path both name the store key: pass one of them");
      }
      if (vaultKeys == null) {
        vaultKeys = vaultKeys(ctx, vault, keyVaultPath);
      }
      return vaultKeys;
    }
    if (keyFile != null) {
      // Read here, as KeyProvider.fromFile reads it, so that a refusal names the option and is a usage error (the
      // library's is a failure); then its parser.
      String content = ctx.read(keyFile, "--key-file");
      try {
        return KeyProviders.fromFileContent(keyFile, content);
      } catch (IllegalArgumentException e) {
        throw CliException.usage("--key-file: " + e.getMessage());   // no key, or a key's position: never a value
      }
    }
    String fromEnv = ctx.env("ASTRA_VAULT_KEY");
    if (fromEnv != null) {
      // KeyProvider.fromEnv()'s format and parser, on the injected environment (tests give the CLI its own).
      try {
        return KeyProvider.fromBase64List(fromEnv);
      } catch (IllegalArgumentException e) {
        throw CliException.usage("ASTRA_VAULT_KEY: " + e.getMessage());   // a key's position, never its value
      }
    }
    throw CliException.usage("no store key: set ASTRA_VAULT_KEY or pass --key-file FILE or --key-vault-path "
        + "PATH (a key is 32 random bytes in base64: openssl rand -base64 32)");
  }

  /**
   * The keys at {@code --key-vault-path}, read by {@link VaultKeyProvider} as an application keyed from Vault reads
   * them. A path in a mount, as Spring Boot's {@code astra.vault.store.key-vault-path}, so that one value serves both.
   * Vault's address is {@code --vault-addr} or {@code $VAULT_ADDR} even with {@code --direct}: the store may be a SQL
   * one, and only its key is in Vault.
   */
  private KeyProvider vaultKeys(CliContext ctx, VaultOptions vault, String secretPath) {
    String mount = keyVaultMount != null ? keyVaultMount : "secret";
    KvPath path;
    try {
      // Checks the mount and path; the version is stated by --key-vault-kv-version or else asked of Vault.
      path = new KvPath(mount, secretPath, keyVaultKvVersion != null ? keyVaultKvVersion : 2);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--key-vault-path, --key-vault-mount or --key-vault-kv-version: " + e.getMessage());
    }
    String addr = vault.address(ctx);
    if (addr == null) {
      throw CliException.usage("--key-vault-path reads the store key from Vault: set VAULT_ADDR or pass "
          + "--vault-addr (with VAULT_TOKEN, ~/.vault-token or AppRole, as in Vault mode)");
    }
    VaultConfig config = vault.config(ctx, addr, null);
    try {
      return keyVaultKvVersion != null ? VaultKeyProvider.of(config, path, ctx.clock())
          : VaultKeyProvider.of(config, path.mount(), path.path(), ctx.clock());
    } catch (IllegalArgumentException e) {
      // A malformed key, or a key_id that does not match: the message names the path and key ids, never a key.
      throw CliException.usage(e.getMessage());
    } catch (VaultKeyException e) {
      // No secret at the path, no 'key' in it, or a mount that is not KV (of the stated version): what was typed is
      // wrong (exit 2). Vault not read: an operational failure (exit 1). A switch expression, so that a reason added
      // later must be placed here.
      boolean typed = switch (e.reason()) {
        case NO_SECRET, NO_KEY, WRONG_ENGINE -> true;
        case UNREADABLE -> false;
      };
      if (typed) {
        throw CliException.usage(e.getMessage() + " (--key-vault-path is the secret's path inside --key-vault-mount, "
            + "default secret" + (e.reason() == VaultKeyException.Reason.WRONG_ENGINE
                ? ", a KV version 1 or 2 mount)" : ")"));
      }
      throw e;
    }
  }
}

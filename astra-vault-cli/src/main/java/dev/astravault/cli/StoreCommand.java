package dev.astravault.cli;

import dev.astravault.LeaseStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code store}: the durable store's own upkeep. */
@Command(name = "store", mixinStandardHelpOptions = true,
    description = "The durable store's own upkeep: rotate-keys.",
    subcommands = {StoreCommand.RotateKeys.class})
final class StoreCommand {
  private StoreCommand() {}

  @Command(name = "rotate-keys", mixinStandardHelpOptions = true,
      description = {"Reseals every value not under the current store key (the first key of --key-file, "
          + "--key-vault-path or $ASTRA_VAULT_KEY): lease secrets and tags, root tokens, role tags. Each is resealed "
          + "only after its old seal opened, and only if unchanged since read, so managers may keep running.",
          "Prints how many values it resealed: run it until it prints 0, then drop the old key (docs/operations.md).",
          "The store of --store, or with --kv-prefix a Vault KV lease store (VaultKvLeaseStore), reached with Vault "
              + "mode's address and credentials.",
          "Exit code 1 if a value cannot be opened (it is named, every value is checked before any is written, so "
              + "nothing was resealed) or the store holds no keys."})
  static final class RotateKeys extends CliCommand {
    @Option(names = "--kv-prefix", paramLabel = "PATH",
        description = "Rotate the Vault KV lease store kept under this folder (its pathPrefix, e.g. "
            + "astra-vault/orders) instead of the SQL store.")
    @Nullable String kvPrefix;

    @Option(names = "--kv-mount", paramLabel = "PATH",
        description = "The Vault KV lease store's KV version 2 mount (default: secret).")
    @Nullable String kvMount;

    @Override
    int run() {
      LeaseStore store;
      if (kvPrefix != null) {
        store = root().vaultKvStore(kvMount == null ? "secret" : kvMount, kvPrefix);
      } else {
        if (kvMount != null) {
          throw CliException.usage("--kv-mount names a Vault KV lease store: give its folder with --kv-prefix too");
        }
        root().requireDirectMode("store rotate-keys", "Vault mode keeps only a secret-free cache of lease ids, "
            + "with no key; to rotate a Vault KV lease store, name it with --kv-prefix");
        store = root().store();
      }
      int resealed = store.rotateKeys();
      if (out().json()) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("resealed", resealed);
        out().printJson(view);
      } else {
        out().success("Resealed " + resealed + " value(s) under the current key"
            + (resealed == 0 ? ": nothing is left under an older key." : "; run again until it prints 0."));
      }
      return 0;
    }
  }
}

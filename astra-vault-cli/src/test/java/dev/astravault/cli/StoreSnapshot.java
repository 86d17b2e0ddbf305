package dev.astravault.cli;

import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.OrgConfig;
import dev.astravault.store.JdbcLeaseStore;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** What a store holds, as text (no secrets), to prove that a refused command changed nothing. */
final class StoreSnapshot {
  private StoreSnapshot() {}

  static String of(CliProcess cli, Path sqliteFile) {
    KeyProvider keys = KeyProvider.of(dev.astravault.EncryptionKey.fromBase64(cli.envValue("ASTRA_VAULT_KEY")));
    try (JdbcLeaseStore store = JdbcLeaseStore.sqlite(sqliteFile, keys)) {
      String orgs = store.orgs().stream()
          .map(o -> o.orgId() + "|" + o.logicalName() + "|" + o.url() + "|" + o.rootToken().hashCode())
          .sorted().collect(Collectors.joining("\n"));
      String roles = store.orgs().stream().map(OrgConfig::orgId).flatMap(id -> store.roles(id).stream())
          .map(Object::toString).sorted().collect(Collectors.joining("\n"));
      String leases = store.list("").stream().map(StoreSnapshot::lease).sorted().collect(Collectors.joining("\n"));
      return "orgs:\n" + orgs + "\nroles:\n" + roles + "\nleases:\n" + leases;
    }
  }

  private static String lease(LeaseRecord r) {
    return r.leaseId() + "|" + r.state() + "|v" + r.version() + "|" + r.clientId().orElse("-") + "|"
        + r.logicalName().orElse("-") + "|" + r.expiresAt() + "|" + r.metadata();
  }
}

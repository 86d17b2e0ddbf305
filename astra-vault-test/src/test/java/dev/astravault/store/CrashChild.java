package dev.astravault.store;

import dev.astravault.AstraToken;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.TokenManager;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * The victim of {@link CrashRecoveryTest}: issues and revokes tokens against a FakeAstra in the parent JVM, on a
 * SQLite store, forever, printing {@code OP <n>} after each operation, until the parent kills it with SIGKILL.
 * Arguments: FakeAstra URL, org id, root token, role id, SQLite file, seed. The key comes from ASTRA_VAULT_KEY.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) {
    OrgConfig org = OrgConfig.builder().orgId(args[1]).rootToken(args[2]).url(URI.create(args[0]))
        .logicalName("acme").build();
    LeaseStore store = JdbcLeaseStore.sqlite(Path.of(args[4]), KeyProvider.fromEnv());
    Random random = new Random(Long.parseLong(args[5]));
    try (TokenManager tokens = TokenManager.builder().org(org).leaseStore(store)
        .auditSink(e -> {}).callTimeout(Duration.ofMinutes(2)).sweepInterval(Duration.ZERO)
        .recoveryInterval(Duration.ZERO).build()) {
      tokens.writeRole(RoleSpec.builder().org("acme").name("reader").roleId(args[3])
          .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
      for (long n = 0; ; n++) {
        int op = random.nextInt(10);
        try {
          if (op < 4) {
            tokens.request().org("acme").role("reader").logicalName("name" + random.nextInt(6)).issue();
          } else if (op < 6) {
            AstraToken t = tokens.request().org("acme").role("reader").perRequest().issue();
            if (t.secret().isEmpty()) {
              throw new IllegalStateException("no secret");
            }
          } else if (op < 7) {
            // Expires within a second: recovery must revoke it after the crash.
            tokens.request().org("acme").role("reader").perRequest().ttl(Duration.ofMillis(500)).issue();
          } else {
            List<LeaseRecord> live = store.list("").stream().filter(r -> r.state() == LeaseState.ACTIVE).toList();
            if (!live.isEmpty()) {
              tokens.revoke(live.get(random.nextInt(live.size())).leaseId());
            }
          }
        } catch (TokenAlreadyExistsException expected) {
          // The triple is taken: fine.
        }
        System.out.println("OP " + n);
        System.out.flush();
      }
    }
  }
}

package dev.astravault.store;

import dev.astravault.AstraToken;
import dev.astravault.AstraVaultException;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.ManagedToken;
import dev.astravault.OrgConfig;
import dev.astravault.RenewalSettings;
import dev.astravault.RoleSpec;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * The victim of {@link CrashRecoveryTest}: runs the whole life of tokens against a FakeAstra in the parent JVM, on a
 * SQLite store, forever, until the parent kills it with SIGKILL. Arguments: FakeAstra URL, org id, root token, role
 * id, SQLite file, seed; the key comes from ASTRA_VAULT_KEY.
 *
 * <p>Protocol on stdout: {@code READY} once the classes are loaded (the parent starts the next child while the
 * current one runs, so JVM start-up is off the critical path); then, after the parent writes {@code GO} on stdin,
 * {@code BEGIN <kind>} before and {@code OP <n>} after each operation. Kinds: {@code issue} (unique),
 * {@code issue-per-request}, {@code issue-short} (a 200 ms lease for the sweeper), {@code renew}, {@code revoke},
 * {@code rotate} (the managed handle's rotation: issue, validate, and after a 50 ms overlap the old token's revoke on
 * the scheduler) and {@code sweep} (the expiry sweeper's pass over two leases issued expired just before it; the
 * background sweeper also runs every 250 ms).
 */
public final class CrashChild {
  static final List<String> KINDS = List.of("issue", "issue-per-request", "issue-short", "renew", "revoke", "rotate",
      "sweep");

  private CrashChild() {}

  public static void main(String[] args) throws IOException {
    warmUp();
    System.out.println("READY");
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    if (!"GO".equals(in.readLine())) {
      return; // the parent is done with us
    }
    OrgConfig org = OrgConfig.builder().orgId(args[1]).rootToken(args[2]).url(URI.create(args[0]))
        .logicalName("acme").build();
    LeaseStore store = JdbcLeaseStore.sqlite(Path.of(args[4]), KeyProvider.fromEnv());
    Random random = new Random(Long.parseLong(args[5]));
    try (TokenManager tokens = TokenManager.builder().org(org).leaseStore(store)
        .auditSink(e -> {}).callTimeout(Duration.ofMinutes(2)).sweepInterval(Duration.ofMillis(250))
        .recoveryInterval(Duration.ZERO).managedIoExecutor(Runnable::run).managedEventExecutor(Runnable::run)
        .build()) {
      tokens.writeRole(RoleSpec.builder().org("acme").name("reader").roleId(args[3])
          .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
      ManagedToken handle = tokens.manage(TokenRequest.forRole("reader").org("acme").logicalName("managed").build(),
          RenewalSettings.builder().rotationOverlap(Duration.ofMillis(50)).build());
      for (long n = 0; ; n++) {
        String kind = KINDS.get(random.nextInt(KINDS.size()));
        if (kind.equals("sweep")) {
          // Work for the sweeper: two leases that are expired by the time it runs.
          for (int i = 0; i < 2; i++) {
            tokens.request().org("acme").role("reader").perRequest().ttl(Duration.ofNanos(1)).issue();
          }
        }
        System.out.println("BEGIN " + kind);
        System.out.flush();
        try {
          run(kind, tokens, store, handle, random);
        } catch (TokenAlreadyExistsException expected) {
          // The triple is taken: fine.
        } catch (AstraVaultException | IllegalStateException contention) {
          // The lease expired or ended meanwhile (the background sweeper races the loop): logged, not fatal.
          System.out.println("ERR " + contention.getClass().getSimpleName());
        }
        System.out.println("OP " + n);
        System.out.flush();
      }
    }
  }

  private static void run(String kind, TokenManager tokens, LeaseStore store, ManagedToken handle, Random random) {
    switch (kind) {
      // Many names, so that most unique issues get as far as Astra instead of finding the triple taken.
      case "issue" -> tokens.request().org("acme").role("reader").logicalName("name" + random.nextInt(1000))
          .issue();
      case "issue-per-request" -> {
        AstraToken t = tokens.request().org("acme").role("reader").perRequest().issue();
        if (t.secret().isEmpty()) {
          throw new IllegalStateException("no secret");
        }
      }
      // Expires at once: the sweeper (or recovery, after the crash) must revoke it.
      case "issue-short" -> tokens.request().org("acme").role("reader").perRequest().ttl(Duration.ofMillis(200))
          .issue();
      case "renew" -> live(store, random).ifPresent(r -> tokens.renew(r.leaseId()));
      case "revoke" -> live(store, random).ifPresent(r -> tokens.revoke(r.leaseId()));
      case "rotate" -> handle.rotateNow();
      case "sweep" -> tokens.reapExpired();
      default -> throw new IllegalArgumentException(kind);
    }
  }

  /** A live lease not held by the managed handle (revoking that one would only make the handle issue again). */
  private static java.util.Optional<LeaseRecord> live(LeaseStore store, Random random) {
    List<LeaseRecord> live = store.list("").stream().filter(r -> r.state() == LeaseState.ACTIVE)
        .filter(r -> !r.logicalName().map("managed"::equals).orElse(false)).toList();
    return live.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(live.get(random.nextInt(live.size())));
  }

  /** Loads what the run needs, without touching the store or Astra. */
  private static void warmUp() {
    try {
      for (String name : List.of("org.sqlite.JDBC", "okhttp3.OkHttpClient", "com.squareup.moshi.Moshi",
          "dev.astravault.internal.RealTokenManager", "dev.astravault.internal.ManagedLease",
          "dev.astravault.internal.astra.OkHttpAstraDevOps", "dev.astravault.store.JdbcLeaseStore")) {
        Class.forName(name, true, CrashChild.class.getClassLoader());
      }
      new okhttp3.OkHttpClient.Builder().build();
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}

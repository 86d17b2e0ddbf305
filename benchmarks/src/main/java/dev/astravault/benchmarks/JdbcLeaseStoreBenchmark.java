package dev.astravault.benchmarks;

import dev.astravault.EncryptionKey;
import dev.astravault.IssueStyle;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.store.JdbcLeaseStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Lease inserts per second and compare-and-set renewals per second of {@link JdbcLeaseStore}, on a SQLite file (WAL,
 * {@code synchronous=FULL}) and on an embedded PostgreSQL, with secrets encrypted (AES-256-GCM) as in production.
 * {@code plainInsert} is the floor for {@code insertLease}: the same row (a ciphertext of the same length, computed
 * once) inserted by a plain prepared statement on a connection of its own, into the same table with the same indexes
 * and session settings, without the store.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar JdbcLeaseStoreBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class JdbcLeaseStoreBenchmark {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @Param({"sqlite", "postgresql"})
  public String database;

  JdbcLeaseStore store;
  private Connection raw;
  private PreparedStatement rawInsert;
  private Path dir;
  private EmbeddedPostgres postgres;
  final AtomicLong ids = new AtomicLong();

  @Setup(Level.Trial)
  public void open() throws IOException, SQLException {
    KeyProvider keys = KeyProvider.of(EncryptionKey.generate());
    if (database.equals("sqlite")) {
      dir = Files.createTempDirectory("av-bench");
      store = JdbcLeaseStore.sqlite(dir.resolve("leases.db"), keys);
      raw = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("leases.db"));
      try (Statement st = raw.createStatement()) {
        st.execute("PRAGMA busy_timeout = 10000");
        st.execute("PRAGMA synchronous = FULL");
      }
    } else {
      postgres = EmbeddedPostgres.builder().start();
      store = JdbcLeaseStore.builder().jdbcUrl(postgres.getJdbcUrl("postgres", "postgres"))
          .credentials("postgres", "postgres").keyProvider(keys).maxConnections(8).build();
      raw = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
    }
    rawInsert = raw.prepareStatement("INSERT INTO av_lease (lease_id, org_id, role_name, role_id, logical_name, "
        + "style, successor, state, client_id, secret_ct, key_id, generated_on, metadata, description, issued_at, "
        + "ttl_nanos, expires_at, max_expires_at, renewable, last_renewed_at, last_error, revoke_attempts, "
        + "state_changed_at, version) VALUES (?, 'org-1', 'reader', 'rid', NULL, 'PER_REQUEST', 0, 'ACTIVE', ?, ?, "
        + "'0123456789abcdef', ?, '{}', ?, ?, ?, ?, ?, 1, NULL, NULL, 0, NULL, 1)");
  }

  // What the store writes for a 100-character secret: "v1:<key id>:" + base64(nonce 12 + ciphertext 100 + tag 16).
  private static final String SECRET_CT = "v1:0123456789abcdef:" + "A".repeat(172);

  /** The floor: the same row by a plain prepared statement, no store in between. */
  @Benchmark
  public int plainInsert() throws SQLException {
    String leaseId = nextId();
    long t0 = T0.getEpochSecond() * 1_000_000_000L;
    rawInsert.setString(1, leaseId);
    rawInsert.setString(2, "raw" + leaseId.substring(leaseId.length() - 24));
    rawInsert.setString(3, SECRET_CT);
    rawInsert.setLong(4, t0);
    rawInsert.setString(5, "astra-vault lease=" + leaseId);
    rawInsert.setLong(6, t0);
    rawInsert.setLong(7, Duration.ofMinutes(30).toNanos());
    rawInsert.setLong(8, t0 + Duration.ofMinutes(30).toNanos());
    rawInsert.setLong(9, t0 + Duration.ofDays(1).toNanos());
    return rawInsert.executeUpdate();
  }

  @TearDown(Level.Trial)
  public void close() throws IOException, SQLException {
    rawInsert.close();
    raw.close();
    store.close();
    if (postgres != null) {
      postgres.close();
    }
  }

  static LeaseRecord active(String leaseId) {
    return LeaseRecord.builder().leaseId(leaseId).orgId("org-1").roleName("reader").roleId("rid")
        .style(IssueStyle.PER_REQUEST).state(LeaseState.ACTIVE).clientId(leaseId.substring(leaseId.length() - 24))
        .token("AstraCS:abcdefghijklmnopqrstuvwx:" + "ab".repeat(32)).secret("s".repeat(100)).generatedOn(T0)
        .description("astra-vault lease=" + leaseId).issuedAt(T0).ttl(Duration.ofMinutes(30))
        .expiresAt(T0.plusSeconds(1800)).maxExpiresAt(T0.plusSeconds(86400)).build();
  }

  String nextId() {
    return String.format("astra/org-1/reader/%024d", ids.incrementAndGet());
  }

  /** One new ACTIVE lease with an encrypted secret. */
  @Benchmark
  public void insertLease() {
    store.insert(active(nextId()));
  }

  /** A compare-and-set renewal (version n → n + 1, new expiry), as {@code TokenManager.renew} does. */
  @Benchmark
  public boolean casRenewal(Renewer renewer) {
    LeaseRecord next = renewer.current.next().expiresAt(renewer.current.expiresAt().plusSeconds(1))
        .lastRenewedAt(T0).build();
    boolean ok = store.compareAndSet(renewer.current, next);
    renewer.current = next;
    return ok;
  }

  /** Per-thread state: a lease of this thread's own. */
  @State(Scope.Thread)
  public static class Renewer {
    LeaseRecord current;

    @Setup(Level.Iteration)
    public void insert(JdbcLeaseStoreBenchmark bench) {
      current = active(bench.nextId());
      bench.store.insert(current);
    }
  }
}

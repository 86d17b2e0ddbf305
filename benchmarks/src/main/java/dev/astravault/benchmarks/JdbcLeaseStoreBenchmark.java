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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
 * {@code plainInsert} is the floor for {@code insertLease}: the same row (the ciphertext and key id the store wrote
 * for a lease of the same shape, read back once) inserted by one reused prepared statement on a connection of its
 * own (for SQLite, in a file of its own), into the same table with the same indexes, the same session settings and
 * the same driver settings (for SQLite: no generated-key query), without the store. {@code sideBySide} runs the two
 * at the same time, one thread each: the ratio to trust on a shared machine.
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
      // The plain side writes a file of its own (same schema, made by the same migrations), so that the two can run
      // side by side without waiting for each other's write lock.
      JdbcLeaseStore.sqlite(dir.resolve("plain.db"), keys).close();
      Properties driver = new Properties();
      driver.setProperty("jdbc.get_generated_keys", "false"); // as the store sets it
      raw = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("plain.db"), driver);
      try (Statement st = raw.createStatement()) {
        st.execute("PRAGMA busy_timeout = 10000");
        st.execute("PRAGMA synchronous = FULL");
        st.execute("PRAGMA foreign_keys = ON");
      }
    } else {
      postgres = EmbeddedPostgres.builder().start();
      store = JdbcLeaseStore.builder().jdbcUrl(postgres.getJdbcUrl("postgres", "postgres"))
          .credentials("postgres", "postgres").keyProvider(keys).maxConnections(8).build();
      raw = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
    }
    // The sealed token and secret, and the key id, exactly as the store writes them for a lease of this shape
    // (id 0: nextId() starts at 1).
    store.insert(active(String.format("astra/org-1/reader/%024d", 0)));
    try (Connection c = database.equals("sqlite")
            ? DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("leases.db"))
            : DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT secret_ct, key_id FROM av_lease")) {
      rs.next();
      secretCt = rs.getString(1);
      keyId = rs.getString(2);
    }
    rawInsert = raw.prepareStatement("INSERT INTO av_lease (lease_id, org_id, role_name, role_id, logical_name, "
        + "style, successor, state, client_id, secret_ct, key_id, generated_on, metadata, description, issued_at, "
        + "ttl_nanos, expires_at, max_expires_at, renewable, last_renewed_at, last_error, revoke_attempts, "
        + "state_changed_at, version) VALUES (?, 'org-1', 'reader', 'rid', NULL, 'PER_REQUEST', 0, 'ACTIVE', ?, ?, "
        + "?, ?, '{}', ?, ?, ?, ?, ?, 1, NULL, NULL, 0, NULL, 1)");
  }

  private String secretCt;
  private String keyId;

  /** The floor: the same row by a plain prepared statement, no store in between. */
  @Benchmark
  public int plainInsert() throws SQLException {
    String leaseId = nextId();
    long t0 = T0.getEpochSecond() * 1_000_000_000L;
    rawInsert.setString(1, leaseId);
    rawInsert.setString(2, leaseId.substring(leaseId.length() - 24));
    rawInsert.setString(3, secretCt);
    rawInsert.setString(4, keyId);
    rawInsert.setLong(5, t0);
    rawInsert.setString(6, "astra-vault lease=" + leaseId);
    rawInsert.setLong(7, t0);
    rawInsert.setLong(8, Duration.ofMinutes(30).toNanos());
    rawInsert.setLong(9, t0 + Duration.ofMinutes(30).toNanos());
    rawInsert.setLong(10, t0 + Duration.ofDays(1).toNanos());
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

  /**
   * {@code insertLease} and {@code plainInsert} at the same time, one thread each, so that both see the same disk
   * and CPU at every moment: run one after the other, a 2 s iteration of either can meet an fsync latency several
   * times that of the other's on a shared disk, and their ratio measures the disk.
   */
  @Benchmark
  @Group("sideBySide")
  @GroupThreads(1)
  public void pairedInsertLease() {
    insertLease();
  }

  /** The plain side of {@link #pairedInsertLease}. */
  @Benchmark
  @Group("sideBySide")
  @GroupThreads(1)
  public int pairedPlainInsert() throws SQLException {
    return plainInsert();
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

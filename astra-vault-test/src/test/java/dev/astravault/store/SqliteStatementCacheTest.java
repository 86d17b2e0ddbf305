package dev.astravault.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.EncryptionKey;
import dev.astravault.IssueStyle;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.StoreException;
import dev.astravault.internal.store.Connections;
import dev.astravault.internal.store.JdbcCalls;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConnection;

/**
 * The single SQLite connection's prepared-statement cache (issue 15): statements are reused, but never one whose work
 * failed, never one of a replaced connection, never after close, never with a previous call's parameters, and a
 * cached query never pins an old snapshot of the file.
 */
class SqliteStatementCacheTest {
  private static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.generate());
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final String SELECT = "SELECT v FROM t WHERE k = ?";

  @TempDir
  Path dir;

  private Connections connections;

  @BeforeEach
  void open() throws SQLException {
    connections = Connections.single("jdbc:sqlite:" + dir.resolve("cache.db"), new Properties(),
        List.of("PRAGMA busy_timeout = 1000"), () -> { }, () -> { });
    connections.with(c -> c.createStatement().executeUpdate("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"));
  }

  @AfterEach
  void close() {
    connections.close();
  }

  private int insert(int k, String v) throws SQLException {
    return connections.prepared("INSERT INTO t (k, v) VALUES (?, ?)", ps -> {
      ps.setInt(1, k);
      ps.setString(2, v);
      return ps.executeUpdate();
    });
  }

  private String select(int k) throws SQLException {
    return connections.prepared(SELECT, ps -> {
      ps.setInt(1, k);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    });
  }

  private PreparedStatement statementOf(String sql) throws SQLException {
    return connections.prepared(sql, ps -> ps);
  }

  @Test
  void aStatementIsPreparedOnceAndReused() throws SQLException {
    PreparedStatement first = statementOf(SELECT);
    insert(1, "a");
    assertThat(select(1)).isEqualTo("a");
    assertThat(statementOf(SELECT)).isSameAs(first);
    assertThat(first.isClosed()).isFalse();
  }

  @Test
  void parametersOfThePreviousCallAreCleared() throws SQLException {
    insert(1, "a");
    // Binds only the value: the key of the call before must not be reused (SQLite binds NULL instead, and
    // INTEGER PRIMARY KEY turns NULL into a new rowid).
    connections.prepared("INSERT INTO t (k, v) VALUES (?, ?)", ps -> {
      ps.setString(2, "b");
      return ps.executeUpdate();
    });
    assertThat(select(1)).isEqualTo("a");
    int others = connections.with(c -> {
      try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM t WHERE v = 'b' AND k <> 1")) {
        rs.next();
        return rs.getInt(1);
      }
    });
    assertThat(others).isEqualTo(1);
  }

  @Test
  void aStatementWhoseWorkFailedIsClosedAndReplaced() throws SQLException {
    insert(1, "a");
    PreparedStatement before = statementOf("INSERT INTO t (k, v) VALUES (?, ?)");
    assertThatThrownBy(() -> insert(1, "duplicate")).isInstanceOf(SQLException.class);
    assertThat(before.isClosed()).isTrue();
    assertThat(insert(2, "b")).isEqualTo(1);
    assertThat(statementOf("INSERT INTO t (k, v) VALUES (?, ?)")).isNotSameAs(before);

    PreparedStatement query = statementOf(SELECT);
    assertThatThrownBy(() -> connections.prepared(SELECT, ps -> {
      throw new IllegalStateException("work failed");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(query.isClosed()).isTrue();
    assertThat(select(2)).isEqualTo("b");
  }

  @Test
  void aStatementClosedByItsWorkIsPreparedAgain() throws SQLException {
    connections.prepared(SELECT, ps -> {
      ps.close();
      return null;
    });
    insert(1, "a");
    assertThat(select(1)).isEqualTo("a");
  }

  @Test
  void aReplacedConnectionTakesItsStatementsWithIt() throws SQLException {
    insert(1, "a");
    PreparedStatement old = statementOf(SELECT);
    Connection first = connections.with(c -> c);
    first.close(); // as if the driver had lost it
    assertThat(select(1)).isEqualTo("a");
    Connection second = connections.with(c -> c);
    assertThat(second).isNotSameAs(first);
    PreparedStatement fresh = statementOf(SELECT);
    assertThat(fresh).isNotSameAs(old);
    assertThat(fresh.getConnection()).isSameAs(second);
  }

  @Test
  void closingReleasesEveryCachedStatementAndRefusesWork() throws SQLException {
    insert(1, "a");
    PreparedStatement query = statementOf(SELECT);
    PreparedStatement write = statementOf("INSERT INTO t (k, v) VALUES (?, ?)");
    connections.close();
    assertThat(query.isClosed()).isTrue();
    assertThat(write.isClosed()).isTrue();
    assertThatThrownBy(() -> select(1)).isInstanceOf(StoreException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> connections.with(c -> c)).isInstanceOf(StoreException.class);
  }

  @Test
  void aCachedQuerySeesWritesOfOtherConnections() throws Exception {
    assertThat(select(1)).isNull();
    Connections other = Connections.single("jdbc:sqlite:" + dir.resolve("cache.db"), new Properties(),
        List.of("PRAGMA busy_timeout = 1000"), () -> { }, () -> { });
    try {
      other.prepared("INSERT INTO t (k, v) VALUES (?, ?)", ps -> {
        ps.setInt(1, 1);
        ps.setString(2, "from the other");
        return ps.executeUpdate();
      });
      // A query left unreset would hold its read transaction and still see no row.
      assertThat(select(1)).isEqualTo("from the other");
    } finally {
      other.close();
    }
  }

  // ------------------------------------------------------------------ through the store

  private static LeaseRecord lease(String id, IssueStyle style) {
    LeaseRecord.Builder b = LeaseRecord.builder().leaseId(id).orgId("org-1").roleName("reader").roleId("rid")
        .style(style).state(LeaseState.ACTIVE).clientId("client-" + id).token("AstraCS:client-" + id + ":"
            + "ab".repeat(32)).secret("s".repeat(40)).generatedOn(T0).description("lease " + id).issuedAt(T0)
        .ttl(Duration.ofMinutes(30)).expiresAt(T0.plusSeconds(1800)).maxExpiresAt(T0.plusSeconds(86400));
    if (style == IssueStyle.UNIQUE) {
      b.logicalName("app");
    }
    return b.build();
  }

  @Test
  void theStoreKeepsItsTypedErrorsAndWorksOnAfterThem() {
    try (JdbcLeaseStore store = JdbcLeaseStore.sqlite(dir.resolve("leases.db"), KEYS)) {
      LeaseRecord a = lease("a", IssueStyle.UNIQUE);
      store.insert(a);
      assertThatThrownBy(() -> store.insert(a)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already stored");
      assertThatThrownBy(() -> store.insert(lease("b", IssueStyle.UNIQUE)))
          .isInstanceOf(dev.astravault.TokenAlreadyExistsException.class);
      LeaseRecord c = lease("c", IssueStyle.PER_REQUEST);
      store.insert(c);
      LeaseRecord renewed = c.next().expiresAt(T0.plusSeconds(3600)).build();
      assertThat(store.compareAndSet(c, renewed)).isTrue();
      assertThat(store.compareAndSet(c, renewed)).isFalse(); // stale version: no row
      assertThat(store.get("c")).hasValueSatisfying(r -> {
        assertThat(r.version()).isEqualTo(renewed.version());
        assertThat(r.expiresAt()).isEqualTo(T0.plusSeconds(3600));
        assertThat(r.secret()).contains("s".repeat(40));
      });
      assertThat(store.get("b")).isEmpty();
    }
  }

  @Test
  void aClosedStoreRefusesWork() {
    JdbcLeaseStore store = JdbcLeaseStore.sqlite(dir.resolve("leases.db"), KEYS);
    store.insert(lease("a", IssueStyle.PER_REQUEST));
    assertThat(store.get("a")).isPresent();
    store.close();
    assertThatThrownBy(() -> store.get("a")).isInstanceOf(StoreException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> store.insert(lease("b", IssueStyle.PER_REQUEST))).isInstanceOf(StoreException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void theStoreTurnsOffSqliteJdbcsGeneratedKeyQuery() throws Exception {
    try (JdbcLeaseStore store = JdbcLeaseStore.sqlite(dir.resolve("leases.db"), KEYS)) {
      // The store's connection is private by design; the test reaches it to check the driver setting.
      java.lang.reflect.Field field = JdbcLeaseStore.class.getDeclaredField("db");
      field.setAccessible(true);
      Connections own = ((JdbcCalls) field.get(store)).connections();
      boolean storeKeys = own.with(c -> c.unwrap(SQLiteConnection.class).getConnectionConfig().isGetGeneratedKeys());
      boolean driverDefault = connections.with(c -> c.unwrap(SQLiteConnection.class).getConnectionConfig()
          .isGetGeneratedKeys());
      assertThat(storeKeys).isFalse();
      assertThat(driverDefault).as("the driver's default, for contrast").isTrue();
    }
  }

  @Test
  void concurrentCallersShareTheCacheSafely() throws Exception {
    try (JdbcLeaseStore store = JdbcLeaseStore.sqlite(dir.resolve("leases.db"), KEYS)) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int thread = t;
          done.add(pool.submit(() -> {
            for (int i = 0; i < 50; i++) {
              String id = "t" + thread + "-" + i;
              store.insert(lease(id, IssueStyle.PER_REQUEST));
              assertThat(store.get(id)).hasValueSatisfying(r -> assertThat(r.clientId()).contains("client-" + id));
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(store.list("")).hasSize(200);
    }
  }
}

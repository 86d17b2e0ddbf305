package dev.astravault.store;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseStore;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKvLeaseStore;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteDataSource;

/**
 * The three durable stores the rewritten- and unreadable-row tests run on, opened by kind ({@code sqlite},
 * {@code postgres}, {@code vault-kv}), and what someone with write access to them but no key does: SQL against the
 * database, or a write of one Vault KV entry.
 */
final class DurableStores {
  private final Path dir;
  private final FakeVault vault;
  private final String name;
  private @Nullable String pgUrl;

  /** Stores in {@code dir} (SQLite), a fresh PostgreSQL database and a Vault KV folder, named after {@code name}. */
  DurableStores(Path dir, FakeVault vault, String name) {
    this.dir = dir;
    this.vault = vault;
    this.name = name;
  }

  LeaseStore open(String kind, KeyProvider keys) {
    return switch (kind) {
      case "sqlite" -> JdbcLeaseStore.sqlite(dir.resolve("leases.db"), keys);
      case "postgres" -> JdbcLeaseStore.builder().jdbcUrl(pgUrl()).credentials("postgres", "postgres")
          .keyProvider(keys).build();
      case "vault-kv" -> VaultKvLeaseStore.builder(VaultConfig.of(URI.create(vault.address()),
          VaultAuth.token(vault.rootToken()))).mount("secret").pathPrefix(kvFolder()).keyProvider(keys).build();
      default -> throw new IllegalArgumentException(kind);
    };
  }

  /** Runs {@code sql} on a JDBC kind's database, outside the store. */
  void sql(String kind, String sql) throws SQLException {
    try (Connection c = connect(kind); Statement s = c.createStatement()) {
      s.executeUpdate(sql);
    }
  }

  private Connection connect(String kind) throws SQLException {
    return kind.equals("sqlite") ? DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("leases.db"))
        : DriverManager.getConnection(pgUrl(), "postgres", "postgres");
  }

  /** A caller-owned DataSource on a JDBC kind's database (for a store built with it). */
  DataSource dataSource(String kind) {
    if (kind.equals("sqlite")) {
      SQLiteDataSource ds = new SQLiteDataSource();
      ds.setUrl("jdbc:sqlite:" + dir.resolve("leases.db"));
      return ds;
    }
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(pgUrl());
    ds.setUser("postgres");
    ds.setPassword("postgres");
    return ds;
  }

  /** The first column of {@code query}'s rows on a JDBC kind's database, read outside the store. */
  List<String> column(String kind, String query) throws SQLException {
    try (Connection c = connect(kind); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    }
  }

  /** Sets {@code fields} of the Vault KV store's first lease entry, outside the store. */
  void rewriteKvLease(Map<String, Object> fields) {
    String prefix = "secret/" + kvFolder() + "/leases/";
    String path = vault.kvKeys("secret").stream().map(k -> "secret/" + k)
        .filter(k -> k.startsWith(prefix)).findFirst().orElseThrow();
    Map<String, Object> data = new LinkedHashMap<>(vault.kv(path).orElseThrow());
    data.putAll(fields);
    vault.putKv(path, data);
  }

  /** Sends the durable stores' log events to {@code logs} (or stops, with {@code on} false). */
  static void captureLogs(ListAppender<ILoggingEvent> logs, boolean on) {
    for (Class<?> store : List.of(JdbcLeaseStore.class, VaultKvLeaseStore.class)) {
      Logger logger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(store.getName());
      if (on) {
        logger.addAppender(logs);
      } else {
        logger.detachAppender(logs);
      }
    }
  }

  private String pgUrl() {
    if (pgUrl == null) {
      pgUrl = EmbeddedPg.newDatabase(name);
    }
    return pgUrl;
  }

  private String kvFolder() {
    return "apps/" + name + "-" + dir.getFileName();
  }
}

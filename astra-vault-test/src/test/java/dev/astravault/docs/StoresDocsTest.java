package dev.astravault.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.TokenManager;
import dev.astravault.store.JdbcLeaseStore;
import dev.astravault.test.FakeAstra;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/stores.md's snippet, as written: in a JVM of its own, since it reads ASTRA_VAULT_KEY from the environment. The
 * fleet's pool is HikariCP on an SQLite file here (PostgreSQL in production; the store's own suites run both).
 */
class StoresDocsTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @TempDir Path dir;

  /** args: the data directory, the secrets directory, the fleet's database file, then the fake's org. */
  public static void main(String[] args) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:sqlite:" + args[2]);
    try (HikariDataSource hikari = new HikariDataSource(config)) {
      Stores stores = stores(Path.of(args[0]), Path.of(args[1]), hikari);
      try (TokenManager tokens = stores.tokens()) {
        tokens.writeOrg(OrgConfig.builder().orgId(args[3]).rootToken(args[4]).url(URI.create(args[5]))
            .logicalName("prod").build());
        tokens.syncRoles("prod");
        tokens.request().org("prod").role("api_ro_user").logicalName("orders").issue();
        System.out.println("one host: " + stores.store().list("").size() + ", fleet: "
            + stores.shared().list("").size());
      }
    }
    System.exit(0);
  }

  record Stores(LeaseStore store, LeaseStore shared, TokenManager tokens) {}

  static Stores stores(Path data, Path secrets, DataSource hikari) {
    // docs:begin stores
    // One host: a file, WAL mode, secrets encrypted under ASTRA_VAULT_KEY.
    LeaseStore store = JdbcLeaseStore.builder()
        .sqliteFile(data.resolve("astra-vault.db"))               // data: e.g. /var/lib/orders
        .keyProvider(KeyProvider.fromEnv())
        .build();
    // A fleet: your pooled DataSource (HikariCP or similar), or a JDBC URL (a HikariCP pool the store owns).
    LeaseStore shared = JdbcLeaseStore.builder()
        .dataSource(hikari)                       // or .jdbcUrl("jdbc:postgresql://db/astra").credentials(user, pw)
        .keyProvider(KeyProvider.fromFile(secrets.resolve("astra-vault.key")))   // secrets: e.g. /run/secrets
        .build();
    TokenManager tokens = TokenManager.builder().leaseStore(shared).build();
    // docs:end stores
    return new Stores(store, shared, tokens);
  }

  @Test
  void aFileForOneHostAPoolForAFleet() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path secrets = Files.createDirectories(dir.resolve("secrets"));
    Files.writeString(secrets.resolve("astra-vault.key"), Docs.newKey(2) + "\n");
    Files.setPosixFilePermissions(secrets.resolve("astra-vault.key"), PosixFilePermissions.fromString("rw-------"));

    String out = Docs.runInOwnJvm(StoresDocsTest.class, Map.of("ASTRA_VAULT_KEY", Docs.newKey(1)),
        data.toString(), secrets.toString(), dir.resolve("fleet.db").toString(), astra.defaultOrg().orgId(),
        astra.defaultOrg().rootToken(), astra.url().toString());
    assertThat(out).contains("one host: 0, fleet: 1");
    assertThat(data.resolve("astra-vault.db")).isRegularFile();
  }
}

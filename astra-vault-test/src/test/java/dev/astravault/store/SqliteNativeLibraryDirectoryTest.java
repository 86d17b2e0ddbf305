package dev.astravault.store;

import static dev.astravault.store.SqlitePathTrustTest.mkdir;
import static dev.astravault.store.SqlitePathTrustTest.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.StoreException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sqlite-jdbc 3.54.1.0 unpacks its native library into {@code org.sqlite.tmpdir} (default {@code java.io.tmpdir})
 * under a random name, created {@code O_EXCL} and {@code 0600}, then made {@code 0700}, compared with the jar's copy
 * and loaded by path ({@code SQLiteJDBCLoader}). A sticky {@code /tmp} is safe: others can neither take the name first
 * nor replace the file. A directory others can rename in is not: the SQLite store refuses it before opening, as it
 * refuses such a directory above the database. The property is read at each open, so setting it here is enough
 * (the library itself was unpacked once, by the first SQLite test of this JVM).
 */
class SqliteNativeLibraryDirectoryTest {
  @TempDir Path dir;
  @Nullable String saved;

  @BeforeEach
  void save() {
    saved = System.getProperty("org.sqlite.tmpdir");
  }

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty("org.sqlite.tmpdir");
    } else {
      System.setProperty("org.sqlite.tmpdir", saved);
    }
  }

  @Test
  void anUnpackDirectoryOthersCanRenameInIsRefusedAndAStickyOneIsNot() throws Exception {
    Path db = mkdir(dir.resolve("db"), 0700).resolve("leases.db");
    Path unpack = mkdir(dir.resolve("unpack"), 0777);
    System.setProperty("org.sqlite.tmpdir", unpack.toString());
    assertThatThrownBy(() -> open(db)).isInstanceOf(StoreException.class)
        .hasMessageContaining("directory " + unpack).hasMessageContaining("writable by all users")
        .hasMessageContaining("sqlite-jdbc's native library").hasMessageContaining("org.sqlite.tmpdir");
    assertThat(db).doesNotExist();
    mkdir(unpack, 01777);
    try (JdbcLeaseStore store = open(db)) {
      assertThat(store.list("")).isEmpty();
    }
  }
}

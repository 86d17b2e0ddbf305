package dev.astravault.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite opens its database by path, after {@link SqliteFiles} checked it: a file swapped in between (by someone who
 * can rename in a group-writable directory) is refused once SQLite has opened it, before anything is read from or
 * written to it. The race is entered through the connection's own before-open hook.
 */
class SqliteFilesReplacedTest {
  @TempDir Path dir;

  @Test
  void aDatabaseFileReplacedBetweenItsCheckAndItsOpenIsRefusedAndNotUsed() throws Exception {
    Path db = dir.resolve("leases.db");
    Path theirs = Files.writeString(dir.resolve("theirs.db"), "");   // an empty file is an empty SQLite database
    SqliteFiles.Guard guard = new SqliteFiles.Guard(db);
    Connections swapped = Connections.single("jdbc:sqlite:" + db, new Properties(), List.of(), () -> {
      guard.check();
      move(theirs, db);
    }, guard::confirm);
    assertThatThrownBy(() -> swapped.with(c -> c.createStatement().execute("CREATE TABLE t (x)")))
        .isInstanceOf(StoreException.class).hasMessageContaining("SQLite file " + db.toAbsolutePath())
        .hasMessageContaining("replaced between its check and its open");
    assertThat(Files.size(db)).isZero();   // nothing was written to their file
    swapped.close();

    // Checked again at the next open, the file now there is the one opened.
    Connections next = Connections.single("jdbc:sqlite:" + db, new Properties(), List.of(), guard::check,
        guard::confirm);
    boolean resultSet = next.with(c -> c.createStatement().execute("CREATE TABLE t (x)"));
    assertThat(resultSet).isFalse();
    next.close();
  }

  private static void move(Path from, Path to) {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}

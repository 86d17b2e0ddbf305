package dev.astravault.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The directories above a SQLite store's own one count too: if one of them lets another user rename what is in it,
 * that user can move the store's directory away and put one of theirs, with their database, in its place. So can the
 * owner of an existing database file rewrite its rows (roll a lease back, delete one so its token is never revoked).
 * Both are refused before the store opens, with a {@link StoreException} naming what to fix; a group-writable
 * directory is a WARN of {@code PathTrust}.
 */
class SqlitePathTrustTest {
  static final int OTHER_UID = 65534;

  @TempDir Path dir;

  static Path mkdir(Path p, int mode) throws IOException {
    Files.createDirectories(p);
    Files.setAttribute(p, "unix:mode", mode);
    return p;
  }

  static JdbcLeaseStore open(Path db) {
    return JdbcLeaseStore.builder().sqliteFile(db).metadataOnly().build();
  }

  @Test
  void aWorldWritableGrandparentIsRefusedButAStickyOneIsNot() throws Exception {
    Path srv = mkdir(dir.resolve("srv"), 0777);
    Path db = mkdir(srv.resolve("app"), 0700).resolve("leases.db");
    assertThatThrownBy(() -> open(db)).isInstanceOf(StoreException.class)
        .hasMessageContaining("directory " + srv).hasMessageContaining("writable by all users")
        .hasMessageContaining("chmod o-w");
    assertThat(db).doesNotExist();
    Files.setAttribute(srv, "unix:mode", 01777);
    try (JdbcLeaseStore store = open(db)) {
      assertThat(store.list("")).isEmpty();
    }
  }

  @Test
  void aLinkedDirectoryWhoseTargetsParentIsWorldWritableIsRefused() throws Exception {
    Path target = mkdir(mkdir(dir.resolve("open"), 0777).resolve("data"), 0700);
    Path link = Files.createSymbolicLink(mkdir(dir.resolve("etc"), 0755).resolve("app"), target);
    assertThatThrownBy(() -> open(link.resolve("leases.db"))).isInstanceOf(StoreException.class)
        .hasMessageContaining("directory " + dir.resolve("open")).hasMessageContaining("writable by all users");
    assertThat(target.resolve("leases.db")).doesNotExist();
  }

  @Test
  void aGroupWritableGrandparentIsUsedWithAWarning() throws Exception {
    Logger log = ((LoggerContext) LoggerFactory.getILoggerFactory())
        .getLogger("dev.astravault.internal.files.PathTrust");
    ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    warnings.start();
    log.addAppender(warnings);
    try {
      Path team = mkdir(dir.resolve("team"), 0775);
      Path db = mkdir(team.resolve("app"), 0700).resolve("leases.db");
      open(db).close();
      assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage)
          .allSatisfy(m -> assertThat(m).contains("directory " + team).contains("writable by its group"))
          .isNotEmpty();
    } finally {
      log.detachAppender(warnings);
    }
  }

  /** Needs another user's file, which only root can make; the build runs as root here. */
  @Test
  void aDatabaseFileOfAnotherUserIsRefusedAndLeftAlone() throws Exception {
    Path db = dir.resolve("leases.db");
    open(db).close();
    byte[] before = Files.readAllBytes(db);
    assumeTrue("root".equals(System.getProperty("user.name")), "giving a file to another user takes root");
    Files.setAttribute(db, "unix:uid", OTHER_UID, LinkOption.NOFOLLOW_LINKS);
    assertThatThrownBy(() -> open(db)).isInstanceOf(StoreException.class)
        .hasMessageContaining("SQLite file " + db).hasMessageContaining("belongs to uid " + OTHER_UID)
        .hasMessageContaining("chown");
    assertThat(Files.readAllBytes(db)).isEqualTo(before);
  }
}

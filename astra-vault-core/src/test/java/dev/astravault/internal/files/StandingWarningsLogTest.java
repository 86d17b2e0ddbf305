package dev.astravault.internal.files;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.EncryptionKey;
import dev.astravault.StoreException;
import dev.astravault.internal.crypto.KeyProviders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A standing setup is warned about once per process, then at DEBUG: {@link PathTrust} and {@link FileModes} run at
 * every SQLite open, audit rotation and login, and a deliberate group-writable volume must not flood the log. The
 * process's memory is shared by every test in this JVM: each test here warns about paths of its own temp directory.
 */
class StandingWarningsLogTest {
  @TempDir Path dir;

  final ListAppender<ILoggingEvent> events = new ListAppender<>();
  final List<Logger> loggers = new ArrayList<>();
  final List<Level> levels = new ArrayList<>();

  @BeforeEach
  void captureDebugToo() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    events.start();
    for (Class<?> owner : List.of(PathTrust.class, FileModes.class)) {
      Logger logger = context.getLogger(owner.getName());
      loggers.add(logger);
      levels.add(logger.getLevel());
      logger.setLevel(Level.DEBUG);
      logger.addAppender(events);
    }
  }

  @AfterEach
  void release() {
    for (int i = 0; i < loggers.size(); i++) {
      loggers.get(i).detachAppender(events);
      loggers.get(i).setLevel(levels.get(i));
    }
  }

  static Path mkdir(Path p, int mode) throws IOException {
    Files.createDirectories(p);
    Files.setAttribute(p, "unix:mode", mode);
    return p;
  }

  static void privateFile(Path file) throws IOException {
    FileModes.privateFile(file, "SQLite file", StoreException::new);
  }

  List<String> said(Level level) {
    return events.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void aGroupWritableDirectoryIsWarnedAboutOnceThenAtDebug() throws Exception {
    Path team = mkdir(dir.resolve("team"), 0775);
    Path app = mkdir(team.resolve("app"), 0700);
    for (int i = 0; i < 5; i++) {
      privateFile(app.resolve("leases.db"));   // as each SQLite connection opens
    }
    privateFile(app.resolve("audit.jsonl"));   // another file under it: the same directory, the same warning
    assertThat(said(Level.WARN)).singleElement()
        .satisfies(m -> assertThat(m).contains("directory " + team).contains("writable by its group"));
    assertThat(said(Level.DEBUG)).hasSize(5).allSatisfy(m -> assertThat(m).contains("directory " + team));

    Path other = mkdir(dir.resolve("other"), 0775);
    privateFile(other.resolve("leases.db"));
    assertThat(said(Level.WARN)).hasSize(2).last()
        .satisfies(m -> assertThat(m).contains("directory " + other).contains("writable by its group"));
  }

  @Test
  void aKeyFileOthersCanReadIsWarnedAboutOnceThenAtDebug() throws Exception {
    Path key = Files.writeString(dir.resolve("open.key"), EncryptionKey.generate().toBase64() + "\n");
    Files.setAttribute(key, "unix:mode", 0644);
    for (int i = 0; i < 3; i++) {
      KeyProviders.fromFile(key);
    }
    assertThat(said(Level.WARN)).singleElement()
        .satisfies(m -> assertThat(m).contains("key file " + key).contains("rw-r--r--").contains("chmod 600"));
    assertThat(said(Level.DEBUG)).hasSize(2);
  }

  /** One path, two reasons (group-writable, open to others), each said once; a new mode is a new reason. */
  @Test
  void aDifferentReasonForTheSamePathIsWarnedAboutAgain() throws Exception {
    Path shared = mkdir(dir.resolve("shared"), 0775);
    FileModes.privateDirectories(shared, StoreException::new);
    FileModes.privateDirectories(shared, StoreException::new);
    assertThat(said(Level.WARN)).hasSize(2)
        .anySatisfy(m -> assertThat(m).contains("directory " + shared).contains("writable by its group"))
        .anySatisfy(m -> assertThat(m).contains("directory " + shared).contains("rwxrwxr-x"));
    assertThat(said(Level.DEBUG)).hasSize(2);

    Files.setAttribute(shared, "unix:mode", 0755);
    FileModes.privateDirectories(shared, StoreException::new);
    assertThat(said(Level.WARN)).hasSize(3).last()
        .satisfies(m -> assertThat(m).contains("directory " + shared).contains("rwxr-xr-x"));
  }
}

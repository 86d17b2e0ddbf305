package dev.astravault.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.EncryptionKey;
import dev.astravault.IssueStyle;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.StoreException;
import dev.astravault.audit.JsonLinesAuditSink;
import dev.astravault.event.OrgConfigDeleted;
import dev.astravault.internal.SystemActorProvider;
import dev.astravault.internal.files.FileModes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The files and directories the library creates are 0600 and 0700 whatever the umask: a fresh SQLite store (with its
 * -wal and -shm files, and its directory), a fresh audit log (its directories, the file, the file after a rotation).
 * An existing file or directory open to others is used with a warning. The CLI home has its own test in the CLI.
 * (Under the build's usual umask 022, a file or directory nobody restricts is rw-r--r-- or rwxr-xr-x.)
 */
class FileModesTest {
  @TempDir Path dir;

  final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
  Logger fileModes;

  @BeforeEach
  void captureWarnings() {
    fileModes = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(FileModes.class.getName());
    warnings.start();
    fileModes.addAppender(warnings);
  }

  @AfterEach
  void release() {
    fileModes.detachAppender(warnings);
  }

  static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void aFreshSqliteStoreIsPrivateWithItsWalAndShmFilesAndDirectories() throws Exception {
    Path file = dir.resolve("state/nested/leases.db");
    try (JdbcLeaseStore store = JdbcLeaseStore.sqlite(file, KeyProvider.of(EncryptionKey.generate()))) {
      store.insert(LeaseRecord.builder().leaseId("astra/org-1/reader/a").orgId("org-1").roleName("reader")
          .roleId("rid").logicalName("orders").style(IssueStyle.UNIQUE).state(LeaseState.PENDING)
          .description("d").issuedAt(Instant.EPOCH).ttl(Duration.ofHours(1)).expiresAt(Instant.EPOCH)
          .maxExpiresAt(Instant.EPOCH).build());
      List<Path> files;
      try (Stream<Path> s = Files.list(file.getParent())) {
        files = s.toList();
      }
      // WAL mode: the -wal and -shm files exist while the store is open.
      assertThat(files).extracting(p -> p.getFileName().toString())
          .contains("leases.db", "leases.db-wal", "leases.db-shm");
      for (Path p : files) {
        assertThat(mode(p)).as(p.toString()).isEqualTo("rw-------");
      }
    }
    assertThat(mode(dir.resolve("state"))).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("state/nested"))).isEqualTo("rwx------");
    assertThat(warnings.list).isEmpty();
  }

  @Test
  void aSqliteStoreNamedByAFileUriIsPrivateToo() throws Exception {
    // SQLite's URI filenames (file:PATH, file:///PATH), as a jdbcUrl or astra.vault.store.jdbc.url may give them.
    Path plain = dir.resolve("leases.db");
    Path triple = dir.resolve("other leases.db");
    for (String url : List.of("jdbc:sqlite:file:" + plain + "?cache=private",
        "jdbc:sqlite:" + triple.toUri().toString().replace("file:/", "file:///"))) {
      try (JdbcLeaseStore store = JdbcLeaseStore.builder().jdbcUrl(url).metadataOnly().build()) {
        assertThat(store.list("")).as(url).isEmpty();
      }
    }
    for (Path p : List.of(plain, triple)) {
      assertThat(p).isRegularFile();
      assertThat(mode(p)).as(p.toString()).isEqualTo("rw-------");
    }
    assertThat(warnings.list).isEmpty();
  }

  @Test
  void aFreshAuditLogIsPrivateAndStaysSoAfterRotation() throws Exception {
    Path log = dir.resolve("audit/app/audit.jsonl");
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).maxFileSize(1024).build()) {
      for (int i = 0; i < 20; i++) {
        sink.record(new OrgConfigDeleted(Instant.EPOCH, SystemActorProvider.INSTANCE.current(), "org-" + i));
      }
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(log.getParent())) {
      files = s.toList();
    }
    assertThat(files).as("rotated at least once").hasSizeGreaterThan(1);
    for (Path p : files) {
      assertThat(mode(p)).as(p.toString()).isEqualTo("rw-------");
    }
    assertThat(mode(dir.resolve("audit"))).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("audit/app"))).isEqualTo("rwx------");
    assertThat(warnings.list).isEmpty();
  }

  @Test
  void anExistingFileOrDirectoryOthersCanReadIsUsedWithAWarning() throws Exception {
    Path shared = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path log = shared.resolve("audit.jsonl");
    Files.createFile(log);
    Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r--r--"));
    Path db = shared.resolve("leases.db");
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).build();
        JdbcLeaseStore store = JdbcLeaseStore.builder().sqliteFile(db).metadataOnly().build()) {
      sink.record(new OrgConfigDeleted(Instant.EPOCH, SystemActorProvider.INSTANCE.current(), "org-1"));
      assertThat(store.list("")).isEmpty();
    }
    // Not changed (the operator's to decide), but said.
    assertThat(mode(log)).isEqualTo("rw-r--r--");
    assertThat(mode(shared)).isEqualTo("rwxr-xr-x");
    assertThat(mode(db)).isEqualTo("rw-------");
    assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(m -> assertThat(m).contains("directory " + shared).contains("rwxr-xr-x").contains("chmod 700"))
        .anySatisfy(m -> assertThat(m).contains("file " + log).contains("rw-r--r--").contains("chmod 600"));
  }

  /**
   * A symbolic link where the library creates a file (left in a shared directory by someone else, say) is refused,
   * dangling or not: followed, it would create their target with the umask's mode, or append to a file of theirs.
   */
  @Test
  void aSymlinkWhereTheLibraryCreatesAFileIsRefusedAndItsTargetLeftAlone() throws Exception {
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
    Path victim = Files.writeString(elsewhere.resolve("victim.txt"), "theirs\n");
    Path log = Files.createSymbolicLink(dir.resolve("audit.jsonl"), victim);
    Path dangling = Files.createSymbolicLink(dir.resolve("other.jsonl"), elsewhere.resolve("created.jsonl"));
    Path db = Files.createSymbolicLink(dir.resolve("leases.db"), elsewhere.resolve("leases.db"));
    for (Path link : List.of(log, dangling)) {
      assertThatThrownBy(() -> JsonLinesAuditSink.builder(link).build()).isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining(link.toString()).hasMessageContaining("symbolic link");
    }
    assertThatThrownBy(() -> JdbcLeaseStore.builder().sqliteFile(db).metadataOnly().build())
        .isInstanceOf(StoreException.class).hasMessageContaining(db.toString()).hasMessageContaining("symbolic link");
    assertThat(Files.readString(victim)).isEqualTo("theirs\n");
    try (Stream<Path> s = Files.list(elsewhere)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("victim.txt");
    }
  }

  /** As ssh says of a private key others can read; a warning, not a refusal: Kubernetes mounts secrets 0644. */
  @Test
  void aKeyFileOthersCanReadIsReadWithAWarning() throws Exception {
    Path open = Files.writeString(dir.resolve("open.key"), EncryptionKey.generate().toBase64() + "\n");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    Path closed = Files.writeString(dir.resolve("closed.key"), EncryptionKey.generate().toBase64() + "\n");
    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rw-------"));
    KeyProvider.fromFile(closed);
    assertThat(warnings.list).isEmpty();
    KeyProvider.fromFile(open);
    assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage).singleElement()
        .satisfies(m -> assertThat(m).contains("key file " + open).contains("rw-r--r--").contains("chmod 600"));
  }
}

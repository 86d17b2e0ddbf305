package dev.astravault.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.astravault.EncryptionKey;
import dev.astravault.IssueStyle;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Someone else who can write the SQLite file's directory plants the side files SQLite opens beside the database
 * ({@code -wal}, {@code -shm}, {@code -journal}): a link to a file of the victim's, a directory, a file of their own
 * that would receive the database's pages. The store refuses to open, naming the side file, and touches nothing.
 */
class SqliteSideFilesTest {
  @TempDir Path dir;

  static final String VICTIM = "the victim's own file\n";

  static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  static JdbcLeaseStore open(Path db) {
    return JdbcLeaseStore.builder().sqliteFile(db).metadataOnly().build();
  }

  @Test
  void aSymlinkedWalToAVictimFileIsRefusedNamingTheSideFileAndTheVictimIsLeftAlone() throws Exception {
    Path victim = Files.writeString(dir.resolve("victim.txt"), VICTIM);
    Path db = dir.resolve("leases.db");
    // An existing store, so that SQLite would open the -wal rather than start WAL mode afresh.
    open(db).close();
    Path wal = Files.createSymbolicLink(dir.resolve("leases.db-wal"), victim);
    assertThatThrownBy(() -> open(db)).isInstanceOf(StoreException.class)
        .hasMessageContaining(wal.toString()).hasMessageContaining("symbolic link")
        .hasMessageNotContaining(VICTIM.strip()).hasMessageNotContaining(victim.toString());
    // A fresh database is refused too (SQLite would have unlinked the link and gone on, hiding the plant).
    Path fresh = dir.resolve("fresh.db");
    Path freshWal = Files.createSymbolicLink(dir.resolve("fresh.db-wal"), victim);
    assertThatThrownBy(() -> open(fresh)).isInstanceOf(StoreException.class)
        .hasMessageContaining(freshWal.toString()).hasMessageContaining("symbolic link");
    assertThat(Files.readString(victim)).isEqualTo(VICTIM);
    assertThat(wal).isSymbolicLink();
    assertThat(freshWal).isSymbolicLink();
  }

  @Test
  void aShmThatIsADirectoryOrAJournalThatIsALinkIsRefused() throws Exception {
    Path db = dir.resolve("leases.db");
    Path shm = Files.createDirectory(dir.resolve("leases.db-shm"));
    assertThatThrownBy(() -> open(db)).isInstanceOf(StoreException.class)
        .hasMessageContaining(shm.toString()).hasMessageContaining("not a regular file");
    Files.delete(shm);
    Path other = dir.resolve("other.db");
    Path journal = Files.createSymbolicLink(dir.resolve("other.db-journal"), dir.resolve("nowhere"));
    assertThatThrownBy(() -> open(other)).isInstanceOf(StoreException.class)
        .hasMessageContaining(journal.toString()).hasMessageContaining("symbolic link");
    assertThat(dir.resolve("nowhere")).doesNotExist();
  }

  /** Needs another user's file, which only root can make; the build runs as root here. */
  @Test
  void aSideFileOfAnotherUserIsRefused() throws Exception {
    Path db = dir.resolve("leases.db");
    open(db).close();
    Path wal = Files.writeString(dir.resolve("leases.db-wal"), "");
    Files.setPosixFilePermissions(wal, PosixFilePermissions.fromString("rw-rw-rw-"));
    UserPrincipal nobody;
    try {
      nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
      Files.setOwner(wal, nobody);
    } catch (IOException | UnsupportedOperationException notRoot) {
      nobody = null;
    }
    assumeTrue(nobody != null, "giving a file to another user takes root");
    assertThatThrownBy(() -> open(db)).isInstanceOf(StoreException.class)
        .hasMessageContaining(wal.toString()).hasMessageContaining("not to the database file's owner");
    assertThat(Files.size(wal)).isZero();
  }

  @Test
  void aDirectoryEveryoneCanWriteIsRefusedUnlessSticky() throws Exception {
    Path shared = Files.createDirectory(dir.resolve("shared"));
    Files.setAttribute(shared, "unix:mode", 0777);
    Path db = shared.resolve("leases.db");
    assertThatThrownBy(() -> open(db)).isInstanceOf(StoreException.class)
        .hasMessageContaining("directory " + shared).hasMessageContaining("writable by all users");
    assertThat(db).doesNotExist();
    // Like /tmp: others may add names but not replace ours, and what they planted is checked at each open.
    Files.setAttribute(shared, "unix:mode", 01777);
    try (JdbcLeaseStore store = open(db)) {
      assertThat(store.list("")).isEmpty();
    }
  }

  @Test
  void aStoreOpensClosesAndReopensWithItsSideFilesPrivate() throws Exception {
    Path db = dir.resolve("leases.db");
    KeyProvider key = KeyProvider.of(EncryptionKey.generate());
    LeaseRecord record = LeaseRecord.builder().leaseId("astra/org-1/reader/a").orgId("org-1").roleName("reader")
        .roleId("rid").logicalName("orders").style(IssueStyle.UNIQUE).state(LeaseState.PENDING)
        .description("d").issuedAt(Instant.EPOCH).ttl(Duration.ofHours(1)).expiresAt(Instant.EPOCH)
        .maxExpiresAt(Instant.EPOCH).build();
    for (int round = 0; round < 3; round++) {
      try (JdbcLeaseStore store = JdbcLeaseStore.sqlite(db, key)) {
        if (round == 0) {
          store.insert(record);
        }
        assertThat(store.get(record.leaseId())).isPresent();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
          files = s.toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString()).contains("leases.db-wal", "leases.db-shm");
        for (Path p : files) {
          assertThat(mode(p)).as(p.toString()).isEqualTo("rw-------");
        }
      }
    }
  }
}

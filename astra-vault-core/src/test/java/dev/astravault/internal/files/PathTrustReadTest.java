package dev.astravault.internal.files;

import static dev.astravault.internal.files.PathTrustTest.giveAway;
import static dev.astravault.internal.files.PathTrustTest.mkdir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.StoreException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file {@link PathTrust#read} reads is the one it checked: someone who can rename files in the key file's
 * directory (a group-writable one, used with a WARN) and acts between the check and the open is refused. The race
 * is entered through {@link PathTrust#beforeOpen}. Root reads anything, so what is tested is what the code decides.
 */
class PathTrustReadTest {
  @TempDir Path dir;

  final String key = EncryptionKey.generate().toBase64();
  final String theirKey = EncryptionKey.generate().toBase64();
  Path keys;
  Path keyFile;

  @BeforeEach
  void keyFile() throws Exception {
    keys = mkdir(dir.resolve("keys"), 0770);   // group-writable: its members can rename files in it
    keyFile = Files.writeString(keys.resolve("store.key"), key);
    Files.setAttribute(keyFile, "unix:mode", 0600);
  }

  @AfterEach
  void noRace() {
    PathTrust.beforeOpen = () -> { };
  }

  @Test
  void aFileOfAnotherUserSwappedInAfterTheCheckIsRefusedWithoutQuotingIt() throws Exception {
    Path theirs = Files.writeString(keys.resolve("theirs"), theirKey);
    giveAway(theirs);
    PathTrust.beforeOpen = () -> move(theirs, keyFile);
    assertThatThrownBy(() -> KeyProvider.fromFile(keyFile)).isInstanceOf(StoreException.class)
        .hasMessageContaining("key file " + keyFile).hasMessageContaining("belongs to uid")
        .hasMessageNotContaining(theirKey).hasMessageNotContaining(key);
  }

  @Test
  void aFileOfOursSwappedInAfterTheCheckIsRefusedAsReplaced() throws Exception {
    // A file the attacker cannot have written but can link or rename: an old key of ours, say.
    Path old = Files.writeString(keys.resolve("old.key"), theirKey);
    PathTrust.beforeOpen = () -> move(old, keyFile);
    assertThatThrownBy(() -> KeyProvider.fromFile(keyFile)).isInstanceOf(StoreException.class)
        .hasMessageContaining("key file " + keyFile).hasMessageContaining("replaced between its check and its open")
        .hasMessageContaining(keys.toString()).hasMessageNotContaining(theirKey);
  }

  @Test
  void aLinkPutInTheFilesPlaceAfterTheCheckIsNotFollowed() throws Exception {
    Path elsewhere = Files.writeString(dir.resolve("elsewhere.key"), theirKey);
    PathTrust.beforeOpen = () -> {
      try {
        Path link = Files.createSymbolicLink(keys.resolve("link"), elsewhere);
        move(link, keyFile);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };
    assertThatThrownBy(() -> KeyProvider.fromFile(keyFile)).isInstanceOf(StoreException.class)
        .hasMessageContaining("key file " + keyFile).hasMessageNotContaining(theirKey);
  }

  @Test
  void aFileCreatedAfterTheCheckFoundItMissingIsNotRead() throws Exception {
    Files.delete(keyFile);
    PathTrust.beforeOpen = () -> {
      try {
        Files.writeString(keyFile, theirKey);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };
    assertThatThrownBy(() -> KeyProvider.fromFile(keyFile)).isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot read key file " + keyFile).hasMessageContaining("NoSuchFileException")
        .hasRootCauseInstanceOf(NoSuchFileException.class);
  }

  @Test
  void aKeyFileOfOursThatAllUsersCanWriteIsRefused() throws Exception {
    Files.setAttribute(keys, "unix:mode", 0700);
    Files.setAttribute(keyFile, "unix:mode", 0666);
    assertThatThrownBy(() -> KeyProvider.fromFile(keyFile)).isInstanceOf(StoreException.class)
        .hasMessageContaining("key file " + keyFile).hasMessageContaining("writable by all users")
        .hasMessageContaining("chmod o-w").hasMessageNotContaining(key);
  }

  @Test
  void aDatabaseFileOfOursThatAllUsersCanWriteIsRefused() throws Exception {
    Path db = Files.writeString(mkdir(dir.resolve("db"), 0700).resolve("leases.db"), "");
    Files.setAttribute(db, "unix:mode", 0646);
    assertThatThrownBy(() -> FileModes.privateFile(db, "SQLite file", StoreException::new))
        .isInstanceOf(StoreException.class).hasMessageContaining("SQLite file " + db)
        .hasMessageContaining("writable by all users");
  }

  @Test
  void aFileLargerThanAMebibyteIsRefusedWithoutBeingReadWhole() throws Exception {
    // A key file option pointed at a log or a disk image by mistake: a clear refusal, not the heap filled.
    Files.writeString(keyFile, key + "\n" + "#".repeat(PathTrust.MAX_READ));
    assertThatThrownBy(() -> KeyProvider.fromFile(keyFile)).isInstanceOf(StoreException.class)
        .hasMessageContaining("key file " + keyFile).hasMessageContaining("larger than 1 MiB")
        .hasMessageNotContaining(key);
    Files.writeString(keyFile, key + "\n" + "#".repeat(PathTrust.MAX_READ - key.length() - 1));
    assertThat(KeyProvider.fromFile(keyFile).currentKey().toBase64()).isEqualTo(key);
  }

  @Test
  void anUntouchedKeyFileIsReadAsBefore() throws Exception {
    // Pins behaviour that was already right: the seam runs, nothing changes, the key is read.
    int[] runs = {0};
    PathTrust.beforeOpen = () -> runs[0]++;
    assertThat(KeyProvider.fromFile(keyFile).currentKey().toBase64()).isEqualTo(key);
    assertThat(runs[0]).isOne();
  }

  private static void move(Path from, Path to) {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}

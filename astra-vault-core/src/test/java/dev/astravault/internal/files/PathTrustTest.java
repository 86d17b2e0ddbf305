package dev.astravault.internal.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Another local user must not be able to replace a file astra-vault keeps secrets or records in, nor the directories
 * on its way (OpenSSH's StrictModes): {@link FileModes#privateFile} (SQLite, audit files) and {@link
 * PathTrust#checkReadable} (key files). JUnit's temporary directory is {@code 0700} under {@code /tmp}
 * ({@code 1777}): each test opens up the directories it needs.
 */
class PathTrustTest {
  /** A uid no one here runs as: {@code nobody}. */
  static final int OTHER_UID = 65534;

  @TempDir Path dir;

  final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
  Logger pathTrust;

  @BeforeEach
  void captureWarnings() {
    pathTrust = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(PathTrust.class.getName());
    warnings.start();
    pathTrust.addAppender(warnings);
  }

  @AfterEach
  void release() {
    pathTrust.detachAppender(warnings);
  }

  static Path mkdir(Path p, int mode) throws IOException {
    Files.createDirectories(p);
    Files.setAttribute(p, "unix:mode", mode);
    return p;
  }

  /** Gives {@code p} to another user; only root can, so a test needing it is skipped elsewhere. */
  static void giveAway(Path p) throws IOException {
    assumeTrue(isRoot(), "giving a file to another user takes root (the build runs as root here)");
    Files.setAttribute(p, "unix:uid", OTHER_UID, LinkOption.NOFOLLOW_LINKS);
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  static void privateFile(Path file) throws IOException {
    FileModes.privateFile(file, "SQLite file", StoreException::new);
  }

  @Test
  void aWorldWritableGrandparentIsRefusedNamingItAndNothingIsCreated() throws Exception {
    Path shared = mkdir(dir.resolve("srv"), 0777);
    Path app = mkdir(shared.resolve("app"), 0700);
    Path file = app.resolve("leases.db");
    assertThatThrownBy(() -> privateFile(file)).isInstanceOf(StoreException.class)
        .hasMessageContaining("directory " + shared).hasMessageContaining("writable by all users")
        .hasMessageContaining("sticky").hasMessageContaining("chmod o-w").hasMessageContaining(file.toString());
    // A missing directory under it is not created either.
    Path deeper = shared.resolve("new/leases.db");
    assertThatThrownBy(() -> privateFile(deeper)).isInstanceOf(StoreException.class)
        .hasMessageContaining("directory " + shared);
    assertThat(file).doesNotExist();
    assertThat(shared.resolve("new")).doesNotExist();
  }

  @Test
  void aStickyWorldWritableAncestorIsAcceptedAsTmpIs() throws Exception {
    Path tmpLike = mkdir(dir.resolve("tmp"), 01777);
    Path file = mkdir(tmpLike.resolve("app"), 0700).resolve("leases.db");
    privateFile(file);
    assertThat(file).isRegularFile();
    assertThat(warnings.list).isEmpty();
  }

  @Test
  void aGroupWritableAncestorIsUsedWithAWarningNamingIt() throws Exception {
    Path team = mkdir(dir.resolve("team"), 0775);
    Path file = mkdir(team.resolve("app"), 0700).resolve("leases.db");
    privateFile(file);
    assertThat(file).isRegularFile();
    assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage).singleElement()
        .satisfies(m -> assertThat(m).contains("directory " + team).contains("writable by its group")
            .contains(file.toString()).contains("chmod g-w"));
  }

  @Test
  void aSymlinkedAncestorWhoseTargetChainIsWorldWritableIsRefused() throws Exception {
    Path open = mkdir(dir.resolve("open"), 0777);
    Path target = mkdir(open.resolve("target"), 0700);
    Path safe = mkdir(dir.resolve("safe"), 0700);
    Path link = Files.createSymbolicLink(safe.resolve("link"), target);
    Path file = link.resolve("leases.db");
    assertThatThrownBy(() -> privateFile(file)).isInstanceOf(StoreException.class)
        .hasMessageContaining("directory " + open).hasMessageContaining("writable by all users");
    assertThat(target.resolve("leases.db")).doesNotExist();
    // A relative link with ".." resolves the same way.
    Path relative = Files.createSymbolicLink(safe.resolve("relative"), Path.of("../open/target"));
    assertThatThrownBy(() -> privateFile(relative.resolve("leases.db"))).isInstanceOf(StoreException.class)
        .hasMessageContaining("directory " + open);
    // The same link to a private chain is followed and accepted.
    Files.setAttribute(open, "unix:mode", 0755);
    privateFile(file);
    assertThat(target.resolve("leases.db")).isRegularFile();
  }

  @Test
  void aDirectoryOfAnotherUserOnTheWayIsRefusedNamingItsUid() throws Exception {
    Path theirs = mkdir(dir.resolve("theirs"), 0755);
    Path file = mkdir(theirs.resolve("app"), 0700).resolve("leases.db");
    giveAway(theirs);
    assertThatThrownBy(() -> privateFile(file)).isInstanceOf(StoreException.class)
        .hasMessageContaining("directory " + theirs).hasMessageContaining("belongs to uid " + OTHER_UID)
        .hasMessageContaining("chown");
    assertThat(file).doesNotExist();
  }

  @Test
  void anExistingFileOfAnotherUserIsRefusedNamingItsUidAndLeftAlone() throws Exception {
    Path file = Files.writeString(dir.resolve("leases.db"), "their rows\n");
    Files.setAttribute(file, "unix:mode", 0600);
    giveAway(file);
    assertThatThrownBy(() -> privateFile(file)).isInstanceOf(StoreException.class)
        .hasMessageContaining("SQLite file " + file).hasMessageContaining("belongs to uid " + OTHER_UID)
        .hasMessageContaining("chown").hasMessageNotContaining("their rows");
    assertThat(Files.readString(file)).isEqualTo("their rows\n");
  }

  @Test
  void aLinkOfAnotherUserOnTheWayIsRefused() throws Exception {
    Path target = mkdir(dir.resolve("target"), 0700);
    Path sticky = mkdir(dir.resolve("sticky"), 01777);
    Path link = Files.createSymbolicLink(sticky.resolve("link"), target);
    giveAway(link);
    assertThatThrownBy(() -> privateFile(link.resolve("leases.db"))).isInstanceOf(StoreException.class)
        .hasMessageContaining("symbolic link " + link).hasMessageContaining("belongs to uid " + OTHER_UID);
  }

  @Test
  void aKeyFileOfAnotherUserOrUnderAWorldWritableDirectoryIsRefusedWithoutQuotingIt() throws Exception {
    String key = EncryptionKey.generate().toBase64();
    Path open = mkdir(dir.resolve("open"), 0777);
    Path inOpen = Files.writeString(mkdir(open.resolve("keys"), 0700).resolve("store.key"), key);
    assertThatThrownBy(() -> KeyProvider.fromFile(inOpen)).isInstanceOf(StoreException.class)
        .hasMessageContaining("directory " + open).hasMessageNotContaining(key);
    // Kubernetes links its secrets (key -> ..data/key -> ..2026_01/key): followed, the target's owner counts.
    Path volume = mkdir(dir.resolve("volume"), 01777);
    Path data = mkdir(volume.resolve("..2026_01"), 0755);
    Path real = Files.writeString(data.resolve("store.key"), key);
    Files.createSymbolicLink(volume.resolve("..data"), Path.of("..2026_01"));
    Path mounted = Files.createSymbolicLink(volume.resolve("store.key"), Path.of("..data/store.key"));
    assertThat(KeyProvider.fromFile(mounted).currentKey().toBase64()).isEqualTo(key);
    giveAway(real);
    assertThatThrownBy(() -> KeyProvider.fromFile(mounted)).isInstanceOf(StoreException.class)
        .hasMessageContaining("key file " + mounted).hasMessageContaining(real.toString())
        .hasMessageContaining("belongs to uid " + OTHER_UID).hasMessageNotContaining(key);
  }

  @Test
  void aFileOfRootOrOursInAPrivateChainIsAccepted() throws Exception {
    Path file = mkdir(dir.resolve("a/b"), 0700).resolve("leases.db");
    privateFile(file);
    privateFile(file);   // existing, ours
    assertThat(warnings.list).isEmpty();
  }
}

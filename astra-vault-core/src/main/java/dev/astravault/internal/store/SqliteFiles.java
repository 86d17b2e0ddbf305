package dev.astravault.internal.store;

import dev.astravault.StoreException;
import dev.astravault.internal.files.FileModes;
import dev.astravault.internal.files.PathTrust;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Checks a SQLite database file and the side files SQLite opens beside it ({@code -wal}, {@code -shm},
 * {@code -journal}) before each connection is opened, against someone else who can write the directory. The
 * database file is created {@code 0600} ({@link FileModes#privateFile}), and SQLite gives the side files it creates
 * that mode. But it opens a side file that is already there as it is: one planted by another user would receive the
 * database's pages (theirs to read) or feed SQLite pages of theirs (a {@code -journal} found "hot" is played back
 * into the database). So a side file that exists must be a regular file, not a link, owned by the database file's
 * owner (SQLite running as root gives its side files that owner too). The path to the database is {@link
 * dev.astravault.internal.files.PathTrust}'s to check: a directory on the way others can write without the sticky
 * bit, or of another user, is refused, as there they can rename the database itself away and put theirs, which no
 * check at open time can stop; so is a database file of another user.
 */
final class SqliteFiles {
  private static final List<String> SIDE_FILES = List.of("-wal", "-shm", "-journal");

  private SqliteFiles() {}

  /**
   * The checks around each open of one database file: {@link #check} before, {@link #confirm} once SQLite has opened
   * it (SQLite opens it by path, so a file swapped in between by someone who can rename in its directory, which
   * {@link #check} warns about when its group can, would be the one used). Used under the connection's lock.
   */
  static final class Guard {
    private final Path file;
    private @Nullable Object checkedKey;

    Guard(Path file) {
      this.file = file.toAbsolutePath();
    }

    void check() {
      checkedKey = SqliteFiles.check(file);
    }

    /** Refuses the open when the file at the path is no longer the one {@link #check} checked. */
    void confirm() {
      PathTrust.requireSameFile(checkedKey, fileKey(file), file, "the SQLite file " + file, StoreException::new);
    }
  }

  /**
   * Creates {@code file} private if missing and checks it, its directory and its side files; else throws.
   *
   * @return the file's identity ({@code fileKey}: device and inode), null where the file system has none
   */
  static @Nullable Object check(Path file) {
    Path absolute = file.toAbsolutePath();
    checkNativeLibraryDirectory();
    try {
      // Refuses first a path others could swap (every directory on the way) and a database file of another user.
      FileModes.privateFile(absolute, "SQLite file", StoreException::new);
    } catch (IOException e) {
      // An NIO message names the file and the problem (a link, a denied access); never a secret.
      throw new StoreException("cannot create the SQLite file " + absolute + ": " + e.getMessage(), e);
    }
    Optional<Integer> owner = uid(absolute);
    for (String suffix : SIDE_FILES) {
      checkSideFile(absolute.resolveSibling(absolute.getFileName() + suffix), owner);
    }
    return fileKey(absolute);
  }

  /**
   * sqlite-jdbc unpacks its native library, at the first connection in the process, into {@code org.sqlite.tmpdir}
   * (default {@code java.io.tmpdir}) under a random name, then loads it from there by path: whoever can rename files
   * in that directory could put their own code in its place between the write and the load. So it is checked as the
   * database's directories are (a sticky {@code /tmp} passes), unless {@code org.sqlite.lib.path} names the library
   * to load instead.
   */
  static void checkNativeLibraryDirectory() {
    String dir = System.getProperty("org.sqlite.tmpdir", System.getProperty("java.io.tmpdir"));
    if (System.getProperty("org.sqlite.lib.path") != null || dir == null) {
      return;
    }
    PathTrust.checkDirectories(Path.of(dir), "sqlite-jdbc's native library, which it unpacks there and loads by path "
        + "(org.sqlite.tmpdir, else java.io.tmpdir; set -Dorg.sqlite.tmpdir to a directory only this user can "
        + "write)", StoreException::new);
  }

  private static @Nullable Object fileKey(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    } catch (NoSuchFileException gone) {
      return "missing";   // equal to no file's key: a file removed since the check is refused as replaced
    } catch (IOException e) {
      throw new StoreException("cannot check the SQLite file " + file + ": " + e.getMessage(), e);
    }
  }

  private static void checkSideFile(Path side, Optional<Integer> owner) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(side, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException absent) {
      return;   // SQLite creates it with the database file's mode
    } catch (IOException e) {
      throw new StoreException("cannot check the SQLite file " + side + ": " + e.getMessage(), e);
    }
    // The side file is named, never read: its content (or a link's target's) is not ours to show.
    if (attributes.isSymbolicLink()) {
      throw new StoreException("the SQLite file " + side + " is a symbolic link; SQLite would read and write the "
          + "database's pages through it: remove it (astra-vault does not follow a link where it writes)");
    }
    if (!attributes.isRegularFile()) {
      throw new StoreException("the SQLite file " + side + " exists and is not a regular file: remove it");
    }
    Optional<Integer> sideOwner = uid(side);
    if (owner.isPresent() && sideOwner.isPresent() && !owner.equals(sideOwner)) {
      throw new StoreException("the SQLite file " + side + " belongs to uid " + sideOwner.get() + ", not to the "
          + "database file's owner (uid " + owner.get() + "); SQLite would share the database's pages with it: "
          + "remove it");
    }
    FileModes.warnIfOpen(side, "file");
  }

  private static Optional<Integer> uid(Path path) {
    return unixAttribute(path, "uid", LinkOption.NOFOLLOW_LINKS);
  }

  /** A {@code unix:} attribute of {@code path}, or empty where the file system has no such view. */
  private static Optional<Integer> unixAttribute(Path path, String name, LinkOption... options) {
    try {
      return Optional.of((Integer) Files.getAttribute(path, "unix:" + name, options));
    } catch (UnsupportedOperationException | IllegalArgumentException notUnix) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StoreException("cannot check the SQLite file " + path + ": " + e.getMessage(), e);
    }
  }
}

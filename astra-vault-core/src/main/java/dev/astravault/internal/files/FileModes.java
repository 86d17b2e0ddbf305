package dev.astravault.internal.files;

import dev.astravault.AstraVaultException;
import dev.astravault.internal.redact.Redaction;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The files and directories the library creates hold secrets or their audit trail: on POSIX they are made 0600 and
 * 0700 whatever the umask (set explicitly after creation, as the umask only ever removes bits at creation). An
 * existing file or directory that others can read is used as it is, with a warning: changing an operator's modes
 * is not ours to do. A symbolic link where a file goes is refused, dangling or not: followed, it would create its
 * target with the umask's mode, or write secrets into a file of whoever made the link (directories may be links).
 * Before anything is created, {@link PathTrust} refuses a path another local user could replace (a directory on the
 * way writable by all without the sticky bit, or another user's), and an existing file of another user: each caller
 * gives its own exception for that. On file systems without POSIX permissions (Windows) nothing is changed.
 */
public final class FileModes {
  private static final Logger LOG = Redaction.logger(FileModes.class);
  public static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
  public static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private FileModes() {}

  /**
   * Creates {@code dir} and its missing parents 0700; warns when {@code dir} already exists open to others.
   *
   * @param refuse the caller's exception when {@link PathTrust} refuses the directories on the way
   */
  public static void privateDirectories(Path dir, Function<String, ? extends AstraVaultException> refuse)
      throws IOException {
    Path absolute = dir.toAbsolutePath();
    PathTrust.checkDirectories(absolute, "the files astra-vault keeps in " + absolute, refuse);
    createDirectories(absolute);
  }

  private static void createDirectories(Path absolute) throws IOException {
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = absolute; p != null && !Files.exists(p); p = p.getParent()) {
      missing.push(p);
    }
    if (missing.isEmpty()) {
      warnIfOpen(absolute, "directory");
      return;
    }
    while (!missing.isEmpty()) {
      Path p = missing.pop();
      try {
        create(p, PRIVATE_DIR, true);
      } catch (FileAlreadyExistsException raced) {
        // created meanwhile by someone else: theirs, keep its mode
      }
    }
  }

  /**
   * Creates {@code file} empty and 0600 if it does not exist (its parent directories 0700); warns when it exists
   * readable by others. SQLite gives its {@code -wal}, {@code -shm} and {@code -journal} files the mode of the
   * database file, so creating that one 0600 covers them.
   *
   * @param what the kind of file, for messages: {@code "SQLite file"}
   * @param refuse the caller's exception when {@link PathTrust} refuses the directories on the way, or the file
   *     exists and is another user's
   * @throws FileSystemException naming the file when it is a symbolic link or not a regular file
   */
  public static void privateFile(Path file, String what, Function<String, ? extends AstraVaultException> refuse)
      throws IOException {
    Path absolute = file.toAbsolutePath();
    Path parent = absolute.getParent();
    if (parent != null) {
      // First: nothing is created under a path another user could swap (missing directories are made 0700).
      PathTrust.checkDirectories(parent, "the " + what + " " + absolute, refuse);
      if (!Files.exists(parent)) {
        createDirectories(parent);
      }
    }
    try {
      create(absolute, PRIVATE_FILE, false);
    } catch (FileAlreadyExistsException exists) {
      // createFile refuses any existing name, a dangling link included; what is there must be a plain file.
      if (Files.isSymbolicLink(absolute)) {
        throw new FileSystemException(absolute.toString(), null, "is a symbolic link; astra-vault does not follow "
            + "one where it writes (give the real path, or remove the link)");
      }
      if (!Files.isRegularFile(absolute, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileSystemException(absolute.toString(), null, "exists and is not a regular file");
      }
      // Another user's file is theirs to rewrite (roll rows back, drop leases, cut the audit chain): refused.
      PathTrust.checkFile(absolute, "the " + what + " " + absolute, refuse);
      warnIfOpen(absolute, "file");
    }
  }

  /** Created private from the start (no window with the umask's mode), then set exactly (the umask only removes). */
  private static void create(Path path, Set<PosixFilePermission> mode, boolean directory) throws IOException {
    try {
      FileAttribute<Set<PosixFilePermission>> attribute = PosixFilePermissions.asFileAttribute(mode);
      if (directory) {
        Files.createDirectory(path, attribute);
      } else {
        Files.createFile(path, attribute);
      }
      Files.setPosixFilePermissions(path, mode);
    } catch (UnsupportedOperationException notPosix) {
      // Windows: a new file inherits the ACL of its (user's) directory.
      if (directory) {
        Files.createDirectory(path);
      } else {
        Files.createFile(path);
      }
    }
  }

  /**
   * Logs a warning when {@code path} exists and its group or others have any access; returns whether they have. The
   * warning is said at WARN once per process for a path and mode, at DEBUG after ({@link StandingWarnings}): a key
   * file is checked at every read.
   */
  public static boolean warnIfOpen(Path path, String what) {
    String mode = openMode(path);
    if (mode != null) {
      LOG.atLevel(StandingWarnings.PROCESS.level(path, "accessible to other users, mode " + mode))
          .log("{} {} is accessible to other users (mode {}); it holds astra-vault secrets or audit records: "
              + "chmod {} it", what, path, mode, what.endsWith("file") ? "600" : "700");
    }
    return mode != null;
  }

  /**
   * The mode of {@code path} (as {@code rw-r--r--}) when its group or others have any access; null when they have
   * none, or when it is missing or the file system has no POSIX modes.
   */
  public static @Nullable String openMode(Path path) {
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
      return mode.stream().anyMatch(OTHERS::contains) ? PosixFilePermissions.toString(mode) : null;
    } catch (UnsupportedOperationException | IOException notPosixOrGone) {
      return null;
    }
  }
}

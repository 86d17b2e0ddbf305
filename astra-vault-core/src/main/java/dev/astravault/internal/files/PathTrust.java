package dev.astravault.internal.files;

import dev.astravault.internal.redact.Redaction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Whether another local user can replace or rewrite a file astra-vault keeps secrets or records in, as OpenSSH's
 * StrictModes ({@code secure_path}) asks of {@code authorized_keys}. The path is resolved component by component as
 * the kernel does, links followed (a link's target chain is checked too, and the link itself must be ours or
 * root's, as in a sticky directory its owner may replace it). Each directory passed through is refused when it
 * belongs to another user than this process's or root (its owner can rename anything in it), or when all users can
 * write it without the sticky bit (anyone can rename the next step away and put their own in its place); a directory
 * its group can write without the sticky bit is used with a WARN (once per process, then at DEBUG: {@link
 * StandingWarnings}), as the group is the operator's choice (a Kubernetes volume with {@code fsGroup} is one). A
 * sticky directory ({@code /tmp}) is accepted: others may add names there but not replace ours. An existing file of
 * another user than ours or root's is refused: it is theirs to rewrite. Missing components are skipped (the library
 * creates them {@code 0700}). On a file system without POSIX owners and modes (Windows) nothing is checked; ACLs are
 * not read, only mode bits, as OpenSSH does. Each check goes through {@code stat}, so what it says can change after
 * it: it catches the standing misconfiguration. The opens ({@link #read}, {@link #openToRead}, {@link #openToWrite})
 * refuse links ({@code O_NOFOLLOW}) and a file replaced between the check and the open.
 *
 * <p>Why this class is long: its checks and its opens share one resolver, which walks a path as the kernel does and
 * checks each step; an open that resolved the path some other way could check one file and open another.
 */
public final class PathTrust {
  private static final Logger LOG = Redaction.logger(PathTrust.class);
  private static final int OTHERS_WRITE = 0002;
  private static final int GROUP_WRITE = 0020;
  private static final int STICKY = 01000;
  private static final int TYPE = 0170000;
  private static final int DIRECTORY = 0040000;
  private static final int LINK = 0120000;
  /** Links followed before giving up, as the kernel's ELOOP limit. */
  private static final int MAX_LINKS = 40;
  private static final OptionalInt ME = currentUid();
  private static final Set<OpenOption> READ_NOFOLLOW = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
  /**
   * The most {@link #read} reads: a key, a token, a JWT or a CA bundle is a few KiB (the system's whole bundle about
   * 200 KiB), so a larger file was named by mistake, and reading a log or a disk image whole would exhaust the heap.
   */
  static final int MAX_READ = 1 << 20;
  /** Runs between {@link #read}'s check and its open: a test's way into the race. */
  static volatile Runnable beforeOpen = () -> { };

  private final String target;
  private final Function<String, ? extends RuntimeException> refuse;
  private final Set<Path> checked = new HashSet<>();
  private int links;
  /** Whether {@link #resolve} found POSIX attributes (false on Windows). */
  private boolean posix;

  private PathTrust(String target, Function<String, ? extends RuntimeException> refuse) {
    this.target = target;
    this.refuse = refuse;
  }

  /**
   * Checks the directories resolving {@code dir} passes through, {@code dir} included when it exists.
   *
   * @param target what is kept there, for messages: {@code "the SQLite file /srv/app/leases.db"}
   * @param refuse the caller's exception for a refusal, given the message
   */
  public static void checkDirectories(Path dir, String target, Function<String, ? extends RuntimeException> refuse) {
    new PathTrust(target, refuse).resolve(dir.toAbsolutePath(), true);
  }

  /**
   * Checks a file astra-vault reads a secret or trust anchor from (a key file, Vault's CA or client key, a token
   * file): the directories on its way, links followed (a Kubernetes secret volume links its files), and the owner of
   * what it resolves to. A missing file is left to its read to report.
   *
   * @param what the kind of file, for messages: {@code "key file"}
   */
  public static void checkReadable(Path file, String what, Function<String, ? extends RuntimeException> refuse) {
    Path absolute = file.toAbsolutePath();
    Path real = new PathTrust(what + " " + absolute, refuse).resolve(absolute, false);
    if (real != null && !real.equals(absolute)) {
      checkFile(real, what + " " + absolute + " (through links, " + real + ")", refuse);
    } else if (real != null) {
      checkFile(real, what + " " + absolute, refuse);
    }
  }

  /**
   * Refuses {@code file} (not followed) when it exists and belongs to another user than this process's or root, or
   * when all users can write it: either can rewrite it at will. A file its group can write is the group's choice, as
   * a group-writable directory is ({@link FileModes#warnIfOpen} warns about it).
   *
   * @param what names it in messages: {@code "audit file /var/log/app/audit.jsonl"}
   */
  public static void checkFile(Path file, String what, Function<String, ? extends RuntimeException> refuse) {
    Map<String, Object> a = new PathTrust(what, refuse).attributes(file);
    if (a != null) {
      checkFile(uid(a), mode(a), what, refuse);
    }
  }

  private static void checkFile(int uid, int mode, String what, Function<String, ? extends RuntimeException> refuse) {
    if (!trusted(uid)) {
      throw refuse.apply(what + " belongs to uid " + uid + ", neither this process's user (" + me() + ") nor "
          + "root, so that user can rewrite it at will: chown it to " + me() + " (or root), or remove it");
    }
    if ((mode & OTHERS_WRITE) != 0) {
      throw refuse.apply(what + " is writable by all users, so anyone can rewrite it at will: chmod o-w it "
          + "(chmod 600 for a secret)");
    }
  }

  /**
   * Reads, as UTF-8, a file {@link #checkReadable} accepts, and checks that the file read is the one checked: the
   * path is resolved and checked, the file it resolves to is opened without following a link ({@code O_NOFOLLOW}),
   * and its identity ({@code fileKey}: device and inode), owner and mode are read again once it is open. A file that
   * was missing at the check is not read (someone could have put theirs there since), nor one that is not a regular
   * file, nor one replaced between the check and the open. What remains is a replacement undone before the second
   * look, which takes rename rights in the file's directory: only a group-writable one (WARN) grants them to others.
   *
   * @throws java.nio.file.NoSuchFileException when the file (or a directory on its way) is missing
   * @throws IOException when the open or the read fails (a link put in the file's place: {@code ELOOP})
   */
  public static String read(Path file, String what, Function<String, ? extends RuntimeException> refuse)
      throws IOException {
    Path absolute = file.toAbsolutePath();
    try (FileChannel channel = openToRead(file, what, refuse)) {
      return capped(Channels.newInputStream(channel), what + " " + absolute, refuse);
    }
  }

  /**
   * Opens for reading, as {@link #read} does (checked, not followed, and the file opened is the one checked), a file
   * too large to read whole: a rotated audit file.
   *
   * @throws java.nio.file.NoSuchFileException when the file (or a directory on its way) is missing
   * @throws IOException when the open fails, or the file is not a regular file
   */
  public static FileChannel openToRead(Path file, String what, Function<String, ? extends RuntimeException> refuse)
      throws IOException {
    return openReading(file, what, refuse, false);
  }

  /**
   * Opens for reading, with {@link #openToRead}'s checks (the directories on its way, its owner and mode, the file
   * opened is the one checked), a file astra-vault also writes (an audit witness), and refuses it as {@link
   * #openToWrite} would: a symbolic link at its name, or a file with more than one hard link. What is read is then
   * what the next write would append to, not a file whoever made the link chose.
   *
   * @throws java.nio.file.NoSuchFileException when the file (or a directory on its way) is missing
   * @throws IOException when the open fails, or the file is not a regular file
   */
  public static FileChannel openWrittenToRead(Path file, String what,
      Function<String, ? extends RuntimeException> refuse) throws IOException {
    return openReading(file, what, refuse, true);
  }

  private static FileChannel openReading(Path file, String what, Function<String, ? extends RuntimeException> refuse,
      boolean written) throws IOException {
    Path absolute = file.toAbsolutePath();
    PathTrust trust = new PathTrust(what + " " + absolute, refuse);
    Path real = trust.resolve(absolute, false);
    if (!trust.posix) {
      return FileChannel.open(absolute, StandardOpenOption.READ);   // Windows: nothing to check
    }
    if (real == null) {
      throw new NoSuchFileException(absolute.toString());
    }
    if (written && Files.isSymbolicLink(absolute)) {   // links of the directories on its way are checked and followed
      throw refuse.apply(trust.target + " is a symbolic link (to " + real + "), which is not followed to a file "
          + "written: give the real path");
    }
    String named = real.equals(absolute) ? trust.target : trust.target + " (through links, " + real + ")";
    return trust.open(real, named, READ_NOFOLLOW, written);
  }

  /**
   * Opens a file astra-vault writes (an audit file: created and checked by {@link FileModes#privateFile} first),
   * not followed, and checks, as {@link #read} does, that the file opened is the one checked. Also refuses a file
   * with more than one hard link: its other name may be anywhere on the file system, so whoever made the link chose
   * which file is written (the kernel lets other users link only files they could write, unless {@code
   * fs.protected_hardlinks} is 0; root links anything), and the audit lock file is truncated when taken.
   *
   * @param what names it in messages: {@code "audit file /var/log/app/audit.jsonl"}
   * @throws IOException when the open fails, or the file is not a regular file
   */
  public static FileChannel openToWrite(Path file, String what, Function<String, ? extends RuntimeException> refuse,
      Set<? extends OpenOption> options) throws IOException {
    Path absolute = file.toAbsolutePath();
    Set<OpenOption> noFollow = new HashSet<>(options);
    noFollow.add(LinkOption.NOFOLLOW_LINKS);
    PathTrust trust = new PathTrust(what, refuse);
    if (trust.attributes(absolute) == null) {
      return FileChannel.open(absolute, noFollow);   // not POSIX (Windows), or gone: the open reports it
    }
    return trust.open(absolute, what, noFollow, true);
  }

  /** Opens {@code real}, not followed, between two looks that must find the same file, a regular one we trust. */
  private FileChannel open(Path real, String named, Set<OpenOption> options, boolean written) throws IOException {
    PosixFileAttributes checked = file(real, named, written);
    beforeOpen.run();
    FileChannel channel = FileChannel.open(real, options);
    try {
      requireSameFile(checked.fileKey(), file(real, named, written).fileKey(), real, named, refuse);
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Refuses {@code file} when its identity ({@code fileKey}: device and inode; null where the file system has none)
   * once opened is not the one checked: it was replaced in between, by someone who can rename in its directory.
   *
   * @param named names it in messages: {@code "the SQLite file /srv/app/leases.db"}
   */
  public static void requireSameFile(@Nullable Object checked, @Nullable Object opened, Path file, String named,
      Function<String, ? extends RuntimeException> refuse) {
    if (!Objects.equals(checked, opened)) {
      throw refuse.apply(named + " was replaced between its check and its open: someone who can rename files in "
          + file.getParent() + " is at work there; keep it under directories only root or this user can write");
    }
  }

  private static String capped(InputStream in, String named, Function<String, ? extends RuntimeException> refuse)
      throws IOException {
    byte[] content = in.readNBytes(MAX_READ + 1);
    if (content.length > MAX_READ) {
      throw refuse.apply(named + " is larger than " + (MAX_READ >> 20) + " MiB, which no key, token or certificate "
          + "file is: check that it names the right file");
    }
    return new String(content, StandardCharsets.UTF_8);
  }

  /**
   * The attributes of {@code real}, not followed, when it is a regular file {@link #checkFile} accepts (and, for a
   * file written, one with a single name).
   *
   * @throws FileSystemException when it is not a regular file
   */
  private PosixFileAttributes file(Path real, String named, boolean written) throws IOException {
    PosixFileAttributes a = Files.readAttributes(real, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isRegularFile()) {
      // A read failure, as the read of a directory was (a FIFO would block it; a link here came after the check).
      throw new FileSystemException(real.toString(), null, "is not a regular file");
    }
    Map<String, Object> unix = attributes(real);
    if (unix == null) {
      throw new NoSuchFileException(real.toString());
    }
    checkFile(uid(unix), mode(unix), named, refuse);
    int links = (Integer) unix.get("nlink");
    if (written && links > 1) {
      throw refuse.apply(named + " has " + links + " hard links: its other names may be anywhere on this file "
          + "system, so whoever made them chose which file is written; remove the other names (find -samefile), or "
          + "give a new path");
    }
    return a;
  }

  /**
   * Resolves absolute {@code path} as the kernel would, checking each directory it passes through and each link's
   * owner. Returns the real path reached, or null when a component is missing (from there on the library creates)
   * or the file system has no POSIX attributes.
   */
  private @Nullable Path resolve(Path path, boolean lastIsDirectory) {
    Path cur = path.getRoot();
    if (cur == null) {
      return null;
    }
    Map<String, Object> rootAttributes = attributes(cur);
    if (rootAttributes == null) {
      return null;   // not POSIX
    }
    posix = true;
    checkDirectory(cur, rootAttributes);
    int n = path.getNameCount();
    for (int i = 0; i < n; i++) {
      String name = path.getName(i).toString();
      if (name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        Path up = cur.getParent();   // cur has no link in it, so its parent is the real one
        cur = up == null ? cur : up;
        continue;
      }
      Path next = cur.resolve(name);
      Map<String, Object> a = attributes(next);
      if (a == null) {
        return null;
      }
      int type = mode(a) & TYPE;
      if (type == LINK) {
        if (!trusted(uid(a))) {
          throw refuse.apply("the symbolic link " + next + " belongs to uid " + uid(a) + ", neither this process's "
              + "user (" + me() + ") nor root, so that user could point it elsewhere, and with it " + target
              + ": give the real path, or chown -h it to " + me() + " (or root)");
        }
        if (++links > MAX_LINKS) {
          throw refuse.apply("too many symbolic links resolving the path of " + target);
        }
        Path rest = cur.resolve(readLink(next));
        for (int j = i + 1; j < n; j++) {
          rest = rest.resolve(path.getName(j));
        }
        return resolve(rest, lastIsDirectory);
      }
      boolean last = i == n - 1;
      if (type == DIRECTORY && (!last || lastIsDirectory)) {
        checkDirectory(next, a);
      } else if (!last) {
        return null;   // not a directory: the open reports it
      }
      cur = next;
    }
    return cur;
  }

  private void checkDirectory(Path dir, Map<String, Object> a) {
    if (!checked.add(dir)) {
      return;
    }
    int mode = mode(a);
    boolean sticky = (mode & STICKY) != 0;
    if ((mode & OTHERS_WRITE) != 0 && !sticky) {
      throw refuse.apply("the directory " + dir + " is writable by all users without the sticky bit, so anyone "
          + "could rename what is in it and put their own in its place, and with it " + target + ": chmod o-w "
          + "(or +t) it, or keep " + target + " under directories only root or this user can write");
    }
    if (!trusted(uid(a))) {
      throw refuse.apply("the directory " + dir + " belongs to uid " + uid(a) + ", neither this process's user ("
          + me() + ") nor root, so that user could rename what is in it and put their own in its place, and with "
          + "it " + target + ": chown it to " + me() + " (or root), or keep " + target + " under directories of "
          + "root or this user");
    }
    if ((mode & GROUP_WRITE) != 0 && !sticky) {
      // Checked at every open: said at WARN once per process, at DEBUG after.
      LOG.atLevel(StandingWarnings.PROCESS.level(dir, "writable by its group")).log("the directory {} is writable "
          + "by its group without the sticky bit: every member could rename what is in it and put their own in its "
          + "place, and with it {}; chmod g-w it", dir, target);
    }
  }

  /** The {@code unix:} mode, uid and link count of {@code p}, not followed; null when missing or not POSIX. */
  private @Nullable Map<String, Object> attributes(Path p) {
    try {
      return Files.readAttributes(p, "unix:mode,uid,nlink", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException missing) {
      return null;
    } catch (UnsupportedOperationException | IllegalArgumentException notUnix) {
      return null;
    } catch (IOException e) {
      // The exception's type, not its message: that is only the path again.
      throw refuse.apply("cannot check " + p + " on the way to " + target + ": " + e.getClass().getSimpleName());
    }
  }

  private Path readLink(Path link) {
    try {
      return Files.readSymbolicLink(link);
    } catch (IOException e) {
      throw refuse.apply("cannot read the symbolic link " + link + " on the way to " + target + ": "
          + e.getClass().getSimpleName());
    }
  }

  private static int mode(Map<String, Object> a) {
    return (Integer) a.get("mode");
  }

  private static int uid(Map<String, Object> a) {
    return (Integer) a.get("uid");
  }

  /** Ours or root's; anyone's when this process's uid cannot be known (then only modes are checked). */
  private static boolean trusted(int uid) {
    return uid == 0 || ME.isEmpty() || uid == ME.getAsInt();
  }

  private static String me() {
    return ME.isPresent() ? "uid " + ME.getAsInt() : "unknown uid";
  }

  /**
   * This process's uid: the owner of {@code /proc/self} (Linux, the effective uid), else {@code UnixSystem}'s
   * (jdk.security.auth, the real uid), else unknown.
   */
  private static OptionalInt currentUid() {
    try {
      return OptionalInt.of((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | RuntimeException noProc) {
      // not Linux
    }
    try {
      Class<?> unix = Class.forName("com.sun.security.auth.module.UnixSystem");
      Object system = unix.getConstructor().newInstance();
      return OptionalInt.of(Math.toIntExact((Long) unix.getMethod("getUid").invoke(system)));
    } catch (ReflectiveOperationException | LinkageError | RuntimeException notUnix) {
      return OptionalInt.empty();
    }
  }
}

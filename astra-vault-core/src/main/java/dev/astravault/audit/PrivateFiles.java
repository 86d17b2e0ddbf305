package dev.astravault.audit;

import dev.astravault.AuditException;
import dev.astravault.internal.files.FileModes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * Opens audit files through {@link FileModes}: created {@code 0600} with {@code 0700} parents whatever the umask, a
 * warning when an existing one is open to others, and never through a symbolic link. A path another local user could
 * replace, or an existing file of another user, is refused with an {@link AuditException} ({@link #REFUSE}).
 */
final class PrivateFiles {
  /** An audit file or directory that {@link dev.astravault.internal.files.PathTrust} refuses. */
  static final Function<String, AuditException> REFUSE = message -> new AuditException(message, null);

  private PrivateFiles() {}

  /** Opens {@code file} for appending, creating it (and missing parents) private to this user. */
  static FileChannel openAppend(Path file) throws IOException {
    return open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
  }

  static FileChannel open(Path file, Set<StandardOpenOption> options) throws IOException {
    FileModes.privateFile(file, "audit file", REFUSE);
    // NOFOLLOW_LINKS: a link put in place after privateFile checked the name is refused too (ELOOP).
    Set<OpenOption> noFollow = new HashSet<>(options);
    noFollow.add(LinkOption.NOFOLLOW_LINKS);
    return FileChannel.open(file, noFollow);
  }
}

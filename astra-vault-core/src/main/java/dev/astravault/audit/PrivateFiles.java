package dev.astravault.audit;

import dev.astravault.AuditException;
import dev.astravault.internal.files.FileModes;
import dev.astravault.internal.files.PathTrust;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.function.Function;

/**
 * Opens audit files through {@link FileModes}: created {@code 0600} with {@code 0700} parents whatever the umask, a
 * warning when an existing one is open to others, and never through a symbolic link. A path another local user could
 * replace, an existing file of another user, one with another hard link, or one replaced between its check and its
 * open, is refused with an {@link AuditException} ({@link #REFUSE}).
 */
final class PrivateFiles {
  /** An audit file or directory that {@link dev.astravault.internal.files.PathTrust} refuses. */
  static final Function<String, AuditException> REFUSE = message -> new AuditException(message, null);

  private PrivateFiles() {}

  /** Opens {@code file} for appending, creating it (and missing parents) private to this user. */
  static FileChannel openAppend(Path file) throws IOException {
    return open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
  }

  /**
   * Opens the active audit file, creating it private to this user, to read its tail and append to it through one
   * descriptor (the file read is the file written), positioned at its end. A channel cannot both read and {@code
   * APPEND}; the sink is the only writer (its lock), so writing at the end is appending.
   */
  static FileChannel openActive(Path file) throws IOException {
    FileChannel channel = open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE));
    try {
      return channel.position(channel.size());
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  static FileChannel open(Path file, Set<StandardOpenOption> options) throws IOException {
    FileModes.privateFile(file, "audit file", REFUSE);
    // Not followed (a link put in place after privateFile checked the name: ELOOP), the file checked (else refused
    // as replaced), and one with no other name (a hard link would choose the file written, or truncated).
    return PathTrust.openToWrite(file, "the audit file " + file.toAbsolutePath(), REFUSE, options);
  }
}

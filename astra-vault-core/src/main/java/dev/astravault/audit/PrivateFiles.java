package dev.astravault.audit;

import dev.astravault.internal.FileModes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * Opens audit files through {@link FileModes}: created {@code 0600} with {@code 0700} parents whatever the umask, and
 * a warning when an existing one is open to others.
 */
final class PrivateFiles {
  private PrivateFiles() {}

  /** Opens {@code file} for appending, creating it (and missing parents) private to this user. */
  static FileChannel openAppend(Path file) throws IOException {
    return open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
  }

  static FileChannel open(Path file, Set<StandardOpenOption> options) throws IOException {
    FileModes.privateFile(file);
    return FileChannel.open(file, options);
  }
}

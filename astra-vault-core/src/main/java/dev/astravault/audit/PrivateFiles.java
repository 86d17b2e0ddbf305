package dev.astravault.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Audit files are created {@code 0600} and their directories {@code 0700}, where the file system knows modes. */
final class PrivateFiles {
  private static final FileAttribute<?> FILE = PosixFilePermissions.asFileAttribute(
      PosixFilePermissions.fromString("rw-------"));
  private static final FileAttribute<?> DIR = PosixFilePermissions.asFileAttribute(
      PosixFilePermissions.fromString("rwx------"));

  private PrivateFiles() {}

  /** Opens {@code file} for appending, creating it (and missing parents) private to this user. */
  static FileChannel openAppend(Path file) throws IOException {
    return open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
  }

  static FileChannel open(Path file, Set<StandardOpenOption> options) throws IOException {
    createParents(file);
    try {
      return FileChannel.open(file, options, FILE);
    } catch (UnsupportedOperationException notPosix) {
      return FileChannel.open(file, options);
    }
  }

  static void createParents(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null || Files.isDirectory(parent)) {
      return;
    }
    try {
      Files.createDirectories(parent, DIR);
    } catch (UnsupportedOperationException notPosix) {
      Files.createDirectories(parent);
    }
  }
}

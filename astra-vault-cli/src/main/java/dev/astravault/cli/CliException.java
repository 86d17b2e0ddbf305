package dev.astravault.cli;

/** A failure the CLI itself detects, with its exit code: {@link #USAGE} (2) or {@link #FAILURE} (1). */
final class CliException extends RuntimeException {
  static final int FAILURE = 1;
  static final int USAGE = 2;
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  private CliException(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  /** The command line asks for something impossible or incomplete (exit 2). */
  static CliException usage(String message) {
    return new CliException(USAGE, message);
  }

  /** The operation could not be done (exit 1). */
  static CliException failure(String message) {
    return new CliException(FAILURE, message);
  }

  int exitCode() {
    return exitCode;
  }
}

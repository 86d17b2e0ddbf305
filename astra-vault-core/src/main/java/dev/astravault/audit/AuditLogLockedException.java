package dev.astravault.audit;

import dev.astravault.AstraVaultException;
import java.nio.file.Path;

/**
 * Another writer holds the audit file: {@link JsonLinesAuditSink} takes an OS-level lock on {@code FILE.lock} so that
 * two processes (an application and the CLI, say) never write the same chain. {@link #holder()} is what the holder
 * wrote into the lock file: its pid, host and start time.
 */
public class AuditLogLockedException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  /** Who holds the lock, as the holder described itself. */
  private final String holder;

  /**
   * Creates the exception.
   *
   * @param file the audit file that is locked
   * @param holder who holds it, as the holder described itself
   */
  public AuditLogLockedException(Path file, String holder) {
    super("the audit log " + file + " is held by another writer (" + holder + "): one writer per file; give each "
        + "process its own file");
    this.file = file;
    this.holder = holder;
  }

  /**
   * The audit file that is locked.
   *
   * @return the audit file that is locked
   */
  public Path file() {
    return file;
  }

  /**
   * Who holds it, as the holder described itself: {@code pid N on HOST since TIME}, or {@code unknown}.
   *
   * @return the holder's description
   */
  public String holder() {
    return holder;
  }
}

package dev.astravault.internal.support;

/** Cleanup that must run although the calling thread was interrupted. */
public final class Interrupts {
  private Interrupts() {}

  /**
   * Runs {@code cleanup} with the thread's interrupt status cleared, then sets it again if it was set. A client whose
   * calls are interruptible (Vault's) refuses to send for an interrupted thread: undoing a write-ahead record after an
   * interrupted call would otherwise be refused by that same interrupt, and leave the record behind.
   */
  public static void heldBack(Runnable cleanup) {
    boolean interrupted = Thread.interrupted();
    try {
      cleanup.run();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

package dev.astravault.internal.files;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.event.Level;

/**
 * Warnings about a standing setup ({@link PathTrust}'s group-writable directory, {@link FileModes}' file others can
 * read), said at WARN once per process and at DEBUG after. The checks behind them run at every SQLite connection
 * open, audit rotation and Kubernetes login, so one deliberate setup (a volume with {@code fsGroup} is group-writable)
 * would otherwise repeat the same WARN for as long as the process runs. A warning is the same when its path and its
 * reason are; what the path holds is not part of it (the fix is the same).
 *
 * <p>What was said is remembered in a bounded set: a process meets a few dozen configured paths, not hundreds. Past
 * the bound a new warning is not remembered and is logged at WARN every time, as before this memory: a warning about
 * a path another user may control is never turned down because memory ran out, and forgetting older ones to make room
 * would bring their repeats back just the same. Thread-safe: a repeat is answered from the concurrent set without a
 * lock; a new warning is added under one, held for the set alone and never while logging, so that racing threads say
 * it once and the set never holds more than the bound.
 */
final class StandingWarnings {
  /** Room for every path a process checks, with a wide margin; each entry is a path and a short reason. */
  static final int MAX_REMEMBERED = 256;
  /** The process's memory, which {@link PathTrust} and {@link FileModes} log through. */
  static final StandingWarnings PROCESS = new StandingWarnings(MAX_REMEMBERED);

  private record Said(Path path, String reason) {}

  private final int max;
  private final Set<Said> said = ConcurrentHashMap.newKeySet();

  StandingWarnings(int max) {
    this.max = max;
  }

  /**
   * The level to log the warning {@code reason} about {@code path} at: WARN the first time, DEBUG after; WARN every
   * time when it could not be remembered.
   */
  Level level(Path path, String reason) {
    Said warning = new Said(path, reason);
    if (said.contains(warning)) {
      return Level.DEBUG;   // the usual case, a repeat: no lock
    }
    synchronized (said) {
      if (said.contains(warning)) {
        return Level.DEBUG;
      }
      if (said.size() < max) {
        said.add(warning);
      }
    }
    return Level.WARN;
  }

  /** How many warnings are remembered, for tests. */
  int remembered() {
    return said.size();
  }
}

package dev.astravault.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A point of a chained audit log that was seen to exist: the log's file name, a sequence number, the MAC of that line,
 * and when it was taken. Kept by an {@link AuditWitness} out of the attacker's reach, it lets
 * {@link AuditLogVerifier} notice a log that was cut short, emptied, deleted or rebuilt: the log must still contain
 * this exact line, and chain correctly after it. A log that merely grew past it stays valid.
 *
 * @param log the active file's name (for example {@code audit.jsonl}), which names the chain across rotations
 * @param seq the sequence number of the line
 * @param mac that line's MAC (64 hex digits), safe to publish: it reveals nothing of the key or the events
 * @param time when the checkpoint was taken
 */
public record AuditCheckpoint(String log, long seq, String mac, Instant time) {
  private static final Pattern MAC = Pattern.compile("[0-9a-f]{64}");

  /**
   * Checks the components: a log file name without a directory, a sequence of at least 1, a 64-hex-digit MAC.
   *
   * @throws IllegalArgumentException if a component is malformed
   *
   * @param log the active file's name (for example {@code audit.jsonl}), which names the chain across rotations
   * @param seq the sequence number of the line
   * @param mac that line's MAC (64 hex digits), safe to publish: it reveals nothing of the key or the events
   * @param time when the checkpoint was taken
   */
  public AuditCheckpoint {
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(mac, "mac");
    Objects.requireNonNull(time, "time");
    if (log.isBlank() || log.contains("/") || log.contains("\\")) {
      throw new IllegalArgumentException("log must be a file name without a directory, was '" + log + "'");
    }
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be >= 1, was " + seq);
    }
    if (!MAC.matcher(mac).matches()) {
      throw new IllegalArgumentException("mac must be 64 lowercase hex digits");
    }
  }

  /**
   * {@code seq:mac}, the form the CLI's {@code --checkpoint} takes.
   *
   * @return {@code seq:mac}
   */
  public String toShortString() {
    return seq + ":" + mac;
  }

  /**
   * Parses {@code seq:mac} (as {@link #toShortString()} writes it) for the log named {@code log}.
   *
   * @param log the name of the log file the checkpoint belongs to
   * @param seqColonMac the checkpoint as {@code seq:mac}
   * @return the checkpoint
   */
  public static AuditCheckpoint parse(String log, String seqColonMac) {
    Objects.requireNonNull(seqColonMac, "checkpoint");
    int colon = seqColonMac.indexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException("a checkpoint is SEQ:MAC, e.g. 42:9f86d0…, was '" + seqColonMac + "'");
    }
    long seq;
    try {
      seq = Long.parseLong(seqColonMac.substring(0, colon));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a checkpoint is SEQ:MAC; SEQ is not a number in '" + seqColonMac + "'");
    }
    return new AuditCheckpoint(log, seq, seqColonMac.substring(colon + 1), Instant.EPOCH);
  }
}

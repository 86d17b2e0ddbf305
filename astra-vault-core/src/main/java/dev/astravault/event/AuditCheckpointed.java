package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Instant;

/**
 * A chained audit file's writer published a checkpoint of its log ({@code AuditWitness.sink(..)}): line {@code seq}
 * of the log {@code log} has the MAC {@code mac}. Recorded on another sink, so that the log's truncation is visible
 * from outside it.
 */
public record AuditCheckpointed(Instant time, Actor actor, String log, long seq, String mac) implements AuditEvent {
  @Override
  public String type() {
    return "audit.checkpoint";
  }
}

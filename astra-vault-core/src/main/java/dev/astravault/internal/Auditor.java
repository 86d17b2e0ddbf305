package dev.astravault.internal;

import dev.astravault.Actor;
import dev.astravault.ActorProvider;
import dev.astravault.AuditSink;
import dev.astravault.LeaseRecord;
import dev.astravault.event.AuditEvent;
import dev.astravault.event.TokenRef;
import dev.astravault.internal.crypto.Hashing;
import dev.astravault.internal.redact.Redaction;
import java.security.SecureRandom;
import java.util.List;
import org.slf4j.Logger;

/**
 * Sends events to every sink, guarded: a sink that throws is logged (by type only) and skipped. Knows the HMAC key
 * that turns a token into a matchable, non-reversible reference.
 */
public final class Auditor {
  private static final Logger LOG = Redaction.logger(Auditor.class);

  private final List<AuditSink> sinks;
  private final ActorProvider actors;
  private final byte[] hmacKey;
  private final boolean recordsNothing;

  public Auditor(List<AuditSink> sinks, ActorProvider actors, byte[] hmacKey) {
    this.sinks = List.copyOf(sinks);
    this.actors = actors;
    this.hmacKey = hmacKey.clone();
    this.recordsNothing = this.sinks.stream().allMatch(AuditSink::recordsNothing);
  }

  /** Whether every sink discards events: then no HMAC is computed (the events go nowhere). */
  public boolean recordsNothing() {
    return recordsNothing;
  }

  /** A random per-process key: HMACs then match only within this process unless a key is configured. */
  public static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  public Actor actor() {
    try {
      return actors.current();
    } catch (RuntimeException e) {
      LOG.warn("ActorProvider failed ({}); using the system actor", e.getClass().getName());
      return SystemActorProvider.INSTANCE.current();
    }
  }

  /** Records the event on every sink; returns whether at least one sink recorded it. */
  public boolean record(AuditEvent event) {
    boolean recorded = false;
    for (AuditSink sink : sinks) {
      try {
        sink.record(event);
        recorded = true;
      } catch (RuntimeException | Error e) {
        if (e instanceof VirtualMachineError vme) {
          throw vme;
        }
        // The message of a sink's exception is not ours to trust; log its type only.
        LOG.warn("audit sink {} failed to record {}: {}", sink.getClass().getName(), event.type(),
            e.getClass().getName());
      }
    }
    return recorded;
  }

  public String hmac(String token) {
    return Hashing.hmacSha256Hex(hmacKey, token);
  }

  public TokenRef ref(LeaseRecord record) {
    return new TokenRef(record.orgId(), record.roleName(), record.logicalName().orElse(null),
        record.clientId().orElse(null), record.leaseId(), record.metadata(),
        recordsNothing ? null : record.token().map(this::hmac).orElse(null));
  }
}

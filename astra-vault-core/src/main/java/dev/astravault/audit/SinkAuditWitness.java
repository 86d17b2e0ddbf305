package dev.astravault.audit;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import dev.astravault.ActorProvider;
import dev.astravault.AuditSink;
import dev.astravault.StoreException;
import dev.astravault.event.AuditCheckpointed;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** {@link AuditWitness#sink} and {@link AuditWitness#jdbc}: checkpoints as {@code audit.checkpoint} events. */
final class SinkAuditWitness implements AuditWitness {
  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);
  /** Checkpoints are scanned newest first; a table holds one per interval per log, so this reaches far back. */
  private static final int SCAN = 1000;

  private final AuditSink sink;
  private final @Nullable JdbcAuditSink table;

  SinkAuditWitness(AuditSink sink, @Nullable JdbcAuditSink table) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.table = table;
  }

  @Override
  public void publish(AuditCheckpoint c) {
    sink.record(new AuditCheckpointed(c.time(), ActorProvider.system().current(), c.log(), c.seq(), c.mac()));
  }

  @Override
  public Optional<AuditCheckpoint> latest(String log) {
    if (table == null) {
      return Optional.empty();
    }
    String sql = "SELECT event_json FROM " + table.table() + " WHERE type = 'audit.checkpoint' ORDER BY id DESC";
    try (Connection c = table.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setMaxRows(SCAN);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Optional<AuditCheckpoint> checkpoint = parse(rs.getString(1));
          if (checkpoint.isPresent() && checkpoint.get().log().equals(log)) {
            return checkpoint;
          }
        }
      }
      return Optional.empty();
    } catch (SQLException e) {
      throw new StoreException("cannot read audit checkpoints from " + table.table() + " (SQLState "
          + e.getSQLState() + ", code " + e.getErrorCode() + ")", null);
    }
  }

  private static Optional<AuditCheckpoint> parse(String eventJson) {
    try {
      if (JSON.fromJson(eventJson) instanceof Map<?, ?> event && event.get("details") instanceof Map<?, ?> d) {
        return Optional.of(new AuditCheckpoint((String) d.get("log"), ((Number) d.get("seq")).longValue(),
            (String) d.get("mac"), Instant.parse((String) event.get("time"))));
      }
    } catch (IOException | RuntimeException e) {
      // Not a checkpoint we wrote: skip it.
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return table != null ? "AuditWitness.jdbc(" + table.table() + ")" : "AuditWitness.sink(" + sink + ")";
  }
}

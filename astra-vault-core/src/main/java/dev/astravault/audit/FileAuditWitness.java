package dev.astravault.audit;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** {@link AuditWitness#file}: one JSON line per checkpoint, appended and forced to disk. */
final class FileAuditWitness implements AuditWitness {
  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);

  private final Path file;

  FileAuditWitness(Path file) {
    this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
  }

  @Override
  public synchronized void publish(AuditCheckpoint checkpoint) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("log", checkpoint.log());
    line.put("seq", checkpoint.seq());
    line.put("mac", checkpoint.mac());
    line.put("time", checkpoint.time().toString());
    byte[] bytes = (JSON.toJson(line) + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel channel = PrivateFiles.openAppend(file)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the audit witness file " + file, e);
    }
  }

  @Override
  public synchronized Optional<AuditCheckpoint> latest(String log) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the audit witness file " + file, e);
    }
    for (int i = lines.size() - 1; i >= 0; i--) {
      Optional<AuditCheckpoint> c = parse(lines.get(i));
      if (c.isPresent() && c.get().log().equals(log)) {
        return c;
      }
    }
    return Optional.empty();
  }

  /** A checkpoint line, or empty when the line is not one (a torn last line, say). */
  static Optional<AuditCheckpoint> parse(String line) {
    try {
      if (!(JSON.fromJson(line) instanceof Map<?, ?> m)) {
        return Optional.empty();
      }
      return Optional.of(new AuditCheckpoint((String) m.get("log"), ((Number) m.get("seq")).longValue(),
          (String) m.get("mac"), Instant.parse((String) m.get("time"))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "AuditWitness.file(" + file + ")";
  }
}

package dev.astravault.audit;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import dev.astravault.AuditException;
import dev.astravault.internal.files.PathTrust;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@link AuditWitness#file}: one JSON line per checkpoint, appended and forced to disk. The file only grows: one that
 * is shorter, or another file, at the next checkpoint of this witness was cut or rewritten (its newest checkpoints
 * gone, so a log cut as far back would pass), and that checkpoint, still appended, is reported as failed.
 */
final class FileAuditWitness implements AuditWitness {
  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);
  /** A checkpoint line is about 200 bytes: a longer line is not one, and is not read. */
  private static final int MAX_CHECKPOINT_LINE = 1 << 16;

  private final Path file;
  /** The file's identity and size after this witness last appended to it; null before. */
  private @Nullable Object writtenKey;
  private long writtenSize;

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
    String rewritten;
    try (FileChannel channel = PrivateFiles.openAppend(file)) {
      Object key = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
      long before = channel.size();
      rewritten = writtenKey == null ? null : !writtenKey.equals(key) ? "is another file than the one"
          : before < writtenSize ? "is shorter (" + before + " bytes) than the " + writtenSize + " bytes" : null;
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(false);
      writtenKey = key;
      writtenSize = channel.size();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the audit witness file " + file, e);
    }
    if (rewritten != null) {
      throw new AuditException("the audit witness file " + file + " " + rewritten + " it held after its last "
          + "checkpoint: it was cut or rewritten, and the checkpoints it lost no longer catch a log cut as far back; "
          + "checkpoint " + checkpoint.seq() + " of " + checkpoint.log() + " is appended, compare the file with its "
          + "copies", null);
    }
  }

  @Override
  public synchronized Optional<AuditCheckpoint> latest(String log) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException missing) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the audit witness file " + file, e);
    }
    if (!a.isRegularFile()) {
      // Opening a FIFO would wait for a writer for ever; a device could stream without end.
      throw new AuditException("the audit witness file " + file + " is not a regular file (a directory, a FIFO or "
          + "a device): it is not read", null);
    }
    // From the end, line by line: the newest checkpoint is near it, and the file grows for as long as the log lives.
    // Checked as the other audit files read, and refused as publish refuses it (a link at its name, a second name).
    try (FileChannel in = PathTrust.openWrittenToRead(file, "the audit witness file", PrivateFiles.REFUSE)) {
      LineReader.Backward lines = LineReader.backward(in);
      for (LineReader.Line line = lines.next(MAX_CHECKPOINT_LINE); line != null;
          line = lines.next(MAX_CHECKPOINT_LINE)) {
        byte[] bytes = line.bytes();   // null: longer than any checkpoint line, so not read
        Optional<AuditCheckpoint> c = bytes == null ? Optional.empty()
            : parse(new String(bytes, StandardCharsets.UTF_8));
        if (c.isPresent() && c.get().log().equals(log)) {
          return c;
        }
      }
      return Optional.empty();
    } catch (NoSuchFileException missing) {
      return Optional.empty();   // removed since the look above
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the audit witness file " + file, e);
    }
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

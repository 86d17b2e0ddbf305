package dev.astravault.audit;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import dev.astravault.AuditSink;
import dev.astravault.event.AuditEvent;
import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * An append-only JSON-lines audit file whose lines form a hash chain: each line carries its sequence number, the
 * hash of the previous line and its own hash, so that {@link AuditLogVerifier} finds any edited, deleted, inserted
 * or reordered line.
 *
 * <pre>{@code
 * JsonLinesAuditSink sink = JsonLinesAuditSink.builder(Path.of("/var/log/app/audit.jsonl"))
 *     .fsync(FsyncPolicy.atMostEvery(Duration.ofSeconds(1))).maxFileSize(64 << 20).build();
 * }</pre>
 *
 * <p><b>Rotation.</b> When a line would take the file past {@code maxFileSize}, the file is renamed to
 * {@code audit.jsonl.1} (then {@code .2}, ...: a higher number is newer) and a new one is started. The chain
 * continues across files, and across restarts: a new sink continues from the last complete line it finds.
 *
 * <p><b>Crashes.</b> A line cut short by a crash is left as it is (the verifier reports it); the next line starts on a
 * new line and chains to the last complete one.
 *
 * <p>Thread-safe: lines are written one at a time, each with one {@code write} call. Synchronous file I/O: put it
 * behind {@link AsyncAuditSink} when callers must not wait for the disk.
 */
public final class JsonLinesAuditSink implements AuditSink, Closeable {
  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);

  private final Path path;
  private final FsyncPolicy fsync;
  private final long maxFileSize;
  private final Object lock = new Object();
  private FileChannel channel;
  private long size;
  private long seq;
  private String prev;
  private long lastFsyncNanos = System.nanoTime();
  private boolean closed;

  private JsonLinesAuditSink(Builder b) throws IOException {
    this.path = b.path.toAbsolutePath();
    this.fsync = b.fsync;
    this.maxFileSize = b.maxFileSize;
    Path parent = path.getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Tail tail = Tail.of(path);
    if (tail == null) {
      List<Path> rotated = rotatedFiles(path);
      tail = rotated.isEmpty() ? null : Tail.of(rotated.get(rotated.size() - 1));
    }
    this.seq = tail == null ? 0 : tail.seq;
    this.prev = tail == null ? HashChain.GENESIS : tail.hash;
    this.channel = open(path);
    this.size = channel.size();
    if (tail != null && tail.partial && tail.file.equals(path)) {
      write("\n".getBytes(StandardCharsets.UTF_8)); // end the torn line; the verifier still reports it
    }
  }

  /**
   * A sink appending to {@code path}, rotated to {@code path.1}, {@code .2}, ...
   *
   * @param path the active log file
   * @return a builder
   */
  public static Builder builder(Path path) {
    return new Builder(path);
  }

  /** {@return the active file} */
  public Path path() {
    return path;
  }

  @Override
  public void record(AuditEvent event) {
    String eventJson = JSON.toJson(AuditEvents.toMap(event));
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("audit file sink is closed");
      }
      HashChain.Line line = HashChain.line(seq + 1, prev, eventJson);
      byte[] bytes = (line.text() + "\n").getBytes(StandardCharsets.UTF_8);
      try {
        if (size > 0 && size + bytes.length > maxFileSize) {
          rotate();
        }
        write(bytes);
        long now = System.nanoTime();
        if (fsync.due(now - lastFsyncNanos)) {
          channel.force(false);
          lastFsyncNanos = now;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot append to the audit file " + path, e);
      }
      seq++;
      prev = line.hash();
    }
  }

  private void write(byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    size += bytes.length;
  }

  private void rotate() throws IOException {
    channel.force(true);
    channel.close();
    List<Path> rotated = rotatedFiles(path);
    long next = rotated.isEmpty() ? 1 : index(rotated.get(rotated.size() - 1)) + 1;
    Files.move(path, path.resolveSibling(path.getFileName() + "." + next), StandardCopyOption.ATOMIC_MOVE);
    channel = open(path);
    size = 0;
  }

  /** Forces written lines to disk. */
  public void sync() {
    synchronized (lock) {
      try {
        if (!closed) {
          channel.force(false);
          lastFsyncNanos = System.nanoTime();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot fsync the audit file " + path, e);
      }
    }
  }

  /** Forces the file to disk and closes it; later events throw. */
  @Override
  public void close() throws IOException {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        channel.force(true);
      } finally {
        channel.close();
      }
    }
  }

  private static FileChannel open(Path path) throws IOException {
    return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /** Rotated files of {@code active}, oldest first. */
  static List<Path> rotatedFiles(Path active) {
    Path dir = active.toAbsolutePath().getParent();
    String name = active.getFileName().toString();
    Pattern rotated = Pattern.compile(Pattern.quote(name) + "\\.(\\d{1,9})");
    if (dir == null || !Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> out = new ArrayList<>(files.filter(p -> rotated.matcher(p.getFileName().toString()).matches())
          .toList());
      out.sort(Comparator.comparingLong(JsonLinesAuditSink::index));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static long index(Path rotated) {
    String name = rotated.getFileName().toString();
    return Long.parseLong(name.substring(name.lastIndexOf('.') + 1));
  }

  /** The last complete line of a file, read from the end. */
  private record Tail(Path file, long seq, String hash, boolean partial) {
    static @Nullable Tail of(Path file) throws IOException {
      if (!Files.isRegularFile(file) || Files.size(file) == 0) {
        return null;
      }
      try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
        long end = raf.length();
        raf.seek(end - 1);
        boolean partial = raf.read() != '\n';
        // Scan back for complete lines; skip a torn last line.
        List<String> lines = lastLines(raf, end);
        int from = partial ? lines.size() - 2 : lines.size() - 1;
        for (int i = from; i >= 0; i--) {
          HashChain.Parsed parsed = HashChain.parse(lines.get(i));
          if (parsed != null) {
            return new Tail(file, parsed.seq(), parsed.hash(), partial);
          }
        }
        throw new IOException("no valid audit line at the end of " + file + "; verify it and move it away");
      }
    }

    /** The last two lines (enough to skip one torn line), reading backwards in chunks. */
    private static List<String> lastLines(RandomAccessFile raf, long end) throws IOException {
      long pos = end;
      int newlines = 0;
      byte[] chunk = new byte[8192];
      long start = 0;
      outer:
      while (pos > 0) {
        int n = (int) Math.min(chunk.length, pos);
        pos -= n;
        raf.seek(pos);
        raf.readFully(chunk, 0, n);
        for (int i = n - 1; i >= 0; i--) {
          if (chunk[i] == '\n' && pos + i != end - 1 && ++newlines == 2) {
            start = pos + i + 1;
            break outer;
          }
        }
      }
      byte[] tail = new byte[(int) (end - start)];
      raf.seek(start);
      raf.readFully(tail);
      String text = new String(tail, StandardCharsets.UTF_8);
      List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
      if (out.get(out.size() - 1).isEmpty()) {
        out.remove(out.size() - 1);
      }
      return out;
    }
  }

  /** Builds a {@link JsonLinesAuditSink}. */
  public static final class Builder {
    private final Path path;
    private FsyncPolicy fsync = FsyncPolicy.atMostEvery(java.time.Duration.ofSeconds(1));
    private long maxFileSize = 64L << 20;

    private Builder(Path path) {
      this.path = Objects.requireNonNull(path, "path");
    }

    /**
     * Default: {@code FsyncPolicy.atMostEvery(1s)}.
     *
     * @param policy when to force the file to disk
     * @return this builder
     */
    public Builder fsync(FsyncPolicy policy) {
      this.fsync = Objects.requireNonNull(policy, "fsync");
      return this;
    }

    /**
     * Rotate before a line would take the file past this many bytes; default 64 MiB.
     *
     * @param bytes the largest file size
     * @return this builder
     */
    public Builder maxFileSize(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxFileSize must be at least 1024 bytes, was " + bytes);
      }
      this.maxFileSize = bytes;
      return this;
    }

    /**
     * Opens (or continues) the file.
     *
     * @return the sink
     */
    public JsonLinesAuditSink build() {
      try {
        return new JsonLinesAuditSink(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open the audit file " + path, e);
      }
    }
  }
}

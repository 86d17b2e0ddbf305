package dev.astravault.audit;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import dev.astravault.AuditException;
import dev.astravault.AuditSink;
import dev.astravault.KeyProvider;
import dev.astravault.Scheduler;
import dev.astravault.event.AuditEvent;
import dev.astravault.internal.ExecutorScheduler;
import dev.astravault.internal.files.FileModes;
import dev.astravault.internal.files.PathTrust;
import dev.astravault.internal.support.Validation;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only JSON-lines audit file whose lines form a keyed chain: each line carries its sequence number, the id
 * of the key that MACs it, the MAC of the previous line and its own HMAC-SHA256, so that {@link AuditLogVerifier}
 * finds any edited, deleted, inserted or reordered line, and nobody without the key can rebuild a consistent chain.
 *
 * <pre>{@code
 * JsonLinesAuditSink sink = JsonLinesAuditSink.builder(Path.of("/var/log/app/audit.jsonl"))
 *     .keys(KeyProvider.fromEnv("ASTRA_VAULT_AUDIT_KEY"))
 *     .witness(AuditWitness.jdbc(JdbcAuditSink.builder(dataSource).build())).checkpointEvery(Duration.ofMinutes(1))
 *     .maxFileSize(64L << 20).maxFileAge(Duration.ofDays(1)).maxRotatedFiles(30).build();
 * }</pre>
 *
 * <p><b>One writer.</b> The sink holds an OS lock on {@code FILE.lock} until {@link #close()}; a second sink on the
 * same file, in this process or another, fails with {@link AuditLogLockedException} naming the holder.
 *
 * <p><b>Rotation.</b> Before a line would take the file past {@code maxFileSize}, or once the file is older than
 * {@code maxFileAge} (by the injected {@link Clock}), the file is renamed {@code FILE.N} (a higher number is newer)
 * and a new file starts with a note naming its predecessor. With {@code maxRotatedFiles}, the oldest rotated files
 * beyond that count are deleted and the note records up to which sequence number. The chain continues across files
 * and restarts: a new sink continues from the last complete line.
 *
 * <p><b>Checkpoints.</b> With a {@link AuditWitness}, the sink publishes its head ({@link AuditCheckpoint}) on the
 * scheduler every {@code checkpointEvery} (after forcing the file to disk) and at {@link #close()}.
 *
 * <p><b>Crashes.</b> A line cut short by a crash is ended at the next start, followed by a note with its length and
 * hash, so the verifier reports it as torn by a crash rather than as tampering.
 *
 * <p>Files are created {@code 0600}, directories {@code 0700}. A path another local user could replace (a directory
 * on the way writable by all without the sticky bit, or theirs) or an existing file of theirs is refused with an
 * {@link AuditException}: they could cut or rewrite the trail. So is a rotated file of theirs (or a link of theirs)
 * that the sink would read to continue the chain, or delete for retention: {@link #record} then throws it before
 * rotating, and the files stay as they are. So is a file with a second hard link where the sink writes, a file
 * replaced between its check and its open, a last line that fails its MAC under a key the sink holds (the chain is
 * not continued from it), and, for retention, a rotated file whose last line is not the one the next file's first
 * line continues (a file swapped in would choose which sequence numbers the chain records as deleted). Lines longer
 * than 16 MiB are not read back. Thread-safe; synchronous file I/O: put it behind {@link AsyncAuditSink} when
 * callers must not wait for the disk.
 */
public final class JsonLinesAuditSink implements AuditSink, Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(JsonLinesAuditSink.class);
  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);
  private static final Pattern TIME = Pattern.compile("\"time\":\"([^\"]{1,40})\"");
  /** The highest rotation number: {@link #rotatedFiles} lists nine digits. */
  private static final long MAX_ROTATION = 999_999_999L;
  /**
   * The longest line read back (the verifier's limit too): an event is a few KiB (32 metadata values of 512
   * characters at most), so a longer line was not written by a sink, and is not held whole.
   */
  static final int MAX_LINE = 1 << 24;

  private final Path path;
  private final String name;
  private final FsyncPolicy fsync;
  private final long maxFileSize;
  private final @Nullable Duration maxFileAge;
  private final int maxRotatedFiles;
  private final Clock clock;
  private final AuditChain.Macs macs;
  private final @Nullable AuditWitness witness;
  private final @Nullable Duration checkpointEvery;
  private final @Nullable Scheduler scheduler;
  private final @Nullable ExecutorScheduler ownScheduler;
  private final AtomicLong witnessFailures = new AtomicLong();
  private final Object lock = new Object();
  private final FileChannel lockChannel;
  private final FileLock fileLock;
  private FileChannel channel;
  private long size;
  private long seq;
  private String prev;
  private String pendingMac = "";
  private Instant openedAt;
  private long lastFsyncNanos = System.nanoTime();
  private long publishedSeq;
  private Scheduler.@Nullable Task checkpointTask;
  private boolean closed;

  private JsonLinesAuditSink(Builder b) throws IOException {
    this.path = b.path.toAbsolutePath();
    this.name = String.valueOf(path.getFileName());
    this.fsync = b.fsync;
    this.maxFileSize = b.maxFileSize;
    this.maxFileAge = b.maxFileAge;
    this.maxRotatedFiles = b.maxRotatedFiles;
    this.clock = b.clock;
    this.macs = new AuditChain.Macs(b.keys);
    this.witness = b.witness;
    this.checkpointEvery = b.witness == null ? null : b.checkpointEvery;
    this.ownScheduler = checkpointEvery != null && b.scheduler == null
        ? ExecutorScheduler.singleThread("astra-vault-audit-checkpoint") : null;
    this.scheduler = b.scheduler != null ? b.scheduler : ownScheduler;
    Path parent = path.getParent();
    if (parent != null) {
      // 0700 when we create it; a warning when it is open to others; refused when another user could replace it
      FileModes.privateDirectories(parent, PrivateFiles.REFUSE);
    }
    this.lockChannel = PrivateFiles.open(lockFile(path),
        Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE));
    this.fileLock = lock(path, lockChannel);
    FileChannel opened = null;
    try {
      // Refuses a symbolic link, a hard link or another user's file, creates it 0600; the tail is read from the
      // file opened, so the chain continues from the file it is appended to.
      opened = PrivateFiles.openActive(path);
      Tail active = Tail.of(opened, path);
      Tail tail = active;
      if (tail == null || tail.seq == 0) {
        // No whole line in the active file (new, or only a torn first line): continue the newest rotated file.
        List<Path> rotated = rotatedFiles(path);
        tail = rotated.isEmpty() ? null : rotatedTail(rotated.get(rotated.size() - 1));
      }
      if (tail != null) {
        checkMac(tail);
      }
      this.seq = tail == null ? 0 : tail.seq;
      this.prev = tail == null ? AuditChain.GENESIS : tail.mac;
      this.publishedSeq = 0;
      this.openedAt = firstLineTime(opened).orElseGet(clock::instant);
      this.channel = opened;
      this.size = channel.size();
      if (active != null && active.torn != null) {
        endTornLine(active.torn);
      }
    } catch (IOException | RuntimeException e) {
      if (opened != null) {
        opened.close();
      }
      release();
      throw e;
    }
    if (!macs.keyed()) {
      LOG.warn("audit file {} is written without a key: anyone who can write it can rebuild its chain; configure "
          + "JsonLinesAuditSink.builder(..).keys(..)", path);
    }
    if (witness != null) {
      checkAgainstWitness(witness);
    }
    if (checkpointEvery != null) {
      scheduleCheckpoint();
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

  /**
   * Checkpoints the witness refused or could not take.
   *
   * @return the number of checkpoints not published
   */
  public long witnessFailures() {
    return witnessFailures.get();
  }

  @Override
  public void record(AuditEvent event) {
    String eventJson = JSON.toJson(AuditEvents.toMap(event));
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("audit file sink is closed");
      }
      try {
        byte[] bytes = line(false, eventJson);
        if (size > 0 && (size + bytes.length > maxFileSize || ageDue())) {
          rotate();
          bytes = line(false, eventJson);
        }
        write(bytes);
        long now = System.nanoTime();
        if (fsync.due(now - lastFsyncNanos)) {
          channel.force(false);
          lastFsyncNanos = now;
        }
      } catch (IOException e) {
        // An IOException's message names a path and what is wrong with it, never a line's content.
        throw new UncheckedIOException("cannot append to the audit file " + path + ": " + e.getMessage(), e);
      }
    }
  }

  /** The next line's bytes; {@link #write} commits it to the chain. */
  private byte[] line(boolean note, String json) {
    String kid = macs.currentKid();
    String body = AuditChain.body(seq + 1, kid, prev, note, json);
    pendingMac = macs.mac(kid, body).orElseThrow(() -> new IllegalStateException(
        "the audit key provider does not hold its own current key " + kid));
    return (AuditChain.line(body, pendingMac) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private void write(byte[] bytes) throws IOException {
    writeRaw(bytes);
    seq++;
    prev = pendingMac;
  }

  private void writeRaw(byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    size += bytes.length;
  }

  private boolean ageDue() {
    return maxFileAge != null && !clock.instant().isBefore(openedAt.plus(maxFileAge));
  }

  private void rotate() throws IOException {
    List<Path> rotated = rotatedFiles(path);
    // The newest rotated file names the next one: a file planted as FILE.999999999 would push the sink's own files
    // past the nine digits rotatedFiles lists, out of continuation and retention.
    long next = rotated.isEmpty() ? 1 : index(trusted(rotated.get(rotated.size() - 1))) + 1;
    if (next > MAX_ROTATION) {
      throw new AuditException("the audit file " + path + " cannot rotate: rotation numbers are used up to "
          + MAX_ROTATION + "; move the rotated files (" + name + ".N) elsewhere", null);
    }
    Path target = path.resolveSibling(name + "." + next);
    // Retention deletes the oldest beyond maxRotatedFiles once the active file joins them (never the active one).
    List<Path> expired = maxRotatedFiles == 0 ? List.of()
        : rotated.subList(0, Math.max(0, rotated.size() + 1 - maxRotatedFiles));
    // Before anything moves (a refusal leaves the trail and this sink as they were): each file to delete must be
    // ours and end where the next file's chain begins. Else the seq its note records as deleted is the planter's
    // choice, and the verifier would take every file before that seq, deleted later by anyone, for retention.
    List<Tail> deletedTails = new ArrayList<>();
    for (int i = 0; i < expired.size(); i++) {
      deletedTails.add(chainsInto(expired.get(i), i + 1 < rotated.size() ? rotated.get(i + 1) : null));
    }
    channel.force(true);
    channel.close();
    Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
    channel = PrivateFiles.openActive(path);
    size = 0;
    openedAt = clock.instant();
    Map<String, Object> note = note("audit.rotated");
    note.put("previous", String.valueOf(target.getFileName()));
    List<String> deleted = new ArrayList<>();
    long deletedThrough = 0;
    for (int i = 0; i < expired.size(); i++) {
      Path oldest = expired.get(i);
      deletedThrough = Math.max(deletedThrough, deletedTails.get(i).seq);
      Files.delete(oldest);
      deleted.add(String.valueOf(oldest.getFileName()));
    }
    if (!deleted.isEmpty()) {
      note.put("deleted", deleted);
      note.put("deletedThroughSeq", deletedThrough);
    }
    write(line(true, JSON.toJson(note)));
  }

  /**
   * Refuses a rotated file another user could have planted or rewritten (theirs, or a link of theirs or to a file
   * of theirs): reading it would let them choose where the chain continues, or what retention notes as deleted.
   * Deleting it is refused too, as the sink reads it first, and such a file is evidence to keep, not to clean up.
   */
  private static Path trusted(Path rotated) {
    PathTrust.checkReadable(rotated, "the rotated audit file", PrivateFiles.REFUSE);
    return rotated;
  }

  /** The last whole line of a rotated file, read from the file checked (ours, or root's, not replaced meanwhile). */
  private static @Nullable Tail rotatedTail(Path rotated) throws IOException {
    try (FileChannel in = PathTrust.openToRead(rotated, "the rotated audit file", PrivateFiles.REFUSE)) {
      return Tail.of(in, rotated);
    }
  }

  /**
   * The tail of {@code deleted}, once checked to chain into the file after it ({@code next}, or the active file when
   * null): its last line's seq and MAC are those the next file's first line continues from.
   */
  private Tail chainsInto(Path deleted, @Nullable Path next) throws IOException {
    Tail tail = rotatedTail(deleted);
    AuditChain.Parsed first;
    if (next == null) {
      first = firstLine(channel);
    } else {
      try (FileChannel in = PathTrust.openToRead(next, "the rotated audit file", PrivateFiles.REFUSE)) {
        first = firstLine(in);
      }
    }
    String nextName = next == null ? name : String.valueOf(next.getFileName());
    boolean whole = tail != null && tail.seq > 0 && tail.torn == null;
    if (!whole || first == null || first.seq() != tail.seq + 1 || !first.prev().equals(tail.mac)) {
      String ends = tail == null || tail.seq == 0 ? "holds no whole audit line"
          : "ends at seq " + tail.seq + (tail.torn != null ? " and a cut line" : "");
      String starts = first == null ? "has no audit line at its start" : "starts at seq " + first.seq()
          + (whole && first.seq() == tail.seq + 1 ? " chained to another line" : "");
      throw new AuditException("the rotated audit file " + deleted + " does not chain into " + nextName + " (it "
          + ends + ", and " + nextName + " " + starts + "), so retention does not delete it: it was replaced or "
          + "edited, and is kept as evidence; nothing is rotated: run the verifier, then move the rotated files ("
          + name + ".N) elsewhere", null);
    }
    return tail;
  }

  /**
   * The first whole audit line of a file (after a torn first line, the note that ended it); null when none in its
   * first two lines' worth of bytes: then it is not a file the sink wrote.
   */
  private static AuditChain.@Nullable Parsed firstLine(FileChannel in) throws IOException {
    LineReader.Forward lines = LineReader.forward(in, 0, 2L * MAX_LINE, 2 * MAX_LINE);
    for (LineReader.Line line = lines.next(); line != null && line.terminated(); line = lines.next()) {
      AuditChain.Parsed parsed = AuditChain.parse(new String(line.bytes(), StandardCharsets.UTF_8));
      if (parsed != null) {
        return parsed;
      }
    }
    return null;
  }

  /** Refuses to continue from a line edited or forged under a key this sink holds: the verifier would say EDITED. */
  private void checkMac(Tail tail) {
    AuditChain.Parsed line = tail.line;
    if (line == null) {
      return;
    }
    Optional<String> mac = macs.mac(line.kid(), line.body());
    if (mac.isPresent() && !mac.get().equals(line.mac())) {
      throw new AuditException("the last line of " + tail.file + " (seq " + line.seq() + ") does not match its "
          + (line.kid().equals(AuditChain.UNKEYED) ? "hash" : "MAC") + ": it was edited or forged, and this sink "
          + "does not continue a chain from it; run the verifier, then move " + name + " and its rotated files "
          + "elsewhere to start a new chain", null);
    }
  }

  /** Ends a line torn by a crash and records, in the chain, what was torn: the verifier then knows it. */
  private void endTornLine(byte[] torn) throws IOException {
    writeRaw(new byte[] {'\n'});
    Map<String, Object> note = note("audit.torn_line");
    note.put("bytes", torn.length);
    note.put("sha256", sha256(torn));
    write(line(true, JSON.toJson(note)));
    channel.force(false);
    LOG.warn("audit file {} ended with a line torn by a crash ({} bytes); it was ended and noted in the chain",
        path, torn.length);
  }

  private Map<String, Object> note(String type) {
    Map<String, Object> note = new LinkedHashMap<>();
    note.put("type", type);
    note.put("time", clock.instant().toString());
    return note;
  }

  /**
   * The head of the chain (the last line written), forced to disk first so a witness never holds a line a power loss
   * could take back; empty before the first line.
   *
   * @return the head checkpoint, or empty before the first line
   */
  public Optional<AuditCheckpoint> checkpoint() {
    synchronized (lock) {
      if (seq == 0) {
        return Optional.empty();
      }
      if (!closed) {
        try {
          channel.force(false);
          lastFsyncNanos = System.nanoTime();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot fsync the audit file " + path, e);
        }
      }
      return Optional.of(new AuditCheckpoint(name, seq, prev, clock.instant()));
    }
  }

  /**
   * Publishes {@link #checkpoint()} to the witness now, if there is a new head; returns what was published.
   *
   * @return the checkpoint published, or empty when there was none to publish
   */
  public Optional<AuditCheckpoint> publishCheckpoint() {
    AuditWitness w = witness;
    if (w == null) {
      throw new IllegalStateException("no witness configured for " + path);
    }
    Optional<AuditCheckpoint> head = checkpoint();
    synchronized (lock) {
      if (head.isEmpty() || head.get().seq() <= publishedSeq) {
        return Optional.empty();
      }
    }
    try {
      w.publish(head.get());
    } catch (RuntimeException e) {
      witnessFailures.incrementAndGet();
      // The library's own message (it names the file and what is wrong), else only the type: a driver's may quote.
      LOG.warn("audit witness {} failed to keep checkpoint {} of {}: {}", w, head.get().seq(), name,
          e instanceof AuditException ? e.getMessage() : e.getClass().getName());
      return Optional.empty();
    }
    synchronized (lock) {
      publishedSeq = Math.max(publishedSeq, head.get().seq());
    }
    return head;
  }

  private void scheduleCheckpoint() {
    synchronized (lock) {
      if (!closed) {
        checkpointTask = Objects.requireNonNull(scheduler).schedule(() -> {
          try {
            publishCheckpoint();
          } catch (RuntimeException e) {
            witnessFailures.incrementAndGet();
            LOG.warn("audit checkpoint of {} failed: {}", path, e.getClass().getName());
          }
          scheduleCheckpoint();
        }, Objects.requireNonNull(checkpointEvery));
      }
    }
  }

  private void checkAgainstWitness(AuditWitness w) {
    try {
      w.latest(name).filter(c -> c.seq() > seq).ifPresent(c -> LOG.error("audit file {} ends at seq {} but its "
          + "witness {} holds a checkpoint at seq {}: lines were removed; run the verifier", path, seq, w, c.seq()));
    } catch (RuntimeException e) {
      LOG.warn("audit witness {} could not be read: {}", w, e.getClass().getName());
    }
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

  /** Forces the file to disk, closes it, publishes a last checkpoint and releases the lock; later events throw. */
  @Override
  public void close() throws IOException {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (checkpointTask != null) {
        checkpointTask.cancel();
      }
    }
    try {
      try {
        channel.force(true);
      } finally {
        channel.close();
      }
      if (witness != null) {
        publishCheckpoint();
      }
    } finally {
      if (ownScheduler != null) {
        ownScheduler.close();
      }
      release();
    }
  }

  private void release() throws IOException {
    try {
      fileLock.release();
    } finally {
      lockChannel.close();
    }
  }

  @Override
  public String toString() {
    return "JsonLinesAuditSink[" + path + ", keyed=" + macs.keyed() + "]";
  }

  static Path lockFile(Path active) {
    return active.resolveSibling(active.getFileName() + ".lock");
  }

  /** Takes the writer lock and writes who holds it, or fails naming the holder. */
  private static FileLock lock(Path path, FileChannel channel) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException sameProcess) {
      lock = null;
    }
    if (lock == null) {
      String holder;
      try {
        holder = Files.readString(lockFile(path), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        holder = "";
      }
      channel.close();
      throw new AuditLogLockedException(path, holder.isEmpty() ? "unknown" : holder);
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    String me = "pid " + ProcessHandle.current().pid() + " on " + host + " since " + Instant.now() + " ("
        + ManagementFactory.getRuntimeMXBean().getName() + ")";
    channel.truncate(0);
    channel.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
    channel.force(false);
    return lock;
  }

  private static Optional<Instant> firstLineTime(FileChannel file) throws IOException {
    if (file.size() == 0) {
      return Optional.empty();
    }
    ByteBuffer head = ByteBuffer.allocate((int) Math.min(4096, file.size()));
    LineReader.readFully(file, head, 0);
    Matcher m = TIME.matcher(new String(head.array(), StandardCharsets.UTF_8));
    try {
      return m.find() ? Optional.of(Instant.parse(m.group(1))) : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
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

  static long index(Path rotated) {
    String name = rotated.getFileName().toString();
    return Long.parseLong(name.substring(name.lastIndexOf('.') + 1));
  }

  /**
   * The last complete line of a file, read from the end, and the bytes of a torn line after it; {@code seq} 0 when
   * the file holds only a torn line.
   */
  private record Tail(Path file, long seq, String mac, AuditChain.@Nullable Parsed line, byte @Nullable [] torn) {
    /** Read from {@code in}, the open file of {@code file} (named in messages). */
    static @Nullable Tail of(FileChannel in, Path file) throws IOException {
      long end = in.size();
      // The last two lines (enough to skip one torn line), held only when together they fit in two sink lines.
      LineReader.Backward lines = LineReader.backward(in);
      LineReader.Line last = lines.next(2L * MAX_LINE);
      if (last == null) {
        return null;
      }
      LineReader.Line before = lines.next(2L * MAX_LINE - (end - last.start()) - 1);
      long start = before != null ? before.start() : last.start();
      if (end - start > 2L * MAX_LINE) {
        throw new IOException("the last lines of " + file + " are longer than any line an audit sink writes ("
            + (end - start) + " bytes); verify it and move it away");
      }
      byte[] torn = last.terminated() ? null : last.bytes();
      if (torn != null && before == null) {
        return new Tail(file, 0, AuditChain.GENESIS, null, torn); // the file is one torn line
      }
      List<LineReader.Line> whole = new ArrayList<>(2);   // newest first
      if (torn == null) {
        whole.add(last);
      }
      if (before != null) {
        whole.add(before);
      }
      for (LineReader.Line line : whole) {
        AuditChain.Parsed parsed = AuditChain.parse(new String(line.bytes(), StandardCharsets.UTF_8));
        if (parsed != null) {
          return new Tail(file, parsed.seq(), parsed.mac(), parsed, torn);
        }
      }
      boolean earlierFormat = new String(last.bytes(), StandardCharsets.UTF_8)
          .matches("^\\{\"seq\":\\d+,\"prev\":.*,\"hash\":\"[0-9a-f]{64}\"}$");
      throw new IOException(earlierFormat
          ? file + " is in the earlier plain-hash format, which this sink does not continue: move it (and its "
              + "rotated files) away, and keep it as it is"
          : "no valid audit line at the end of " + file + "; verify it and move it away");
    }
  }

  /** Builds a {@link JsonLinesAuditSink}. */
  public static final class Builder {
    private final Path path;
    private FsyncPolicy fsync = FsyncPolicy.atMostEvery(Duration.ofSeconds(1));
    private long maxFileSize = 64L << 20;
    private @Nullable Duration maxFileAge;
    private int maxRotatedFiles;
    private Clock clock = Clock.systemUTC();
    private @Nullable KeyProvider keys;
    private @Nullable AuditWitness witness;
    private @Nullable Duration checkpointEvery;
    private @Nullable Scheduler scheduler;

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
     * Also rotate at the first line written once the file is this old (by {@link #clock}); default never.
     *
     * @param age the file age that triggers rotation
     * @return this builder
     */
    public Builder maxFileAge(Duration age) {
      Objects.requireNonNull(age, "maxFileAge");
      if (age.isNegative() || age.isZero()) {
        throw new IllegalArgumentException("maxFileAge must be positive, was " + age);
      }
      // Bounded: the file's opening instant plus a longer age overflowed, failing every record after the first.
      this.maxFileAge = Validation.requirePositive("maxFileAge", age);
      return this;
    }

    /**
     * Retention: keep at most this many rotated files, deleting the oldest at rotation (the chain records what it
     * deleted, so the verifier tells retention from tampering); default 0, keep all.
     *
     * @param count the number of rotated files kept; 0 keeps all
     * @return this builder
     */
    public Builder maxRotatedFiles(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("maxRotatedFiles must be >= 0, was " + count);
      }
      this.maxRotatedFiles = count;
      return this;
    }

    /**
     * The keys that MAC the chain: the current key MACs new lines, older keys stay for the verifier. The chain key is
     * derived from each key, so the store's own {@link KeyProvider} may be used. Without keys the chain is a plain
     * SHA-256 one, which only shows accidents.
     *
     * @param keys the MAC keys
     * @return this builder
     */
    public Builder keys(KeyProvider keys) {
      this.keys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /**
     * The clock for age-based rotation, notes and checkpoint times; tests inject their own. Default UTC.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Publishes checkpoints here at {@link #close()} and every {@link #checkpointEvery} (default 1 minute).
     *
     * @param witness the witness
     * @return this builder
     */
    public Builder witness(AuditWitness witness) {
      this.witness = Objects.requireNonNull(witness, "witness");
      if (checkpointEvery == null) {
        checkpointEvery = Duration.ofMinutes(1);
      }
      return this;
    }

    /**
     * How often to publish a checkpoint to the witness (only when there are new lines).
     *
     * @param interval the time between checkpoints
     * @return this builder
     */
    public Builder checkpointEvery(Duration interval) {
      Objects.requireNonNull(interval, "checkpointEvery");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("checkpointEvery must be positive, was " + interval);
      }
      this.checkpointEvery = Validation.requirePositive("checkpointEvery", interval);   // the scheduler's nanoseconds
      return this;
    }

    /**
     * Runs the checkpoint schedule; tests inject a manual one. Default: one daemon thread of this sink's own.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Opens (or continues) the file.
     *
     * @return the sink
     * @throws AuditLogLockedException when another writer holds the file
     * @throws AuditException when another local user could replace or rewrite the file: it, its lock file or the
     *     rotated file the chain continues from is theirs, or a directory on its way is writable by all users without
     *     the sticky bit or is theirs
     * @throws IllegalStateException when {@link #checkpointEvery} is set without a witness
     */
    public JsonLinesAuditSink build() {
      if (witness == null && checkpointEvery != null) {
        throw new IllegalStateException("checkpointEvery needs a witness(..) to publish to");
      }
      try {
        return new JsonLinesAuditSink(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open the audit file " + path + ": " + e.getMessage(), e);
      }
    }
  }
}

package dev.astravault.audit;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import dev.astravault.KeyProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Checks the chain of a {@link JsonLinesAuditSink} log across its rotated files and reports every fault, not just the
 * first: edited lines (the MAC no longer matches), forged or re-keyed lines (an unknown or wrong key id, a plain hash
 * where a MAC belongs), deleted, inserted, duplicated and reordered lines, lines from another chain (a second
 * writer), missing rotated files, a missing beginning, and, against an {@link AuditCheckpoint} kept by a witness, a log
 * cut short, emptied or deleted. A line torn by a crash is reported as such, separately; checking goes on after it.
 *
 * <pre>{@code
 * AuditLogVerifier verifier = AuditLogVerifier.withKeys(KeyProvider.fromEnv("ASTRA_VAULT_AUDIT_KEY"));
 * AuditLogVerifier.Result r = verifier.check(Path.of("/var/log/app/audit.jsonl"),
 *     witness.latest("audit.jsonl").orElse(null));
 * r.faults().forEach(System.err::println);   // "audit.jsonl.2:17: EDITED: ..."
 * }</pre>
 *
 * <p>Without the key ({@link #structureOnly()}, and the static {@code verify} methods) the MACs cannot be checked:
 * the result says so ({@link Result#keyed()} is false), since whoever can write the file could have rebuilt a
 * consistent chain. Lines of an unkeyed sink ({@code "kid":"unkeyed"}) are checked against their SHA-256 either way.
 *
 * <p>Files are read in chunks, so memory stays bounded: a line longer than any a sink writes (16 MiB) is reported
 * {@link Kind#MALFORMED} without being held, and a rotated or active file that is not a regular file (a FIFO, whose
 * open would wait for ever, a directory, a device) is reported {@link Kind#MALFORMED} and not read.
 */
public final class AuditLogVerifier {
  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);
  private static final int WINDOW = 1 << 16;

  private final @Nullable KeyProvider keys;

  private AuditLogVerifier(@Nullable KeyProvider keys) {
    this.keys = keys;
  }

  /**
   * A verifier that checks every MAC with {@code keys} (the writer's keys, older ones included).
   *
   * @param keys the writer's keys, older ones included
   * @return the verifier
   */
  public static AuditLogVerifier withKeys(KeyProvider keys) {
    return new AuditLogVerifier(Objects.requireNonNull(keys, "keys"));
  }

  /**
   * A verifier without the key: it checks sequence, links and shape only, and says so in every result.
   *
   * @return the verifier
   */
  public static AuditLogVerifier structureOnly() {
    return new AuditLogVerifier(null);
  }

  /** What is wrong with a segment of the log. */
  public enum Kind {
    /** The line's MAC does not match its content: it was edited, or its key id replaced. */
    EDITED,
    /** The line names a key the verifier does not hold: forged, or the verifier lacks an older key. */
    UNKNOWN_KEY,
    /** A keyed verification met a line with only a plain hash: written by an unkeyed sink, or forged. */
    UNKEYED,
    /** Not a whole audit line, and not a line torn by a crash that the writer recorded: edited out of shape. */
    MALFORMED,
    /** Lines missing from the chain. */
    DELETED,
    /** A line found after lines that follow it. */
    REORDERED,
    /** A second copy of an earlier line. */
    DUPLICATED,
    /** A genuine line that belongs to another chain: a second writer, or lines spliced from another log. */
    FORKED,
    /** A rotated file (or the active file) is missing. */
    MISSING_FILE,
    /** The first lines are missing, and no retention recorded in the chain explains it. */
    MISSING_BEGINNING,
    /** The log ends before the checkpoint: lines were removed from the end. */
    TRUNCATED,
    /** The checkpoint's line has another MAC: the log was rebuilt or replaced. */
    CHECKPOINT_MISMATCH,
    /** There is no log at all. */
    MISSING_LOG,
    /** The log is empty although a checkpoint (or a rotation) shows it had lines. */
    EMPTY_LOG,
    /** A line torn by a crash: reported in {@link Result#tornLines()}, not a fault. */
    TORN_LINE
  }

  /**
   * One bad segment: lines {@code fromLine..toLine} (1-based) of {@code file}; 0 when the fault concerns the file
   * or the log as a whole.
   *
   * @param kind what is wrong
   * @param file the file the segment is in
   * @param fromLine the segment's first line, 1-based; 0 for the file or log as a whole
   * @param toLine the segment's last line, 1-based; 0 for the file or log as a whole
   * @param message a description of the fault
   */
  public record Fault(Kind kind, Path file, long fromLine, long toLine, String message) {
    /**
     * Checks the kind, file and message are present.
     *
     * @param kind what is wrong
     * @param file the file the segment is in
     * @param fromLine the segment's first line, 1-based; 0 for the file or log as a whole
     * @param toLine the segment's last line, 1-based; 0 for the file or log as a whole
     * @param message a description of the fault
     */
    public Fault {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
      String where = fromLine == 0 ? "" : fromLine == toLine ? ":" + fromLine : ":" + fromLine + "-" + toLine;
      return file.getFileName() + where + ": " + kind + ": " + message;
    }
  }

  /**
   * The outcome of a verification.
   *
   * @param log the log's name (its active file's name)
   * @param lines genuine lines read (notes of the writer included)
   * @param headSeq the highest sequence number read
   * @param headHash the MAC of that line (64 zeros for an empty log)
   * @param faults every bad segment, in file order; empty when the log is intact
   * @param tornLines lines torn by a crash (not faults)
   * @param keyed whether MACs were checked with the key; false means structure only
   * @param checkpoint the checkpoint checked, if any
   * @param notes what was accepted and why (retention, checks not possible)
   */
  public record Result(String log, long lines, long headSeq, String headHash, List<Fault> faults,
      List<Fault> tornLines, boolean keyed, @Nullable AuditCheckpoint checkpoint, List<String> notes) {
    /**
     * Copies the lists.
     *
     * @param log the log's name (its active file's name)
     * @param lines genuine lines read (notes of the writer included)
     * @param headSeq the highest sequence number read
     * @param headHash the MAC of that line (64 zeros for an empty log)
     * @param faults every bad segment, in file order; empty when the log is intact
     * @param tornLines lines torn by a crash (not faults)
     * @param keyed whether MACs were checked with the key; false means structure only
     * @param checkpoint the checkpoint checked, if any
     * @param notes what was accepted and why (retention, checks not possible)
     */
    public Result {
      faults = List.copyOf(faults);
      tornLines = List.copyOf(tornLines);
      notes = List.copyOf(notes);
    }

    /**
     * No fault (torn lines allowed).
     *
     * @return whether no fault was found
     */
    public boolean valid() {
      return faults.isEmpty();
    }

    /**
     * The head as a checkpoint to keep elsewhere; empty for an empty log.
     *
     * @return the head checkpoint, or empty for an empty log
     */
    public Optional<AuditCheckpoint> head() {
      return headSeq == 0 ? Optional.empty()
          : Optional.of(new AuditCheckpoint(log, headSeq, headHash, Instant.EPOCH));
    }

    /** {@return the first fault as a bad line; empty when there is none} */
    public Optional<BadLine> firstBadLine() {
      return faults.isEmpty() ? Optional.empty() : Optional.of(BadLine.of(faults.get(0)));
    }

    /**
     * The first fault, or null. Prefer {@link #faults()}.
     *
     * @return the first fault as a bad line, or null
     */
    public @Nullable BadLine badLine() {
      return firstBadLine().orElse(null);
    }
  }

  /** The first line of a fault: its file, 1-based line number in that file, and why. */
  public record BadLine(Path file, long lineNumber, String reason) {
    static BadLine of(Fault f) {
      return new BadLine(f.file(), f.fromLine(), f.kind() + ": " + f.message());
    }

    @Override
    public String toString() {
      return file.getFileName() + ":" + lineNumber + ": " + reason;
    }
  }

  /**
   * Structure only: {@code activeFile} and its rotated files ({@code activeFile.1}, {@code .2}, ...), oldest first.
   *
   * @param activeFile the log file being written
   * @return the outcome
   */
  public static Result verify(Path activeFile) {
    return structureOnly().check(activeFile);
  }

  /**
   * Structure only, against a checkpoint; see {@link #check(Path, AuditCheckpoint)}.
   *
   * @param activeFile the active log file; its rotated files are found next to it
   * @param checkpoint a checkpoint the log must contain, or null
   * @return the result
   */
  public static Result verify(Path activeFile, @Nullable AuditCheckpoint checkpoint) {
    return structureOnly().check(activeFile, checkpoint);
  }

  /**
   * Structure only; also requires a line whose hash is {@code expectedHeadHash} and a correct chain after it (a log
   * that grew since is fine).
   *
   * @deprecated a head hash alone cannot tell where it was: use {@link #check(Path, AuditCheckpoint)} with a
   *     checkpoint from {@link JsonLinesAuditSink#checkpoint()} or a {@link AuditWitness}.
   * @param activeFile the active log file; its rotated files are found next to it
   * @param expectedHeadHash the hash the newest line must carry
   * @return the result
   */
  @Deprecated
  public static Result verify(Path activeFile, String expectedHeadHash) {
    Objects.requireNonNull(expectedHeadHash, "expectedHeadHash");
    return structureOnly().run(files(activeFile), activeFile, null, expectedHeadHash);
  }

  /**
   * Structure only: the given files as one chain, in order.
   *
   * @param files the files, oldest first
   * @return the outcome
   */
  public static Result verify(List<Path> files) {
    return structureOnly().check(files, null);
  }

  /**
   * Checks {@code activeFile} and its rotated files.
   *
   * @param activeFile the active log file; its rotated files are found next to it
   * @return the result
   */
  public Result check(Path activeFile) {
    return check(activeFile, null);
  }

  /**
   * Checks {@code activeFile} and its rotated files; with a checkpoint, the log must contain its line and chain
   * correctly after it. A missing or empty log is then a fault.
   *
   * @param activeFile the active log file; its rotated files are found next to it
   * @param checkpoint a checkpoint the log must contain, or null
   * @return the result
   */
  public Result check(Path activeFile, @Nullable AuditCheckpoint checkpoint) {
    return run(files(activeFile), activeFile, checkpoint, null);
  }

  /**
   * Checks the given files as one chain, in order (the last one is the active file).
   *
   * @param files the files of the chain, oldest first
   * @param checkpoint a checkpoint the chain must contain, or null
   * @return the result
   */
  public Result check(List<Path> files, @Nullable AuditCheckpoint checkpoint) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no files to verify");
    }
    return run(files, files.get(files.size() - 1), checkpoint, null);
  }

  private static List<Path> files(Path activeFile) {
    List<Path> files = new ArrayList<>(JsonLinesAuditSink.rotatedFiles(activeFile));
    files.add(activeFile);
    return files;
  }

  private Result run(List<Path> files, Path active, @Nullable AuditCheckpoint checkpoint,
      @Nullable String headMac) {
    String log = String.valueOf(active.getFileName());
    if (checkpoint != null && !checkpoint.log().equals(log)) {
      throw new IllegalArgumentException("the checkpoint is for the log " + checkpoint.log() + ", not " + log);
    }
    return new Walk(this, files, log, checkpoint, headMac).run();
  }

  /** One pass over the files. */
  private static final class Walk {
    private final AuditChain.Macs macs;
    private final boolean keyed;
    private final List<Path> files;
    private final String log;
    private final @Nullable AuditCheckpoint checkpoint;
    private final @Nullable String headMac;
    private final List<Positioned> faults = new ArrayList<>();
    private final List<Fault> torn = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final TreeMap<Long, Gap> gaps = new TreeMap<>();
    /** MAC prefixes of the last {@link #WINDOW} sequence numbers: tells a copy from a fork in bounded memory. */
    private final long[] seenSeq = new long[WINDOW];
    private final long[] seenMac = new long[WINDOW];
    private final Set<String> missingFiles = new HashSet<>();
    private long lines;
    private long high;
    private String highMac = AuditChain.GENESIS;
    private boolean started;
    private int nonAuthentic;
    private long retainedAfter;
    private boolean checkpointFound;
    private boolean checkpointMismatch;
    private boolean headFound;
    private boolean checkpointClaimed;
    private long rawLines;
    private @Nullable Pending pending;

    Walk(AuditLogVerifier verifier, List<Path> files, String log, @Nullable AuditCheckpoint checkpoint,
        @Nullable String headMac) {
      this.macs = new AuditChain.Macs(verifier.keys);
      this.keyed = verifier.keys != null;
      this.files = files;
      this.log = log;
      this.checkpoint = checkpoint;
      this.headMac = headMac;
    }

    /** A fault with the position it sorts by. */
    private record Positioned(int fileIndex, Fault fault) {}

    /** Missing sequence numbers {@code from..to}, found before line {@code line} of file {@code fileIndex}. */
    private record Gap(long from, long to, int fileIndex, long line, boolean beginning, @Nullable String file) {}

    /** An unparseable line, held until the next line says whether the writer recorded it as torn. */
    private record Pending(int fileIndex, long line, byte[] bytes) {}

    Result run() {
      List<Path> present = new ArrayList<>();
      for (Path f : files) {
        if (Files.exists(f)) {
          present.add(f);
        }
      }
      Path active = files.get(files.size() - 1);
      if (present.isEmpty()) {
        add(0, new Fault(Kind.MISSING_LOG, active, 0, 0, "no audit log at " + active
            + (checkpoint != null ? " although the witness saw seq " + checkpoint.seq() + ": it was deleted" : "")));
        return result();
      }
      if (!Files.exists(active)) {
        add(files.size() - 1, new Fault(Kind.MISSING_FILE, active, 0, 0, "the active file is missing (deleted?) "
            + "while its rotated files exist"));
        missingFiles.add(String.valueOf(active.getFileName()));
      }
      for (int fi = 0; fi < files.size(); fi++) {
        Path file = files.get(fi);
        if (!Files.exists(file)) {
          continue;
        }
        if (fi > 0) {
          checkIndexGap(fi);
        }
        if (!Files.isRegularFile(file)) {
          // Opening a FIFO would wait for a writer for ever, a device could stream without end.
          add(fi, new Fault(Kind.MALFORMED, file, 0, 0, "not a regular file (a directory, a FIFO or a device): "
              + "not read, so the lines it should hold are missing"));
          continue;
        }
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
          readFile(fi, LineReader.forward(in, 0, Long.MAX_VALUE, JsonLinesAuditSink.MAX_LINE),
              fi == files.size() - 1);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + file, e);
        }
      }
      finish();
      return result();
    }

    private void checkIndexGap(int fi) {
      Path file = files.get(fi);
      Path before = files.get(fi - 1);
      if (!isRotated(file) || !isRotated(before)) {
        return;
      }
      for (long i = JsonLinesAuditSink.index(before) + 1; i < JsonLinesAuditSink.index(file); i++) {
        String name = log + "." + i;
        if (missingFiles.add(name)) {
          add(fi, new Fault(Kind.MISSING_FILE, file.resolveSibling(name), 0, 0, "rotated file " + name
              + " is missing between " + before.getFileName() + " and " + file.getFileName()));
        }
      }
    }

    private boolean isRotated(Path file) {
      return String.valueOf(file.getFileName()).matches(Pattern.quote(log) + "\\.\\d{1,9}");
    }

    private void readFile(int fi, LineReader.Forward lines, boolean last) throws IOException {
      Path file = files.get(fi);
      long lineNo = 0;
      boolean firstInFile = true;
      for (LineReader.Line line = lines.next(); line != null; line = lines.next()) {
        boolean end = !line.terminated();
        lineNo++;
        rawLines++;
        byte[] raw = line.bytes();
        if (raw == null) {
          settlePending(null);
          add(fi, new Fault(Kind.MALFORMED, file, lineNo, lineNo, "a line of " + line.length() + " bytes, longer "
              + "than any line an audit sink writes: not read"));
          nonAuthentic++;
          continue;
        }
        String text = new String(raw, StandardCharsets.UTF_8);
        AuditChain.Parsed p = AuditChain.parse(text);
        settlePending(p);
        if (end) {
          // No final newline: a crash while writing, or a cut.
          if (!last) {
            add(fi, new Fault(Kind.MALFORMED, file, lineNo, lineNo, "the rotated file ends inside a line: it was "
                + "cut short (a rotated file is always complete)"));
            nonAuthentic++;
            continue;
          }
          torn.add(new Fault(Kind.TORN_LINE, file, lineNo, lineNo, p == null
              ? "the last line is incomplete (" + raw.length + " bytes): torn by a crash while writing, or cut"
              : "the last line is whole but has no final newline: torn by a crash, or cut"));
          if (p == null) {
            continue;
          }
        }
        if (p == null) {
          pending = new Pending(fi, lineNo, raw);
          nonAuthentic++;
          continue;
        }
        if (!authentic(p, fi, lineNo)) {
          nonAuthentic++;
          continue;
        }
        genuine(p, fi, lineNo, firstInFile);
        firstInFile = false;
      }
    }

    /** Decides whether the held unparseable line was torn by a crash: the writer's next line then says so. */
    private void settlePending(AuditChain.@Nullable Parsed next) {
      Pending p = pending;
      if (p == null) {
        return;
      }
      pending = null;
      Path file = files.get(p.fileIndex());
      Map<?, ?> note = next != null && next.note() && authenticQuiet(next) ? note(next) : null;
      if (note != null && "audit.torn_line".equals(note.get("type"))
          && note.get("bytes") instanceof Number n && n.longValue() == p.bytes().length
          && JsonLinesAuditSink.sha256(p.bytes()).equals(note.get("sha256"))) {
        torn.add(new Fault(Kind.TORN_LINE, file, p.line(), p.line(), "torn by a crash (" + p.bytes().length
            + " bytes); the writer ended it at its next start and recorded it in the chain"));
        nonAuthentic--; // explained: not a stand-in for a missing line
        return;
      }
      add(p.fileIndex(), new Fault(Kind.MALFORMED, file, p.line(), p.line(), "not a whole audit line, and the "
          + "writer recorded no crash here: edited out of shape, or inserted"));
    }

    private boolean authenticQuiet(AuditChain.Parsed p) {
      if (keyed && p.kid().equals(AuditChain.UNKEYED)) {
        return false;
      }
      Optional<String> mac = macs.mac(p.kid(), p.body());
      return mac.isPresent() ? mac.get().equals(p.mac()) : !keyed;
    }

    private boolean authentic(AuditChain.Parsed p, int fi, long lineNo) {
      Path file = files.get(fi);
      if (checkpoint != null && p.seq() == checkpoint.seq()) {
        checkpointClaimed = true; // if this line turns out forged, the witnessed line was replaced
      }
      if (keyed && p.kid().equals(AuditChain.UNKEYED)) {
        add(fi, new Fault(Kind.UNKEYED, file, lineNo, lineNo, "seq " + p.seq() + " carries a plain hash, not a MAC "
            + "under the audit key: written by an unkeyed sink, or forged"));
        return false;
      }
      Optional<String> mac = macs.mac(p.kid(), p.body());
      if (mac.isEmpty()) {
        if (!keyed) {
          return true; // structure only
        }
        add(fi, new Fault(Kind.UNKNOWN_KEY, file, lineNo, lineNo, "seq " + p.seq() + " names key id " + p.kid()
            + ", which the verifier does not hold: forged, or an older key is missing from the key provider"));
        return false;
      }
      if (!mac.get().equals(p.mac())) {
        add(fi, new Fault(Kind.EDITED, file, lineNo, lineNo, "seq " + p.seq() + ": the " + (p.kid()
            .equals(AuditChain.UNKEYED) ? "hash" : "MAC") + " does not match the content: the line was modified"));
        return false;
      }
      return true;
    }

    private void genuine(AuditChain.Parsed p, int fi, long lineNo, boolean firstInFile) {
      Path file = files.get(fi);
      long s = p.seq();
      lines++;
      String missingPredecessor = null;
      if (p.note()) {
        Map<?, ?> note = note(p);
        if (note != null && note.get("deletedThroughSeq") instanceof Number n) {
          retainedAfter = Math.max(retainedAfter, n.longValue());
        }
        if (note != null && firstInFile && fi > 0 && note.get("previous") instanceof String previous
            && !previous.equals(String.valueOf(files.get(fi - 1).getFileName()))) {
          missingPredecessor = previous;
        }
      }
      long prefix = prefix(p.mac());
      if (!started) {
        started = true;
        if (s == 1 && !p.prev().equals(AuditChain.GENESIS)) {
          add(fi, new Fault(Kind.FORKED, file, lineNo, lineNo, "seq 1 does not start a chain (its previous MAC "
              + "is not the genesis value)"));
        } else if (s > 1 && nonAuthentic < s - 1) {
          gaps.put(1L, new Gap(1, s - 1, fi, lineNo, true, null));
        }
        high = s;
        highMac = p.mac();
      } else if (s == high + 1) {
        if (!p.prev().equals(highMac) && nonAuthentic == 0) {
          add(fi, new Fault(Kind.FORKED, file, lineNo, lineNo, "seq " + s + " does not chain to seq " + high
              + ": it belongs to another chain (a second writer, or lines spliced from another log)"));
        }
        high = s;
        highMac = p.mac();
      } else if (s > high + 1) {
        long missing = s - high - 1;
        if (missingPredecessor != null) {
          if (missingFiles.add(missingPredecessor)) {
            add(fi, new Fault(Kind.MISSING_FILE, file.resolveSibling(missingPredecessor), 0, 0, "rotated file "
                + missingPredecessor + " is missing (seq " + (high + 1) + ".." + (s - 1) + "), before "
                + file.getFileName()));
          }
        } else if (nonAuthentic < missing) {
          gaps.put(high + 1, new Gap(high + 1, s - 1, fi, lineNo, false, firstInFile && fi > 0
              ? String.valueOf(files.get(fi - 1).getFileName()) : null));
        }
        high = s;
        highMac = p.mac();
      } else {
        int slot = (int) (s & (WINDOW - 1));
        boolean known = seenSeq[slot] == s;
        if (fillGap(s)) {
          add(fi, new Fault(Kind.REORDERED, file, lineNo, lineNo, "seq " + s + " comes after seq " + high
              + ": lines were moved"));
        } else if (known && seenMac[slot] == prefix) {
          add(fi, new Fault(Kind.DUPLICATED, file, lineNo, lineNo, "seq " + s + " is a copy of an earlier line"));
        } else if (!known) {
          add(fi, new Fault(Kind.DUPLICATED, file, lineNo, lineNo, "seq " + s + " repeats a sequence number seen "
              + "long before (a copied line, or another chain's)"));
        } else {
          add(fi, new Fault(Kind.FORKED, file, lineNo, lineNo, "seq " + s + " appears twice with different "
              + "content: a second writer, or lines from another log"));
        }
      }
      if (s > high - WINDOW && seenSeq[(int) (s & (WINDOW - 1))] != s) {
        seenSeq[(int) (s & (WINDOW - 1))] = s;
        seenMac[(int) (s & (WINDOW - 1))] = prefix;
      }
      nonAuthentic = 0;
      if (checkpoint != null && s == checkpoint.seq() && !checkpointFound) {
        if (p.mac().equals(checkpoint.mac())) {
          checkpointFound = true;
        } else {
          checkpointMismatch = true;
        }
      }
      if (headMac != null && p.mac().equals(headMac)) {
        headFound = true;
      }
    }

    /** Removes {@code s} from a recorded gap; false when no gap holds it. */
    private boolean fillGap(long s) {
      Map.Entry<Long, Gap> e = gaps.floorEntry(s);
      if (e == null || e.getValue().to() < s) {
        return false;
      }
      Gap g = gaps.remove(e.getKey());
      if (g.from() < s) {
        gaps.put(g.from(), new Gap(g.from(), s - 1, g.fileIndex(), g.line(), g.beginning(), g.file()));
      }
      if (s < g.to()) {
        gaps.put(s + 1, new Gap(s + 1, g.to(), g.fileIndex(), g.line(), g.beginning(), g.file()));
      }
      return true;
    }

    private void finish() {
      settlePending(null);
      for (Gap g : gaps.values()) {
        Path file = files.get(g.fileIndex());
        String range = g.from() == g.to() ? "seq " + g.from() : "seq " + g.from() + ".." + g.to();
        if (g.beginning() && g.to() <= retainedAfter) {
          notes.add(range + " deleted by retention, as recorded in the chain");
        } else if (g.beginning()) {
          add(g.fileIndex(), new Fault(Kind.MISSING_BEGINNING, file, g.line(), g.line(), range + " missing before "
              + "the first line: the start of the log (or its oldest files) was deleted"));
        } else {
          add(g.fileIndex(), new Fault(Kind.DELETED, file, g.line(), g.line(), range + " missing before this line"
              + (g.file() != null ? " (at the end of " + g.file() + ")" : "")));
        }
      }
      Path active = files.get(files.size() - 1);
      int last = files.size(); // sorts after every line: these concern the log's end
      if (rawLines == 0 && Files.exists(active) && checkpoint != null) {
        add(last, new Fault(Kind.EMPTY_LOG, active, 0, 0, "the log is empty, but the witness saw seq "
            + checkpoint.seq() + ": it was emptied or replaced"));
      } else if (files.size() > 1 && Files.exists(active) && emptyFile(active)) {
        add(last, new Fault(Kind.EMPTY_LOG, active, 0, 0, "the active file is empty, but a rotation always "
            + "starts it with a note: it was emptied"));
      }
      if (checkpoint != null && rawLines > 0) {
        if (checkpointMismatch || !checkpointFound && checkpointClaimed) {
          add(last, new Fault(Kind.CHECKPOINT_MISMATCH, active, 0, 0, "seq " + checkpoint.seq() + " has another "
              + "MAC than the witness saw: the log was rebuilt or replaced from there"));
        } else if (!checkpointFound && checkpoint.seq() > high) {
          add(last, new Fault(Kind.TRUNCATED, active, 0, 0, "the log ends at seq " + high + " but the witness "
              + "saw seq " + checkpoint.seq() + ": lines were removed from the end"));
        } else if (!checkpointFound && checkpoint.seq() <= retainedAfter) {
          notes.add("the checkpoint (seq " + checkpoint.seq() + ") lies in files deleted by retention");
        } else if (!checkpointFound) {
          add(last, new Fault(Kind.CHECKPOINT_MISMATCH, active, 0, 0, "the witness saw seq " + checkpoint.seq()
              + ", which is missing from the log"));
        }
      }
      if (headMac != null && !headFound) {
        add(last, new Fault(Kind.TRUNCATED, active, 0, 0, "no line has the expected head hash: lines were "
            + "removed from the end, or the log was rebuilt"));
      }
      if (!keyed) {
        notes.add("structure only: MACs were not checked (no key), so whoever can write the file could have "
            + "rebuilt a consistent chain");
      }
      if (checkpoint == null && headMac == null) {
        notes.add("no checkpoint: lines removed from the end cannot be detected");
      }
    }

    private static boolean emptyFile(Path file) {
      try {
        return Files.size(file) == 0;
      } catch (IOException e) {
        return false;
      }
    }

    private static @Nullable Map<?, ?> note(AuditChain.Parsed p) {
      try {
        return JSON.fromJson(p.json()) instanceof Map<?, ?> m ? m : null;
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    private static long prefix(String mac) {
      return Long.parseUnsignedLong(mac.substring(0, 16), 16);
    }

    private void add(int fileIndex, Fault fault) {
      faults.add(new Positioned(fileIndex, fault));
    }

    private Result result() {
      List<Positioned> sorted = new ArrayList<>(faults);
      sorted.sort(Comparator.comparingInt(Positioned::fileIndex)
          .thenComparingLong(p -> p.fault().fromLine()));
      List<Fault> merged = new ArrayList<>();
      for (Positioned p : sorted) {
        Fault f = p.fault();
        Fault previous = merged.isEmpty() ? null : merged.get(merged.size() - 1);
        if (previous != null && previous.kind() == f.kind() && previous.file().equals(f.file())
            && f.fromLine() > 0 && previous.toLine() + 1 == f.fromLine()) {
          merged.set(merged.size() - 1, new Fault(f.kind(), f.file(), previous.fromLine(), f.toLine(),
              previous.fromLine() == previous.toLine() ? previous.message() + " (and the lines after it)"
                  : previous.message()));
          continue;
        }
        merged.add(f);
      }
      return new Result(log, lines, high, highMac, merged, torn, keyed, checkpoint, notes);
    }
  }
}

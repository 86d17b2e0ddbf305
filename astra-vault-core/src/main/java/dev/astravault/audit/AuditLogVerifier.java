package dev.astravault.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Checks the hash chain of a {@link JsonLinesAuditSink} log, across its rotated files, and names the first bad line.
 *
 * <p>It finds: an edited line (its own hash no longer matches), a deleted or inserted line (the sequence number or
 * the previous-line hash breaks), reordered lines (the sequence breaks), a last line cut short (no final newline, or
 * not a whole line), and a missing beginning (the first line is not sequence 1 with the genesis hash). Deleting whole
 * lines from the <em>end</em> leaves a valid, shorter chain: to catch that, keep the last {@link Result#headHash()}
 * somewhere else (another sink, a ticket) and pass it to {@link #verify(Path, String)}.
 *
 * <pre>{@code
 * AuditLogVerifier.Result r = AuditLogVerifier.verify(Path.of("/var/log/app/audit.jsonl"));
 * if (!r.valid()) System.err.println(r.firstBadLine().orElseThrow());  // "audit.jsonl.2:17 (seq 4017): ..."
 * }</pre>
 */
public final class AuditLogVerifier {
  private AuditLogVerifier() {}

  /** The outcome of a verification. */
  public record Result(long lines, long headSeq, String headHash, @Nullable BadLine badLine) {
    /**
     * {@return whether the whole chain verified}
     */
    public boolean valid() {
      return badLine == null;
    }

    /**
     * {@return the first line that breaks the chain, if any}
     */
    public Optional<BadLine> firstBadLine() {
      return Optional.ofNullable(badLine);
    }
  }

  /** The first line that breaks the chain: its file, 1-based line number in that file, and why. */
  public record BadLine(Path file, long lineNumber, String reason) {
    @Override
    public String toString() {
      return file.getFileName() + ":" + lineNumber + ": " + reason;
    }
  }

  /**
   * Verifies {@code activeFile} and its rotated files ({@code activeFile.1}, {@code .2}, ...), oldest first.
   *
   * @param activeFile the log file being written
   * @return the outcome
   */
  public static Result verify(Path activeFile) {
    List<Path> files = new ArrayList<>(JsonLinesAuditSink.rotatedFiles(activeFile));
    if (Files.exists(activeFile)) {
      files.add(activeFile);
    }
    return verify(files);
  }

  /**
   * Like {@link #verify(Path)}, and also requires the chain to end at {@code expectedHeadHash}.
   *
   * @param activeFile the log file being written
   * @param expectedHeadHash the hash the last line must have, kept elsewhere
   * @return the outcome
   */
  public static Result verify(Path activeFile, String expectedHeadHash) {
    Objects.requireNonNull(expectedHeadHash, "expectedHeadHash");
    Result result = verify(activeFile);
    if (!result.valid() || result.headHash().equals(expectedHeadHash)) {
      return result;
    }
    return new Result(result.lines(), result.headSeq(), result.headHash(), new BadLine(activeFile.getFileName(),
        result.lines() + 1, "the log ends at seq " + result.headSeq() + " but the expected head was not found: "
        + "lines were removed from the end"));
  }

  /**
   * Verifies the given files as one chain, in order.
   *
   * @param files the files, oldest first
   * @return the outcome
   */
  public static Result verify(List<Path> files) {
    long expectedSeq = 1;
    String expectedPrev = HashChain.GENESIS;
    long total = 0;
    for (Path file : files) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
      // After the last '\n' comes "" in a whole file, or the rest of a torn line.
      String[] lines = text.split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        boolean torn = i == lines.length - 1;
        if (torn && lines[i].isEmpty()) {
          break;
        }
        HashChain.Parsed parsed = HashChain.parse(lines[i]);
        String problem = problem(parsed, expectedSeq, expectedPrev);
        if (problem == null && torn) {
          problem = "the line has no final newline: the log was cut short or the write was torn";
        }
        if (problem != null) {
          return new Result(total, expectedSeq - 1, expectedPrev,
              new BadLine(file, i + 1, "(expected seq " + expectedSeq + ") " + problem));
        }
        expectedSeq++;
        expectedPrev = parsed.hash();
        total++;
      }
    }
    return new Result(total, expectedSeq - 1, expectedPrev, null);
  }

  private static @Nullable String problem(HashChain.@Nullable Parsed parsed, long expectedSeq, String expectedPrev) {
    if (parsed == null) {
      return "not a whole audit line (cut short, or edited out of shape)";
    }
    if (!parsed.selfConsistent()) {
      return "the line was modified: its content does not match its hash";
    }
    if (parsed.seq() != expectedSeq) {
      return parsed.seq() > expectedSeq
          ? "found seq " + parsed.seq() + ": line(s) before it were deleted, or lines were reordered"
          : "found seq " + parsed.seq() + ": a line was inserted, repeated or moved here";
    }
    if (!parsed.prev().equals(expectedPrev)) {
      return "the previous-line hash does not match: a line was inserted or replaced before it";
    }
    return null;
  }
}

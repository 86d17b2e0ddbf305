package dev.astravault.audit;

import dev.astravault.internal.Hashing;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The line format of the hash-chained JSON-lines log, shared by the writer and the verifier:
 *
 * <pre>{"seq":N,"prev":"&lt;hash of line N-1&gt;","event":{...},"hash":"&lt;sha256 of everything before ,"hash"&gt;"}</pre>
 *
 * The first line of a log has {@code seq} 1 and a {@code prev} of 64 zeros.
 */
final class HashChain {
  static final String GENESIS = "0".repeat(64);
  private static final Pattern LINE = Pattern.compile(
      "^(\\{\"seq\":(\\d{1,18}),\"prev\":\"([0-9a-f]{64})\",\"event\":\\{.*\\}),\"hash\":\"([0-9a-f]{64})\"\\}$",
      Pattern.DOTALL);

  private HashChain() {}

  /** One line, without its newline, and its hash. */
  record Line(String text, String hash) {}

  static Line line(long seq, String prev, String eventJson) {
    String body = "{\"seq\":" + seq + ",\"prev\":\"" + prev + "\",\"event\":" + eventJson;
    String hash = Hashing.sha256Hex(body);
    return new Line(body + ",\"hash\":\"" + hash + "\"}", hash);
  }

  /** A parsed line: its claimed fields, and whether its own hash matches its content. */
  record Parsed(long seq, String prev, String hash, boolean selfConsistent) {}

  static @Nullable Parsed parse(String line) {
    Matcher m = LINE.matcher(line);
    if (!m.matches()) {
      return null;
    }
    String body = m.group(1);
    String hash = m.group(4);
    return new Parsed(Long.parseLong(m.group(2)), m.group(3), hash, Hashing.sha256Hex(body).equals(hash));
  }
}

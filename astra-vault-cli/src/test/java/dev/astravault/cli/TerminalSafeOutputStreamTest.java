package dev.astravault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The byte side of the escaping (System.err during a run): UTF-8 decoded first, so C1 is caught in either split. */
class TerminalSafeOutputStreamTest {
  private static final String HOSTILE = "a\u001b]0;x\u0007 \u009b2J é€😀\n";
  private static final String SHOWN = "a\\u001b]0;x\\u0007 \\u009b2J é€😀\n";

  @Test
  void escapesWhetherWrittenWholeOrByteByByte() throws IOException {
    byte[] bytes = HOSTILE.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    try (TerminalSafeOutputStream out = new TerminalSafeOutputStream(whole)) {
      out.write(bytes);
    }
    ByteArrayOutputStream split = new ByteArrayOutputStream();
    try (TerminalSafeOutputStream out = new TerminalSafeOutputStream(split)) {
      for (byte b : bytes) {
        out.write(b);
        out.flush();
      }
    }
    assertThat(whole.toString(StandardCharsets.UTF_8)).isEqualTo(SHOWN);
    assertThat(split.toString(StandardCharsets.UTF_8)).isEqualTo(SHOWN);
  }

  /** A raw 0x9b byte is CSI to an 8-bit terminal: not UTF-8, so it prints as U+FFFD, as does a cut-off sequence. */
  @Test
  void bytesThatAreNotUtf8PrintAsReplacementCharacters() throws IOException {
    ByteArrayOutputStream target = new ByteArrayOutputStream();
    try (TerminalSafeOutputStream out = new TerminalSafeOutputStream(target)) {
      out.write(new byte[] {'a', (byte) 0x9b, '2', 'J', (byte) 0xe2, (byte) 0x82});
    }
    assertThat(target.toString(StandardCharsets.UTF_8)).isEqualTo("a\uFFFD2J\uFFFD");
  }

  /** Longer than the stream's buffers, so the decoding loops. */
  @Test
  void escapesAcrossItsBuffers() throws IOException {
    String line = "x\u009b".repeat(3000);
    ByteArrayOutputStream target = new ByteArrayOutputStream();
    try (TerminalSafeOutputStream out = new TerminalSafeOutputStream(target)) {
      out.write(line.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(target.toString(StandardCharsets.UTF_8)).isEqualTo("x\\u009b".repeat(3000));
  }

  /**
   * Bidirectional formatting characters reorder what a terminal shows ("Trojan Source"): a role name carrying U+202E
   * could make a line read as something it is not, so they are shown as escapes too. Other non-ASCII text is kept.
   */
  @Test
  void bidiFormattingCharactersAreEscaped() throws IOException {
    String hostile = "role \u202Eredaeh\u202C \u2066x\u2069 \u200E\u200F\u061C é";
    ByteArrayOutputStream target = new ByteArrayOutputStream();
    try (TerminalSafeOutputStream out = new TerminalSafeOutputStream(target)) {
      out.write(hostile.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(target.toString(StandardCharsets.UTF_8))
        .isEqualTo("role \\u202eredaeh\\u202c \\u2066x\\u2069 \\u200e\\u200f\\u061c é");
  }
}

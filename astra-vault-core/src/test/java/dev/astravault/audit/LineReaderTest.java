package dev.astravault.audit;

import static dev.astravault.audit.LineReader.CHUNK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit package's one line reader: forward with a cap, backward from the end, and positioned reads. */
class LineReaderTest {
  @TempDir Path dir;

  /** A line as the reader returns it, bytes as text ("-" when not held). */
  private static String shown(LineReader.Line line) {
    byte[] bytes = line.bytes();
    return line.start() + "+" + line.length() + (line.terminated() ? "" : " torn") + ":"
        + (bytes == null ? "-" : new String(bytes, StandardCharsets.UTF_8));
  }

  private FileChannel file(byte[] content) throws IOException {
    Path p = Files.write(dir.resolve("f" + System.nanoTime()), content);
    return FileChannel.open(p, StandardOpenOption.READ);
  }

  private FileChannel file(String content) throws IOException {
    return file(content.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> forward(FileChannel in, long from, long to, int cap) throws IOException {
    List<String> out = new ArrayList<>();
    LineReader.Forward lines = LineReader.forward(in, from, to, cap);
    for (LineReader.Line l = lines.next(); l != null; l = lines.next()) {
      out.add(shown(l));
    }
    return out;
  }

  private static List<String> forward(FileChannel in) throws IOException {
    return forward(in, 0, Long.MAX_VALUE, Integer.MAX_VALUE);
  }

  private static List<String> backward(FileChannel in, long cap) throws IOException {
    List<String> out = new ArrayList<>();
    LineReader.Backward lines = LineReader.backward(in);
    for (LineReader.Line l = lines.next(cap); l != null; l = lines.next(cap)) {
      out.add(shown(l));
    }
    return out;
  }

  private static List<String> backward(FileChannel in) throws IOException {
    return backward(in, Long.MAX_VALUE);
  }

  @Test
  void forwardReadsEachLineWithItsOffsetWithoutTheNewline() throws IOException {
    try (FileChannel in = file("ab\n\nc\n")) {
      assertThat(forward(in)).containsExactly("0+2:ab", "3+0:", "4+1:c");
    }
  }

  @Test
  void forwardStartsAtAnOffsetAndStopsAtItsEnd() throws IOException {
    try (FileChannel in = file("ab\ncd\nef\n")) {
      assertThat(forward(in, 3, Long.MAX_VALUE, 100)).containsExactly("3+2:cd", "6+2:ef");
      assertThat(forward(in, 0, 7, 100)).containsExactly("0+2:ab", "3+2:cd", "6+1 torn:e");
    }
  }

  @Test
  void backwardReadsTheNewestLineFirst() throws IOException {
    try (FileChannel in = file("ab\n\nc\n")) {
      assertThat(backward(in)).containsExactly("4+1:c", "3+0:", "0+2:ab");
    }
  }

  @Test
  void aLeadingNewlineEndsAnEmptyFirstLineEitherWay() throws IOException {
    try (FileChannel in = file("\nx\n")) {
      assertThat(forward(in)).containsExactly("0+0:", "1+1:x");
      assertThat(backward(in)).containsExactly("1+1:x", "0+0:");
    }
  }

  @Test
  void anEmptyFileHasNoLine() throws IOException {
    try (FileChannel in = file("")) {
      assertThat(forward(in)).isEmpty();
      assertThat(backward(in)).isEmpty();
    }
  }

  @Test
  void aLastLineWithoutNewlineIsReturnedAsTorn() throws IOException {
    try (FileChannel in = file("ab\ncd")) {
      assertThat(forward(in)).containsExactly("0+2:ab", "3+2 torn:cd");
      assertThat(backward(in)).containsExactly("3+2 torn:cd", "0+2:ab");
    }
    try (FileChannel in = file("x")) {
      assertThat(forward(in)).containsExactly("0+1 torn:x");
      assertThat(backward(in)).containsExactly("0+1 torn:x");
    }
  }

  @Test
  void aCarriageReturnIsPartOfTheLine() throws IOException {
    // None of the four readers it replaces handled CRLF (no audit file writes it): "\r" stays in the line.
    try (FileChannel in = file("ab\r\ncd\r\n")) {
      assertThat(forward(in)).containsExactly("0+3:ab\r", "4+3:cd\r");
      assertThat(backward(in)).containsExactly("4+3:cd\r", "0+3:ab\r");
    }
  }

  @Test
  void aLineOverTheCapIsMeasuredNotHeldAndTheNextOneIsRead() throws IOException {
    try (FileChannel in = file("abcd\nabcde\nab\n")) {
      assertThat(forward(in, 0, Long.MAX_VALUE, 4)).containsExactly("0+4:abcd", "5+5:-", "11+2:ab");
      assertThat(backward(in, 4)).containsExactly("11+2:ab", "5+5:-", "0+4:abcd");
    }
  }

  @Test
  void aLineOverTheCapThatSpansChunksIsNotHeld() throws IOException {
    byte[] content = new byte[3 * CHUNK + 10];
    Arrays.fill(content, (byte) 'x');
    content[content.length - 1] = '\n';
    try (FileChannel in = file(content)) {
      assertThat(forward(in, 0, Long.MAX_VALUE, CHUNK)).containsExactly("0+" + (3 * CHUNK + 9) + ":-");
      assertThat(backward(in, CHUNK)).containsExactly("0+" + (3 * CHUNK + 9) + ":-");
    }
  }

  @Test
  void aLineLongerThanAChunkIsReadWhole() throws IOException {
    String longLine = "y".repeat(2 * CHUNK + 7);
    try (FileChannel in = file("a\n" + longLine + "\nb")) {
      assertThat(forward(in)).containsExactly("0+1:a", "2+" + longLine.length() + ":" + longLine,
          (3 + longLine.length()) + "+1 torn:b");
      assertThat(backward(in)).containsExactly((3 + longLine.length()) + "+1 torn:b",
          "2+" + longLine.length() + ":" + longLine, "0+1:a");
    }
  }

  @Test
  void aNewlineAtEitherSideOfAChunkBoundarySplitsThere() throws IOException {
    for (int newlineAt : new int[] {CHUNK - 2, CHUNK - 1, CHUNK, CHUNK + 1}) {
      // Forward chunks start at offset 0; backward ones end at the file's end: both meet the boundary here.
      String first = "p".repeat(newlineAt);
      String second = "q".repeat(2 * CHUNK - newlineAt - 2);
      String content = first + "\n" + second + "\n";
      assertThat(content.length()).isEqualTo(2 * CHUNK);
      try (FileChannel in = file(content)) {
        String one = "0+" + first.length() + ":" + first;
        String two = (newlineAt + 1) + "+" + second.length() + ":" + second;
        assertThat(forward(in)).as("newline at %d", newlineAt).containsExactly(one, two);
        assertThat(backward(in)).as("newline at %d", newlineAt).containsExactly(two, one);
      }
    }
  }

  @Test
  void aLineOfExactlyOneChunkEndsAtTheBoundary() throws IOException {
    String line = "z".repeat(CHUNK - 1);   // its newline is the chunk's last byte
    try (FileChannel in = file(line + "\n" + "w\n")) {
      assertThat(forward(in)).containsExactly("0+" + (CHUNK - 1) + ":" + line, CHUNK + "+1:w");
      assertThat(backward(in)).containsExactly(CHUNK + "+1:w", "0+" + (CHUNK - 1) + ":" + line);
    }
  }

  @Test
  void bothDirectionsAgreeWithASplitOnRandomFiles() throws IOException {
    Random random = new Random(20261207);
    for (int round = 0; round < 20; round++) {
      StringBuilder content = new StringBuilder();
      while (content.length() < 3 * CHUNK) {
        int length = random.nextInt(4) == 0 ? random.nextInt(CHUNK + 100) : random.nextInt(40);
        content.append(String.valueOf((char) ('a' + content.length() % 26)).repeat(length)).append('\n');
      }
      boolean torn = random.nextBoolean();
      if (torn) {
        content.append("t".repeat(1 + random.nextInt(100)));
      }
      List<String> expected = new ArrayList<>();
      int start = 0;
      for (int i = 0; i <= content.length(); i++) {
        if (i == content.length() ? i > start : content.charAt(i) == '\n') {
          String line = content.substring(start, i);
          expected.add(start + "+" + line.length() + (i == content.length() ? " torn" : "") + ":" + line);
          start = i + 1;
        }
      }
      try (FileChannel in = file(content.toString())) {
        assertThat(forward(in)).as("round %d", round).isEqualTo(expected);
        Collections.reverse(expected);
        assertThat(backward(in)).as("round %d", round).isEqualTo(expected);
      }
    }
  }

  @Test
  void readAtFillsUpToTheEndAndReadFullyRefusesAShortFile() throws IOException {
    try (FileChannel in = file("abcdef")) {
      ByteBuffer buffer = ByteBuffer.allocate(10);
      assertThat(LineReader.readAt(in, buffer, 2)).isEqualTo(4);
      assertThat(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8)).isEqualTo("cdef");
      ByteBuffer three = ByteBuffer.allocate(3);
      LineReader.readFully(in, three, 3);
      assertThat(new String(three.array(), StandardCharsets.UTF_8)).isEqualTo("def");
      assertThatThrownBy(() -> LineReader.readFully(in, ByteBuffer.allocate(3), 4))
          .isInstanceOf(EOFException.class).hasMessageContaining("shrank");
    }
  }
}

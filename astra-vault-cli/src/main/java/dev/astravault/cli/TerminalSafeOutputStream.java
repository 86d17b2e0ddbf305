package dev.astravault.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * {@link TerminalSafeWriter} for bytes: UTF-8 in, escaped UTF-8 out. Used as {@code System.err} while a command runs,
 * so that what the library logs there (slf4j-simple writes to whatever {@code System.err} is at the time) is escaped
 * as the CLI's own lines are. Decoding first, rather than filtering bytes, catches C1 in its two-byte UTF-8 form, even
 * split across writes; bytes that are not UTF-8 (a lone 0x9b, which an 8-bit terminal reads as CSI) print as U+FFFD.
 */
final class TerminalSafeOutputStream extends OutputStream {
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
  /** Bytes not yet decoded: at most the start of one UTF-8 sequence between writes. */
  private final ByteBuffer pending = ByteBuffer.allocate(1024);
  private final CharBuffer chars = CharBuffer.allocate(1024);
  private final Writer out;

  TerminalSafeOutputStream(OutputStream target) {
    this.out = new TerminalSafeWriter(new OutputStreamWriter(target, StandardCharsets.UTF_8));
  }

  @Override
  public synchronized void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    int end = off + len;
    while (off < end) {
      int n = Math.min(pending.remaining(), end - off);
      pending.put(b, off, n);
      off += n;
      decode(false);
    }
  }

  private void decode(boolean endOfInput) throws IOException {
    pending.flip();
    CoderResult result;
    do {
      result = decoder.decode(pending, chars, endOfInput);
      chars.flip();
      out.write(chars.array(), chars.position(), chars.remaining());
      chars.clear();
    } while (result.isOverflow());
    pending.compact();
  }

  @Override
  public synchronized void flush() throws IOException {
    out.flush();
  }

  /**
   * Ends the input (an unfinished UTF-8 sequence prints as U+FFFD) and flushes; the target stays open, and so does
   * this stream: a thread still holding it keeps writing through the escaping.
   */
  @Override
  public synchronized void close() throws IOException {
    decode(true);
    decoder.flush(chars);
    chars.flip();
    out.write(chars.array(), chars.position(), chars.remaining());
    chars.clear();
    decoder.reset();
    out.flush();
  }
}

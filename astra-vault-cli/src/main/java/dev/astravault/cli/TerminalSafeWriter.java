package dev.astravault.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * Writes control characters as {@code \}{@code u00XX} instead of raw: what the CLI prints comes partly from others
 * (Astra's role names, Vault's and Astra's error texts, store rows, audit log lines), and a raw escape sequence
 * there could retitle, clear or rewrite an operator's terminal. Kept raw: newline and tab, and a carriage return
 * only where it ends lines. C0, DEL and C1 (U+0080 to U+009F, which some terminals read as CSI) are escaped, and so
 * are the bidirectional formatting characters (as {@code \}{@code uXXXX}). JSON stays valid and lossless: Moshi
 * already escapes C0, and the others can only occur inside a JSON string, where {@code \}{@code uXXXX} is their
 * escape.
 */
final class TerminalSafeWriter extends FilterWriter {
  private static final boolean CRLF = System.lineSeparator().equals("\r\n");

  TerminalSafeWriter(Writer out) {
    super(out);
  }

  static boolean unsafe(char c) {
    return c < 0x20 && c != '\n' && c != '\t' && !(c == '\r' && CRLF) || c >= 0x7f && c <= 0x9f || bidi(c);
  }

  /**
   * Bidirectional formatting characters (the Arabic letter mark, LRM and RLM, the embeddings, overrides and
   * isolates): they reorder what a terminal shows, so a name carrying one could make a line read as another.
   */
  private static boolean bidi(char c) {
    return c == '\u061c' || c == '\u200e' || c == '\u200f' || c >= '\u202a' && c <= '\u202e'
        || c >= '\u2066' && c <= '\u2069';
  }

  @Override
  public void write(int c) throws IOException {
    if (unsafe((char) c)) {
      out.write(String.format("\\u%04x", c));
    } else {
      out.write(c);
    }
  }

  @Override
  public void write(char[] buf, int off, int len) throws IOException {
    int start = off;
    for (int i = off; i < off + len; i++) {
      if (unsafe(buf[i])) {
        out.write(buf, start, i - start);
        out.write(String.format("\\u%04x", (int) buf[i]));
        start = i + 1;
      }
    }
    out.write(buf, start, off + len - start);
  }

  @Override
  public void write(String str, int off, int len) throws IOException {
    write(str.toCharArray(), off, len);
  }
}

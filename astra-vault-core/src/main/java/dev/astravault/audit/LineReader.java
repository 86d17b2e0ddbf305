package dev.astravault.audit;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The lines of an audit file, read in chunks through a channel its caller opened and checked (the reader never opens
 * a path): a line is held only when it is at most a cap long, so a hostile file of any size, or a line without end,
 * costs one chunk and at most the cap. Lines end at {@code '\n'}, which is not part of them; a last line without one
 * is returned as not terminated (torn by a crash, or cut), and the empty rest after a final newline is no line. Bytes
 * are returned as they are, {@code '\r'} included: no audit file writes one.
 */
final class LineReader {
  /** The bytes read at a time. */
  static final int CHUNK = 1 << 16;

  private LineReader() {}

  /**
   * A line of the file.
   *
   * @param start its offset in the file
   * @param length its length in bytes, without the newline
   * @param bytes its bytes; null when it is longer than the cap it was read with
   * @param terminated whether a newline ends it
   */
  record Line(long start, long length, byte @Nullable [] bytes, boolean terminated) {}

  /** The lines of {@code in} from offset {@code from} (a line's start) up to offset {@code to}, oldest first. */
  static Forward forward(FileChannel in, long from, long to, int cap) {
    return new Forward(in, from, to, cap);
  }

  /** The lines of {@code in} as long as it is now, newest first. */
  static Backward backward(FileChannel in) throws IOException {
    return new Backward(in);
  }

  /** Fills {@code into} from offset {@code at} on, or up to the end of the file; returns the bytes read. */
  static int readAt(FileChannel in, ByteBuffer into, long at) throws IOException {
    int from = into.position();
    while (into.hasRemaining() && in.read(into, at + into.position() - from) > 0) {
      continue;
    }
    return into.position() - from;
  }

  /** Fills {@code into} from offset {@code at} on; an {@link EOFException} when the file ends first. */
  static void readFully(FileChannel in, ByteBuffer into, long at) throws IOException {
    readAt(in, into, at);
    if (into.hasRemaining()) {
      throw new EOFException("the audit file shrank while it was read");
    }
  }

  /** Forward iteration: one chunk in memory, and the current line up to the cap. */
  static final class Forward {
    private final FileChannel in;
    private final long to;
    private final int cap;
    private final byte[] chunk = new byte[CHUNK];
    private int position;
    private int limit;
    /** The file offset just after the chunk. */
    private long read;

    private Forward(FileChannel in, long from, long to, int cap) {
      this.in = in;
      this.to = to;
      this.cap = cap;
      this.read = from;
    }

    /** The next line; null at the end of the file (or at {@code to}). */
    @Nullable Line next() throws IOException {
      long start = read - limit + position;
      ByteArrayOutputStream kept = new ByteArrayOutputStream();
      long length = 0;
      boolean any = false;
      while (true) {
        if (position == limit) {
          position = 0;
          limit = fill();
          if (limit == 0) {
            return any ? line(start, kept, length, false) : null;
          }
        }
        any = true;
        int from = position;
        while (position < limit && chunk[position] != '\n') {
          position++;
        }
        int n = position - from;
        if (length + n <= cap) {
          kept.write(chunk, from, n);
        }
        length += n;
        if (position < limit) {
          position++;
          return line(start, kept, length, true);
        }
      }
    }

    private int fill() throws IOException {
      int n = readAt(in, ByteBuffer.wrap(chunk, 0, (int) Math.max(0, Math.min(CHUNK, to - read))), read);
      read += n;
      return n;
    }

    private Line line(long start, ByteArrayOutputStream kept, long length, boolean terminated) {
      return new Line(start, length, length > cap ? null : kept.toByteArray(), terminated);
    }
  }

  /** Backward iteration: the newline before each line is found in chunks, then the line is read if short enough. */
  static final class Backward {
    private final FileChannel in;
    private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
    private final long end;
    /** The end of the next line to return; -1 when there is none. */
    private long lineEnd;
    /** The chunk holds the file's bytes from this offset to {@link #chunkEnd}. */
    private long chunkStart;
    private long chunkEnd;

    private Backward(FileChannel in) throws IOException {
      this.in = in;
      this.end = in.size();
      this.chunkStart = end;
      this.chunkEnd = end;
      this.lineEnd = end == 0 ? -1 : end;
    }

    /** The next line back, its bytes held when it is at most {@code cap} bytes long; null before the first. */
    @Nullable Line next(long cap) throws IOException {
      if (lineEnd < 0) {
        return null;
      }
      boolean terminated = true;
      if (lineEnd == end) {   // the last line: its newline, if any, is the file's last byte
        terminated = byteAt(end - 1) == '\n';
        lineEnd = terminated ? end - 1 : end;
      }
      long start = startOf(lineEnd);
      long length = lineEnd - start;
      Line line = new Line(start, length, length > cap ? null : bytes(start, (int) length), terminated);
      lineEnd = start - 1;   // the line before ends at this line's newline; none before offset 0
      return line;
    }

    /** The start of the line that ends at {@code lineEnd}: just after the newline before it, or 0. */
    private long startOf(long lineEnd) throws IOException {
      byte[] bytes = chunk.array();
      for (long start = lineEnd; start > 0; start = chunkStart) {
        int i = (int) (start - 1 - load(start - 1));
        while (i >= 0 && bytes[i] != '\n') {
          i--;
        }
        if (i >= 0) {
          return chunkStart + i + 1;
        }
      }
      return 0;
    }

    private byte byteAt(long at) throws IOException {
      return chunk.get((int) (at - load(at)));
    }

    /** Makes the chunk hold offset {@code at} (it moves only back); returns the chunk's start. */
    private long load(long at) throws IOException {
      if (at < chunkStart) {
        chunkEnd = at + 1;
        chunkStart = Math.max(0, chunkEnd - CHUNK);
        chunk.clear().limit((int) (chunkEnd - chunkStart));
        readFully(in, chunk, chunkStart);
      }
      return chunkStart;
    }

    private byte[] bytes(long start, int length) throws IOException {
      if (start >= chunkStart && start + length <= chunkEnd) {   // a short line lies in the chunk just scanned
        int from = (int) (start - chunkStart);
        return Arrays.copyOfRange(chunk.array(), from, from + length);
      }
      ByteBuffer bytes = ByteBuffer.allocate(length);
      readFully(in, bytes, start);
      return bytes.array();
    }
  }
}

package dev.astravault.internal.redact;

import java.util.Arrays;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A text with each {@code %HH} read as the one character it encodes, for the recognisers that are loops ({@link
 * StoreKeyRuns}, {@link Redaction#maskClientSecrets}): percent-encoding ({@code URLEncoder}, a form body) writes a
 * key's {@code +/=} and a client secret's {@code ,+} as {@code %2B}, {@code %2F}, {@code %3D}, {@code %2C}, which
 * cut the run those recognisers look for into pieces too short to be found. Each recogniser reads the text as
 * written and its decoded form, and the spans it finds in either are masked where they are written, those that
 * overlap as one: a secret only partly encoded ({@code escape()} keeps a {@code +} and encodes a {@code ,}) may show
 * a piece as written that the decoded form shows whole, and masking that piece first would leave the rest of it
 * readable. Bytes above 127 are decoded one by one, so a UTF-8 character reads as characters that are neither
 * base64 nor a client secret's, as it does unencoded.
 */
final class PercentDecoded {
  /** A recogniser: reports each span of {@code view} it masks, in increasing order, to {@code found}. */
  @FunctionalInterface
  interface Recogniser {
    void find(CharSequence view, Found found);
  }

  /** Takes a span {@code [start, end)} to mask. */
  @FunctionalInterface
  interface Found {
    void span(int start, int end);
  }

  /**
   * {@code text} with what {@code recogniser} finds in it as written and in its decoded form masked, or null when
   * it finds nothing. {@code view} wraps the decoded form as the caller wraps {@code text} (tests count the reads).
   */
  static @Nullable String mask(CharSequence text, Recogniser recogniser,
      Function<String, ? extends CharSequence> view) {
    Spans spans = new Spans();
    recogniser.find(text, spans);
    int plain = spans.size;
    String decoded = decode(text);
    if (decoded != null) {
      IntUnaryOperator toText = toText(text);
      recogniser.find(view.apply(decoded), (start, end) -> spans.span(toText.applyAsInt(start),
          toText.applyAsInt(end)));
    }
    return spans.size == 0 ? null : spans.mask(text, plain);
  }

  /** Spans found, each pass's in increasing order: the plain pass's first {@code plain}, then the decoded pass's. */
  private static final class Spans implements Found {
    private static final int[] NONE = {};
    private int[] bounds = NONE;
    private int size;

    @Override
    public void span(int start, int end) {
      if (2 * size == bounds.length) {
        bounds = Arrays.copyOf(bounds, Math.max(8, 2 * bounds.length));
      }
      bounds[2 * size] = start;
      bounds[2 * size + 1] = end;
      size++;
    }

    /** {@code text} with both passes' spans masked in order of their starts, overlapping ones under one mask. */
    String mask(CharSequence text, int plain) {
      StringBuilder out = new StringBuilder(text.length());
      int last = 0;
      int i = 0;
      int j = plain;
      while (i < plain || j < size) {
        boolean plainFirst = j == size || i < plain && bounds[2 * i] <= bounds[2 * j];
        int k = plainFirst ? i++ : j++;
        int start = bounds[2 * k];
        int end = bounds[2 * k + 1];
        if (start < last) {
          last = Math.max(last, end);
        } else {
          out.append(text, last, start).append(Redaction.MASK);
          last = end;
        }
      }
      return out.append(text, last, text.length()).toString();
    }
  }

  /**
   * {@code text} with each {@code %HH} decoded, or null when it holds none (so nothing is allocated). Reads each
   * character once, and the two after each {@code %} once more.
   */
  static @Nullable String decode(CharSequence text) {
    int n = text.length();
    StringBuilder out = null;
    int last = 0;
    for (int i = 0; i < n; i++) {
      if (text.charAt(i) == '%' && width(text, i) == 3) {
        out = out == null ? new StringBuilder(n) : out;
        out.append(text, last, i).append(decodedAt(text, i));
        last = i + 3;
        i += 2;
      }
    }
    return out == null ? null : out.append(text, last, n).toString();
  }

  /**
   * Indexes of {@link #decode}'s result mapped to {@code text}'s, for indexes asked in increasing order: a cursor
   * that steps over each {@code %HH} as one character, so the whole mapping reads {@code text} about twice.
   */
  static IntUnaryOperator toText(CharSequence text) {
    int[] cursor = {0, 0};   // {index in the decoded text, index in text}
    return decodedIndex -> {
      while (cursor[0] < decodedIndex) {
        cursor[1] += width(text, cursor[1]);
        cursor[0]++;
      }
      return cursor[1];
    };
  }

  /** The character {@code %HH} at {@code i} encodes. */
  private static char decodedAt(CharSequence text, int i) {
    return (char) (16 * hex(text.charAt(i + 1)) + hex(text.charAt(i + 2)));
  }

  /** 3 when {@code %HH} starts at {@code i}, else 1. */
  private static int width(CharSequence text, int i) {
    return text.charAt(i) == '%' && i + 2 < text.length() && hex(text.charAt(i + 1)) >= 0
        && hex(text.charAt(i + 2)) >= 0 ? 3 : 1;
  }

  private static int hex(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10
        : -1;
  }

  private PercentDecoded() {}
}

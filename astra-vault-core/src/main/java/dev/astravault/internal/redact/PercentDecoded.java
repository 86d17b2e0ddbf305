package dev.astravault.internal.redact;

import java.util.Arrays;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A text with each {@code %HH} read as the one character it encodes, for the recognisers that are loops ({@link
 * StoreKeyRuns}, {@link ClientSecretRuns}): percent-encoding ({@code URLEncoder}, a form body) writes a
 * key's {@code +/=} and a client secret's {@code ,+} as {@code %2B}, {@code %2F}, {@code %3D}, {@code %2C}, which
 * cut the run those recognisers look for into pieces too short to be found. Each recogniser reads the text as
 * written and its decoded forms, and the spans it finds in any are masked where they are written, those that overlap
 * as one: a secret only partly encoded ({@code escape()} keeps a {@code +} and encodes a {@code ,}) may show a piece
 * as written that a decoded form shows whole, and masking that piece first would leave the rest of it readable.
 * Bytes above 127 are decoded one by one, so a UTF-8 character reads as characters that are neither base64 nor a
 * client secret's, as it does unencoded.
 *
 * <p>JSON's escaped {@code \/} (PHP's {@code json_encode} writes every {@code /} so) is decoded to {@code /} with
 * the {@code %HH}: a client secret or key holding a {@code /} is cut by it as by {@code %2F}.
 *
 * <p>A text is decoded up to {@value #MAX_DEPTH} times, as a URL carried in another's parameter is encoded again
 * ({@code %2F} becomes {@code %252F}): each decoded form is read about four times more, so the depth is bounded, and
 * deeper than the redactor's patterns look ({@code %(25){0,2}3A}) would find nothing they mask.
 */
final class PercentDecoded {
  /** How many times a text is decoded: a secret encoded up to three times is found. */
  static final int MAX_DEPTH = 3;
  private static final int[] NONE = {};

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
   * {@code text} with what {@code recogniser} finds in it as written and in its decoded forms masked, or null when it
   * finds nothing. {@code view} wraps each decoded form as the caller wraps {@code text} (tests count the reads).
   */
  static @Nullable String mask(CharSequence text, Recogniser recogniser,
      Function<String, ? extends CharSequence> view) {
    Spans spans = new Spans();
    recogniser.find(text, spans);
    CharSequence level = text;
    IntUnaryOperator levelToText = IntUnaryOperator.identity();
    for (int depth = 1; depth <= MAX_DEPTH; depth++) {
      Decoded decoded = Decoded.of(level);
      if (decoded == null) {
        break;
      }
      // An index of the decoded form, through each form before it, to where it is written: each step a cursor.
      IntUnaryOperator decodedToText = decoded.toEncoded().andThen(levelToText);
      int before = spans.size;
      level = view.apply(decoded.text);
      recogniser.find(level, (start, end) -> spans.span(decodedToText.applyAsInt(start),
          decodedToText.applyAsInt(end)));
      spans.merge(before);
      if (!decoded.holdsPercent) {
        break;
      }
      levelToText = decodedToText;
    }
    return spans.size == 0 ? null : spans.mask(text);
  }

  /**
   * Whether {@code recogniser} finds anything in {@code text} as written or in a decoded form, that is whether
   * {@link #mask} masks anything: the pre-scan's test, exact by being the same recogniser on the same forms.
   */
  static boolean finds(CharSequence text, Recogniser recogniser) {
    boolean[] found = {false};
    Found any = (start, end) -> found[0] = true;
    recogniser.find(text, any);
    CharSequence level = text;
    for (int depth = 1; depth <= MAX_DEPTH && !found[0]; depth++) {
      Decoded decoded = Decoded.of(level);
      if (decoded == null) {
        break;
      }
      recogniser.find(decoded.text, any);
      if (!decoded.holdsPercent) {
        break;
      }
      level = decoded.text;
    }
    return found[0];
  }

  /** Spans found, sorted by their starts ({@link #merge} after each form's, which come in increasing order). */
  private static final class Spans implements Found {
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

    /** Merges the spans from {@code from} on, in order of their starts, into the sorted ones before them. */
    void merge(int from) {
      if (from == 0 || from == size) {
        return;
      }
      int[] merged = new int[bounds.length];
      int i = 0;
      int j = from;
      for (int k = 0; k < size; k++) {
        int take = j == size || i < from && bounds[2 * i] <= bounds[2 * j] ? i++ : j++;
        merged[2 * k] = bounds[2 * take];
        merged[2 * k + 1] = bounds[2 * take + 1];
      }
      bounds = merged;
    }

    /** {@code text} with the spans masked in order of their starts, overlapping ones under one mask. */
    String mask(CharSequence text) {
      StringBuilder out = new StringBuilder(text.length());
      int last = 0;
      for (int k = 0; k < size; k++) {
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
   * A text with each {@code %HH} decoded, and where each decoded character sits, for mapping its indexes back to the
   * encoded text without reading that again.
   */
  private static final class Decoded {
    final String text;
    /** Whether {@link #text} holds a {@code %}, without which decoding it again changes nothing. */
    final boolean holdsPercent;
    /** The indexes in {@link #text} of the characters decoded from a {@code %HH} or {@code \/}, increasing. */
    private final int[] escapes;
    /** For each of {@link #escapes}, how many characters longer the encoded text is up to and including it. */
    private final int[] shifts;
    private final int count;

    private Decoded(String text, boolean holdsPercent, int[] escapes, int[] shifts, int count) {
      this.text = text;
      this.holdsPercent = holdsPercent;
      this.escapes = escapes;
      this.shifts = shifts;
      this.count = count;
    }

    /**
     * {@code encoded} with each {@code %HH} decoded, and each {@code \/} (JSON's escaped {@code /}, as PHP and some
     * JavaScript write it), or null when it holds neither (so nothing is allocated). Reads each character once and
     * the one or two after a {@code %} or {@code \} once more, and those before the first escape once more.
     */
    static @Nullable Decoded of(CharSequence encoded) {
      int n = encoded.length();
      StringBuilder out = null;
      int[] escapes = NONE;
      int[] shifts = NONE;
      int count = 0;
      int shift = 0;
      boolean percent = false;
      for (int i = 0; i < n; i++) {
        char c = encoded.charAt(i);
        int high = c == '%' && i + 2 < n ? hex(encoded.charAt(i + 1)) : -1;
        int low = high < 0 ? -1 : hex(encoded.charAt(i + 2));
        boolean slash = c == '\\' && i + 1 < n && encoded.charAt(i + 1) == '/';
        if (low < 0 && !slash) {
          percent |= c == '%';
          if (out != null) {
            out.append(c);
          }
          continue;
        }
        out = out == null ? new StringBuilder(n).append(encoded, 0, i) : out;
        if (count == escapes.length) {
          escapes = Arrays.copyOf(escapes, Math.max(8, 2 * escapes.length));
          shifts = Arrays.copyOf(shifts, escapes.length);
        }
        c = slash ? '/' : (char) (16 * high + low);
        shift += slash ? 1 : 2;
        escapes[count] = out.length();
        shifts[count++] = shift;
        percent |= c == '%';
        out.append(c);
        i += slash ? 1 : 2;
      }
      return out == null ? null : new Decoded(out.toString(), percent, escapes, shifts, count);
    }

    /**
     * Indexes of {@link #text} mapped to the encoded text's, for indexes asked in increasing order: a cursor over
     * {@link #escapes}, each of which moves the rest on by its {@linkplain #shifts shift}.
     */
    IntUnaryOperator toEncoded() {
      int[] before = {0};   // the escapes before the index last asked
      return index -> {
        while (before[0] < count && escapes[before[0]] < index) {
          before[0]++;
        }
        return index + (before[0] == 0 ? 0 : shifts[before[0] - 1]);
      };
    }
  }

  private static int hex(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10
        : -1;
  }

  private PercentDecoded() {}
}

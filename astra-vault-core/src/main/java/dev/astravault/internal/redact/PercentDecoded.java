package dev.astravault.internal.redact;

import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A text with each {@code %HH} read as the one character it encodes, for the recognisers that are loops ({@link
 * StoreKeyRuns}, {@link Redaction#maskClientSecrets}): percent-encoding ({@code URLEncoder}, a form body) writes a
 * key's {@code +/=} and a client secret's {@code ,+} as {@code %2B}, {@code %2F}, {@code %3D}, {@code %2C}, which
 * cut the run those recognisers look for into pieces too short to be found. Each recogniser reads the text as
 * written, then this decoded form of what that left, and the spans it masks there are mapped back onto the text.
 * Bytes above 127 are decoded one by one, so a UTF-8 character reads as characters that are neither base64 nor a
 * client secret's, as it does unencoded.
 */
final class PercentDecoded {
  /** A recogniser's masking: {@code text} with the spans it finds in {@code view} masked, or null when none. */
  @FunctionalInterface
  interface Masking {
    /** {@code toText} maps an index of {@code view} to one of {@code text}, asked in increasing order. */
    @Nullable String mask(CharSequence view, CharSequence text, IntUnaryOperator toText);
  }

  /**
   * {@code text} masked by {@code masking} as written, then in its decoded form; null when neither masked anything.
   * {@code view} wraps the decoded form as the caller wraps {@code text} (tests count the reads).
   */
  static @Nullable String mask(CharSequence text, Masking masking, Function<String, ? extends CharSequence> view) {
    String plain = masking.mask(text, text, IntUnaryOperator.identity());
    CharSequence after = plain == null ? text : plain;
    String decoded = decode(after);
    String masked = decoded == null ? null : masking.mask(view.apply(decoded), after, toText(after));
    return masked == null ? plain : masked;
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

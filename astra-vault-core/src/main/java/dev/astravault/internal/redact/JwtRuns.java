package dev.astravault.internal.redact;

import org.jspecify.annotations.Nullable;

/**
 * Finds JSON Web Tokens (a Kubernetes service-account token, a JWT for Vault's JWT/OIDC auth) in text, without a
 * regex: {@link Redaction}'s first pass, so that no pattern of the next one masks a part of a token and leaves the
 * rest readable. A class of its own, as {@link StoreKeyRuns} is, so that each recogniser reads on one screen.
 *
 * <p>A JWT starts with a segment of {@value #SEGMENT_MIN} or more base64url characters ({@code A-Za-z0-9_-}) that
 * starts {@code eyJ} (base64 of <code>{"</code>) at the start of a word or after one of {@code .-_}, and is followed
 * by a {@code .}; the mask covers that segment and the rest of its run of {@code A-Za-z0-9._-}. So a compact JWS
 * ({@code header.payload.signature}, the signature empty for {@code alg: none}, the payload empty when detached) and
 * a JWE (five segments, the encrypted key empty for {@code dir}) are masked whole, and so is one cut short on either
 * side ({@code header.payl…}, or {@code …payload.signature}: a payload is JSON too). Not found: {@code eyJ} glued to
 * a letter or digit before it (the inside of a longer random string), or a segment without a {@code .} after it
 * (base64 JSON alone, which is no token).
 */
final class JwtRuns {
  /**
   * The shortest first segment: {@code eyJ} and 7 more, the base64url of the shortest JSON object with a member,
   * <code>{"a":1}</code> (the shortest JOSE header, <code>{"alg":"none"}</code>, is 19).
   */
  static final int SEGMENT_MIN = 10;

  /**
   * {@code text} with every JWT masked, or null when it holds none. One pass: a segment that is not a JWT's first is
   * not read again from a later {@code eyJ} inside it ({@code eyJ-eyJ-…}), since that one ends where it does and is
   * shorter.
   */
  static @Nullable String mask(CharSequence text) {
    StringBuilder out = null;
    int last = 0;
    int n = text.length();
    int i = 0;
    while (i < n) {
      if (!startsJwt(text, i)) {
        i++;
        continue;
      }
      int end = i + 3;
      while (end < n && isBase64Url(text.charAt(end))) {
        end++;
      }
      if (end < n && text.charAt(end) == '.' && end - i >= SEGMENT_MIN) {
        while (end < n && (isBase64Url(text.charAt(end)) || text.charAt(end) == '.')) {
          end++;
        }
        out = out == null ? new StringBuilder(n) : out;
        out.append(text, last, i).append(Redaction.MASK);
        last = end;
      }
      i = end;
    }
    return out == null ? null : out.append(text, last, n).toString();
  }

  /** Whether {@code eyJ} is at {@code i}, not after a letter or digit. */
  private static boolean startsJwt(CharSequence text, int i) {
    if (i + 3 > text.length() || text.charAt(i) != 'e' || text.charAt(i + 1) != 'y' || text.charAt(i + 2) != 'J') {
      return false;
    }
    char before = i == 0 ? ' ' : text.charAt(i - 1);
    return !(before >= 'a' && before <= 'z' || before >= 'A' && before <= 'Z' || before >= '0' && before <= '9');
  }

  private static boolean isBase64Url(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-';
  }

  private JwtRuns() {}
}

package dev.astravault.internal.redact;

import java.util.IdentityHashMap;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Masks secrets no pattern of {@link Redaction} knows, given literally: a dev-style Vault token such as {@code root},
 * an AppRole secret_id, the Astra root token (which {@code OkHttpAstraDevOps} masks in Astra's error messages).
 */
public final class LiteralSecrets {
  /** A secret at least this long is masked wherever it occurs; a shorter one only as a whole token. */
  static final int MASK_ANYWHERE_FROM = 12;

  private LiteralSecrets() {}

  /**
   * {@code text} with {@code secret} masked. One of {@value #MASK_ANYWHERE_FROM} characters or more is masked
   * wherever it occurs; a shorter one only where it stands as a whole token, not next to a letter, digit, {@code _}
   * or {@code -}, so that {@code root} masks "token root is invalid" but leaves "rooted", "chroot" and "root_token"
   * alone. No regex: {@code indexOf} over the text.
   */
  public static String mask(String text, String secret) {
    if (secret.isEmpty() || !text.contains(secret)) {
      return text;
    }
    boolean anywhere = secret.length() >= MASK_ANYWHERE_FROM;
    StringBuilder out = new StringBuilder(text.length());
    int from = 0;
    for (int at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, from)) {
      int end = at + secret.length();
      boolean whole = anywhere || !tokenChar(text, at - 1) && !tokenChar(text, end);
      out.append(text, from, at).append(whole ? Redaction.MASK : secret);
      from = end;
    }
    return out.append(text, from, text.length()).toString();
  }

  private static boolean tokenChar(String text, int i) {
    if (i < 0 || i >= text.length()) {
      return false;
    }
    char c = text.charAt(i);
    return Character.isLetterOrDigit(c) || c == '_' || c == '-';
  }

  /**
   * {@link Redaction#cause(Throwable)} that also applies {@code mask} to every message of the chain before the
   * scrub. The chain is always copied.
   */
  public static @Nullable Throwable cause(@Nullable Throwable cause, UnaryOperator<String> mask) {
    return cause == null ? null : RedactedException.copyOf(cause, new IdentityHashMap<>(), mask);
  }
}

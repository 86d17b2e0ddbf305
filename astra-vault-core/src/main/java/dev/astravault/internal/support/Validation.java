package dev.astravault.internal.support;

import dev.astravault.MisplacedSecretException;
import dev.astravault.internal.redact.Redaction;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Input checks shared by the public value types and the manager's operations; every message names the field and
 * never echoes a secret. Anything {@linkplain Redaction#looksSecret shaped like a token or secret} given as an id, a
 * name or metadata is refused with a {@link MisplacedSecretException}; null or blank ids with an
 * {@link IllegalArgumentException} naming the parameter.
 */
public final class Validation {
  public static final Pattern ASTRA_TOKEN = Pattern.compile("^AstraCS:[a-zA-Z]{24}:[a-f0-9]{64}$");
  static final int MAX_METADATA_ENTRIES = 32;
  static final int MAX_METADATA_VALUE = 512;
  /**
   * Go's longest duration (about 292 years): no Vault or plugin holds a longer TTL, and below it the engine's instant
   * and nanosecond arithmetic cannot overflow, so every duration a caller gives is at most this.
   */
  public static final Duration MAX_DURATION = Duration.ofNanos(Long.MAX_VALUE);
  /**
   * The longest text checked for secrets: the redactor cuts longer text, so {@link Redaction#looksSecret} would call
   * any of it a secret. No id, name or metadata entry comes near it; longer is refused as too long.
   */
  static final int MAX_TEXT = 64 * 1024;

  private Validation() {}

  /**
   * A key the caller looks something up by (a client id, a lease id, an org id or logical name), returned as given:
   * present, not blank and not a secret. Its shape is not checked, so an unknown key is reported as unknown.
   */
  public static String requireKey(String field, @Nullable String value) {
    requirePresent(field, value);
    return value;
  }

  /** A value that may be empty (a prefix) but neither null nor a secret. */
  public static String requireNoSecret(String field, @Nullable String value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is required (use \"\" for none)");
    }
    if (looksSecret(field, value)) {
      throw new MisplacedSecretException(field);
    }
    return value;
  }

  /** Whether {@code value} looks like a secret; a text too long to tell is refused as too long. */
  private static boolean looksSecret(String field, String value) {
    if (value.length() > MAX_TEXT) {
      throw new IllegalArgumentException(field + " is " + value.length() + " characters long; at most " + MAX_TEXT
          + " are read");
    }
    return Redaction.looksSecret(value);
  }

  /**
   * A path in Vault (a mount, a KV path, a namespace), without the slashes around it ({@code trailing} keeps those at
   * the end): neither null nor a secret, and segments that are not empty, {@code .} or {@code ..} (an HTTP client
   * resolves a dot segment, which would move the request out of the mount) and hold no {@link #unprintable}
   * character (a line break would split a header or a log line). Loops, not a regex: the regex that trimmed the
   * slashes backtracked quadratically on a long run of them.
   *
   * @param field the parameter, for the message
   * @param value what the caller gave
   * @param example a valid value, for the message
   * @param trailing whether slashes at the end are kept
   * @return the path without its leading slashes
   */
  public static String vaultPath(String field, @Nullable String value, String example, boolean trailing) {
    Objects.requireNonNull(value, field);
    requireNoSecret(field, value);
    int from = 0;
    while (from < value.length() && value.charAt(from) == '/') {
      from++;
    }
    int to = value.length();
    while (to > from && value.charAt(to - 1) == '/') {
      to--;
    }
    boolean bad = from == to || hasControl(value);
    for (int start = from; !bad && start < to; ) {
      int end = value.indexOf('/', start);
      end = end < 0 || end > to ? to : end;
      int length = end - start;
      bad = length == 0 || value.charAt(start) == '.' && (length == 1 || length == 2 && value.charAt(start + 1) == '.');
      start = end + 1;
    }
    if (bad) {
      throw new IllegalArgumentException(field + " must be a path such as '" + example + "' (no empty, '.' or '..' "
          + "segment, no control character), was '" + printable(value) + "'");
    }
    return value.substring(from, trailing ? value.length() : to);
  }

  public static String requireId(String field, @Nullable String value) {
    String v = requirePresent(field, value);
    if (!shaped(v, 200, true, "_.:@/-")) {
      throw new IllegalArgumentException(field + " must be 1-200 characters of letters, digits and _.:@/- "
          + "starting with a letter or digit: '" + printable(v) + "'");
    }
    return v;
  }

  /**
   * An org as a request or role spec names it: its id ({@link #requireId}'s shape) or its logical name, which is free
   * text ({@link #requireName}: the plugin's {@code logical_name} is, so "My Org" is one), returned stripped. A name
   * an {@link dev.astravault.OrgConfig} accepts is accepted here, and one it refuses is refused here.
   */
  public static String orgReference(String field, @Nullable String value) {
    String v = requirePresent(field, value);
    if (shaped(v, 200, true, "_.:@/-") || v.length() <= 128 && !hasControl(v)) {
      return v;
    }
    throw new IllegalArgumentException(field + " must be an org id (1-200 characters of letters, digits and _.:@/- "
        + "starting with a letter or digit) or a logical name (at most 128 printable characters): '" + printable(v)
        + "'");
  }

  public static String requireName(String field, @Nullable String value) {
    String v = requirePresent(field, value);
    if (v.length() > 128 || hasControl(v)) {
      throw new IllegalArgumentException(field + " must be at most 128 printable characters");
    }
    return v;
  }

  public static String roleName(@Nullable String value) {
    String v = requirePresent("role", value).toLowerCase(Locale.ROOT);
    if (!isRoleName(v)) {
      throw new IllegalArgumentException("role must be 1-128 characters of letters, digits and _.- starting with a "
          + "letter or digit: '" + printable(v) + "'");
    }
    return v;
  }

  /**
   * A role as a caller names it: a local role name (returned lowercase, as {@link #roleName} does), or else Astra's
   * display name or a role id (returned as given, stripped), resolved against the org's roles when used.
   */
  public static String roleReference(@Nullable String value) {
    String v = requirePresent("role", value);
    if (v.length() > 128 || hasControl(v)) {
      throw new IllegalArgumentException("role must be a role name, Astra display name or role id of at most 128 "
          + "printable characters: '" + printable(v) + "'");
    }
    String lower = v.toLowerCase(Locale.ROOT);
    return isRoleName(lower) ? lower : v;
  }

  /** Whether {@code value} is a valid local role name as it stands (lowercase). */
  public static boolean isRoleName(String value) {
    return shaped(value, 128, false, "_.-");
  }

  public static String logicalName(@Nullable String value) {
    String v = requirePresent("logicalName", value).toLowerCase(Locale.ROOT);
    if (!shaped(v, 128, false, "_.@-")) {
      throw new IllegalArgumentException("logicalName must be 1-128 characters of letters, digits and _.@- "
          + "starting with a letter or digit: '" + printable(v) + "'");
    }
    return v;
  }

  public static Map<String, String> metadata(Map<String, String> entries) {
    if (entries.size() > MAX_METADATA_ENTRIES) {
      throw new IllegalArgumentException("metadata has " + entries.size() + " entries; at most "
          + MAX_METADATA_ENTRIES + " are allowed");
    }
    if (entries.isEmpty()) {
      return Map.of();   // shared: no map per request, token and record when there is no metadata
    }
    Map<String, String> copy = new LinkedHashMap<>();
    entries.forEach((key, value) -> {
      if (key != null && looksSecret("metadata key", key)) {
        throw new MisplacedSecretException("metadata key");
      }
      if (key == null || !shaped(key, 64, true, "_.-")) {
        throw new IllegalArgumentException("metadata key must be 1-64 characters of letters, digits and _.- : '"
            + (key == null ? "null" : printable(key)) + "'");
      }
      // Too long is refused for its length: the redactor cuts a long text, so any would look like a secret.
      if (value != null && value.length() <= MAX_METADATA_VALUE && Redaction.looksSecret(value)) {
        throw new MisplacedSecretException("metadata value for '" + key + "'");
      }
      if (value == null || value.length() > MAX_METADATA_VALUE || hasControl(value)) {
        throw new IllegalArgumentException("metadata value for '" + key + "' must be at most "
            + MAX_METADATA_VALUE + " printable characters");
      }
      copy.put(key, value);
    });
    return Collections.unmodifiableMap(copy);
  }

  public static String requireRootToken(@Nullable String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("rootToken is required");
    }
    String v = value.strip();
    if (!isAstraToken(v)) {
      throw new IllegalArgumentException("rootToken is not an Astra application token "
          + "(expected AstraCS:<24 letters>:<64 hex digits>)");
    }
    return v;
  }

  /**
   * Whether {@code value} has the exact shape of {@link #ASTRA_TOKEN}: {@code AstraCS:}, 24 ASCII letters, {@code :},
   * 64 lowercase hex digits. A loop, as it checks every token Astra returns.
   */
  public static boolean isAstraToken(String value) {
    if (value.length() != 97 || !value.startsWith("AstraCS:") || value.charAt(32) != ':') {
      return false;
    }
    for (int i = 8; i < 97; i++) {
      char c = value.charAt(i);
      boolean ok = i < 32 ? c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
          : i == 32 || c >= 'a' && c <= 'f' || c >= '0' && c <= '9';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * An http(s) URL with a host, and without user info, a query or a fragment: the URL is printed (toString, audit
   * events, the CLI), so credentials put there would be too.
   */
  public static URI requireHttpUrl(String field, URI url) {
    String scheme = url.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))
        || url.getHost() == null) {
      throw new IllegalArgumentException(field + " must be an absolute http(s) URL: " + shownUrl(url));
    }
    requireNoCredentials(field, url);
    return url;
  }

  /**
   * Parses {@code text} as a URI. A refusal gives the parser's reason and index, not its message, which quotes the
   * whole text: a URL with a password in it, or a token put where the URL belongs.
   *
   * @param field what the text is, for the message
   * @param text the text
   * @return the URI
   * @throws IllegalArgumentException if it does not parse
   */
  public static URI parseUrl(String field, String text) {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(field + " is not a URL: " + e.getReason() + " at index " + e.getIndex());
    }
  }

  /** Refuses a URL with user info, a query or a fragment, where credentials go; the message does not show them. */
  public static void requireNoCredentials(String field, URI url) {
    if (url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new IllegalArgumentException(field + " must not carry credentials, a query or a fragment: "
          + shownUrl(url));
    }
  }

  /** {@code url} for a message: its scheme, host, port and path only (token-shaped text masked). */
  public static String shownUrl(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme() + ":";
    String rest = url.getHost() == null ? "…"
        : "//" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
            + (url.getRawPath() == null ? "" : url.getRawPath());
    return String.valueOf(Redaction.scrub(scheme + rest));
  }

  public static Duration requirePositive(String field, @Nullable Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + " must be positive: " + value);
    }
    return requireAtMostMax(field, value);
  }

  public static Duration requireNonNegative(String field, @Nullable Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(field + " must not be negative: " + value);
    }
    return requireAtMostMax(field, value);
  }

  private static Duration requireAtMostMax(String field, Duration value) {
    if (value.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException(field + " must be at most " + GoDurations.format(MAX_DURATION)
          + " (Go's longest duration): " + value);
    }
    return value;
  }

  private static String requirePresent(String field, @Nullable String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " is required");
    }
    if (looksSecret(field, value)) {
      throw new MisplacedSecretException(field);
    }
    return value.strip();
  }

  /**
   * Whether {@code v} is 1 to {@code max} characters: an ASCII letter or digit first, then letters, digits or
   * {@code others}; uppercase letters only when {@code upper}. A loop, not a regex: ids and role names are checked on
   * every issue, and each regex check allocated a matcher ({@code ValidationShapeTest} holds the regexes).
   */
  static boolean shaped(String v, int max, boolean upper, String others) {
    if (v.isEmpty() || v.length() > max) {
      return false;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      boolean ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || upper && c >= 'A' && c <= 'Z'
          || i > 0 && others.indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code v} holds a character {@link #unprintable} at some index. */
  private static boolean hasControl(String v) {
    for (int i = 0; i < v.length(); i++) {
      if (unprintable(v, i)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code v.charAt(i)} must not reach a log line or an audit event: a control character (C0, DEL, C1 with
   * NEL), a line or paragraph separator (U+2028, U+2029: line breaks to some readers), a bidirectional control (it
   * makes a log line read in another order) or half of a surrogate pair without its other half (no UTF-8 form: a
   * store or file would write it as '?', so the value read back would differ).
   */
  static boolean unprintable(String v, int i) {
    char c = v.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= v.length() || !Character.isLowSurrogate(v.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(v.charAt(i - 1));
    }
    return Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u061C' || c == '\u200E'
        || c == '\u200F' || c >= '\u202A' && c <= '\u202E' || c >= '\u2066' && c <= '\u2069';
  }

  /** {@link #printable(String, int)} with at most 64 characters: a bad value quoted in a refusal. */
  private static String printable(String value) {
    return printable(value, 64);
  }

  /**
   * {@code value} for a message: one line, bounded, readable in order and with anything token-shaped masked. Every
   * {@link #unprintable} character becomes '?', and at most {@code max} characters are kept (never half a surrogate
   * pair), then "…". Only the first {@code max + 4096} characters are read: megabytes cost no more than a short value.
   *
   * @param value what the caller gave
   * @param max how many characters to keep
   * @return the value as a message may show it
   */
  public static String printable(String value, int max) {
    // Far longer than any secret shape: one that starts in the part shown is whole in the part scrubbed.
    int read = max + 4096;
    String head = value.length() > read ? value.substring(0, read) : value;
    StringBuilder sb = new StringBuilder(head.length());
    for (int i = 0; i < head.length(); i++) {
      sb.append(unprintable(head, i) ? '?' : head.charAt(i));
    }
    String oneLine = String.valueOf(Redaction.scrub(sb.toString()));
    if (oneLine.length() <= max && head.length() == value.length()) {
      return oneLine;
    }
    int end = Math.min(max, oneLine.length());
    if (Character.isHighSurrogate(oneLine.charAt(end - 1))) {
      end--;
    }
    return oneLine.substring(0, end) + "…";
  }
}

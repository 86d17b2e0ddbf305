package dev.astravault.internal.redact;

import java.util.IdentityHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one redactor: how secrets are shown to people (never whole), and the masking of token-shaped text in every
 * exception message ({@link dev.astravault.AstraVaultException} scrubs its own message and cause chain), log line
 * ({@link #logger}) and audit failure message the library writes. Validation uses {@link #looksSecret} to refuse a
 * secret given where an id or a name belongs.
 *
 * <p>Why this class is long: the one pattern of every shape a regex finds, the Javadoc that says what each of its
 * alternatives matches, and the replacement each alternative gets are one contract, read together; the recognisers
 * that need no regex are classes of their own.
 */
public final class Redaction {
  public static final String MASK = "██";

  /** A URL's user info up to its password, {@code //user:} (the user may be empty). */
  private static final String USER_INFO = "//[^/?#@:\\s]*:";
  /**
   * User info without its {@code //}, as PostgreSQL's driver quotes it ({@code UnknownHostException:
   * user:pass@host}): a word starting the text or after a space, quote, bracket, {@code =}, {@code ,} or {@code ;},
   * then {@code :}; a URI scheme that takes {@code user@host} after its colon ({@code mailto:}, {@code sip:}) is not
   * a user.
   */
  private static final String BARE_USER = "(?<![^\\s\"'`(<\\[=,;])(?!(?i:mailto|sips?|xmpp|tel|urn|news):)"
      + "[^/?#@:\\s\"'`<>()\\[\\]=,;]+:";
  /** Oracle's {@code thin:user/} before its password. */
  private static final String THIN = ":(?i:thin):[^/@:\\s]+/";
  /** An {@code Authorization} or {@code Proxy-Authorization} header's name, in any case. */
  private static final String AUTHORIZATION = "(?i:(?:proxy-)?authorization)";
  /** An authentication scheme ({@code Basic}, {@code Bearer}, {@code AWS4-HMAC-SHA256}) and the spaces after it. */
  private static final String SCHEME = "[A-Za-z][A-Za-z0-9_.~+-]*+[ \\t]++";
  /**
   * A character of a credential, or a quoted string: closed, or (a param's value, after {@code =}) never closed, then
   * to the end of the line, so that a line cut inside {@code response="…} shows none of it.
   */
  private static final String CREDENTIAL_PART = "(?:[^\\s\"'`,<>)\\]}]|\"[^\"\\r\\n]*+\"|(?<==)\"[^\"\\r\\n]*+)";
  /**
   * A header's credentials after the scheme, in a header line or a map's {@code toString}: a token68 ({@code Basic},
   * {@code Bearer}) or auth-params joined by {@code ,} ({@code Digest}, AWS's). Possessive, as nothing after it can
   * take back what it read.
   */
  private static final String CREDENTIALS = CREDENTIAL_PART + "*+(?:,[ \\t]*+(?=[A-Za-z0-9_.-]+=)" + CREDENTIAL_PART
      + "*+)*+";
  /**
   * What separates two credentials of one header ({@code [Bearer ██, Basic ██]}); a credential in quotes after its
   * scheme (JSON's, Spring's {@code HttpHeaders}'), and what separates two ({@code "Bearer ██", "Basic ██"}).
   */
  private static final String SEPARATOR = ",[ \\t]*+";
  private static final String QUOTED = "[^\"\\\\]*+";
  private static final String QUOTED_SEPARATOR = "\\\\?\"\\s*+,\\s*+\\\\?\"";
  /** One credential of a header, the separator before it if not the first, and its scheme as group {@code scheme}. */
  private static final Pattern CREDENTIAL = Pattern.compile(
      "(?:" + SEPARATOR + ")?+(?<scheme>" + SCHEME + ")" + CREDENTIALS);
  private static final Pattern QUOTED_CREDENTIAL = Pattern.compile(
      "(?:" + QUOTED_SEPARATOR + ")?+(?<scheme>" + SCHEME + ")" + QUOTED);
  /**
   * A password parameter's value: in quotes or braces (a connection string's for one holding {@code ;}, SQL Server's
   * {@code {a;b}}; a quote may be escaped, inside a JSON string) to the closing one or the end of the line, else to
   * the next {@code &;}, space or quote.
   */
  private static final String PASSWORD_VALUE = "(?:\\\\?\"(?:[^\"\\\\\\r\\n]|\\\\[^\"\\r\\n])*+(?:\\\\?\")?+"
      + "|'[^'\\r\\n]*+'?+|\\{[^}\\r\\n]*+}?+|[^&;\\s\"']+)";
  /** The {@code %} of a character encoded up to {@link PercentDecoded#MAX_DEPTH} times: {@code %3A}, {@code %253A}. */
  private static final String ENCODED = "%(?:25){0," + (PercentDecoded.MAX_DEPTH - 1) + "}+";
  /**
   * What a secret looks like:
   * <ol>
   *   <li>Astra tokens {@code AstraCS:<clientId>:<hex>}, also cut short or malformed, and percent-encoded ({@code
   *       AstraCS%3A…}, as {@code URLEncoder} and form bodies write them);</li>
   *   <li>Vault tokens: {@code hvs.}/{@code hvb.}/{@code hvr.} and the legacy {@code s.}/{@code b.}/{@code r.} with 24
   *       characters;</li>
   *   <li>the values of secret JSON fields, {@code jwt} (Vault's Kubernetes and JWT logins) and OAuth's {@code
   *       *_token} among them (the plugin quotes Astra's body when it cannot decode it, and a body cut short carries
   *       the client secret, unquoted to its end when the cut is inside the value; JSON's escaped {@code \/} is the
   *       value's);</li>
   *   <li>the credentials of an {@code Authorization} or {@code Proxy-Authorization} header after its scheme, as a
   *       JSON field and as a header line or map entry ({@code Authorization: Basic ██}, {@code
   *       authorization=[Bearer ██]}): Basic's base64 hides a token or password from every other pattern. A value
   *       with no scheme is masked whole unless a word of letters, a scheme alone or prose ({@code Authorization:
   *       Bearer}, {@code Authorization: denied});</li>
   *   <li>{@code password=}, {@code passwd=} and {@code pwd=} in URLs and connection strings (so also
   *       {@code sslpassword=}, {@code trustStorePassword=}), and with the {@code =} percent-encoded ({@code %3D}) as
   *       in a URL carried in another's parameter; a quoted value keeps its quotes ({@code password="██"}), and an
   *       unquoted value ends, as {@link KeyedValues}' do, before a {@code
   *       ,} that separates a list's items and before closing brackets that close a toString's ({@link
   *       OpenBrackets});</li>
   *   <li>the password in a URL's user info, {@code //user:██@host}, also without the {@code //} as a driver quotes
   *       it ({@code user:██@host}), and in Oracle's {@code thin:user/██@host}: the pattern finds the user, and
   *       {@link UrlPasswords} the {@code @} before the host the password runs to;</li>
   * </ol>
   * Astra client secrets are found by {@link ClientSecretRuns}, store keys (base64 of 32 bytes) by {@link
   * StoreKeyRuns}, JSON Web Tokens by {@link JwtRuns}, the values of secret keys in other spellings ({@code
   * password: x}, XML, HTML's {@code &#61;}) by {@link KeyedValues}, all without a regex.
   */
  private static final Pattern SECRETS = Pattern.compile(
      "(?<astra>(?i:AstraCS)(?::|" + ENCODED + "3[Aa]))[^\\s\"'`,;&<>)\\]}]*"
          + "|(?=h)(?:\\b|(?<=" + ENCODED + "[0-9A-Fa-f]{2}))(?<vault>hv[sbr]\\.)[A-Za-z0-9_-]{8,}"
          + "|(?<legacy>[sbr](?<![A-Za-z0-9_./-][sbr])\\.)[A-Za-z0-9]{24}(?![A-Za-z0-9])"
          + "|(?<json>(?=[\\\\\"])\\\\?\"(?i:secret|token|astra_token|client_secret|clientSecret|secret_id|client_token"
          + "|root_token|rootToken|password|passwd|pwd|accessor|jwt|id_token|access_token|refresh_token"
          + ")\\\\?\"\\s*:\\s*\\\\?\")(?:[^\"\\\\]++|\\\\/)*+"
          + "|(?<auth>(?:(?=[\\\\\"])\\\\?\"" + AUTHORIZATION + "\\\\?\"\\s*+:|(?=[AaPp])\\b" + AUTHORIZATION + "[:=])"
          + "[ \\t]*+\\[?+(?:\\s*+\\\\?\"|[ \\t]*+))"
          + "(?:(?<=\")" + SCHEME + QUOTED + "(?:" + QUOTED_SEPARATOR + SCHEME + QUOTED + ")*+"
          + "|" + SCHEME + CREDENTIALS + "(?:" + SEPARATOR + SCHEME + CREDENTIALS + ")*+"
          + "|" + SchemelessValues.LONE + ")"
          + "|(?<password>(?i:p(?:assword|asswd|wd))(?:=|" + ENCODED + "3[Dd]))" + PASSWORD_VALUE
          + "|(?<userinfo>" + USER_INFO + ")|(?<thin>" + THIN + ")|(?<bare>" + BARE_USER + ")");
  /** The start of an Astra token, as {@link #SECRETS}' first group finds it. */
  private static final Pattern ASTRA_PREFIX = Pattern.compile("(?i:AstraCS)(?::|" + ENCODED + "3[Aa])");
  /** {@link #SECRETS}' groups are its nine named ones, in order (no other): astra 1, auth 5, userinfo 7. */
  private static final int ASTRA = 1;
  private static final int AUTH = 5;
  private static final int PASSWORD = 6;
  private static final int USER_INFO_GROUP = 7;
  /** The users of groups 7, 8 and 9: userinfo, thin, bare. */
  private static final UrlPasswords.Kind[] USERS = UrlPasswords.Kind.values();
  /** The longest text {@link #scrub} masks; longer ones are {@linkplain #cut cut} first. */
  static final int MAX_TEXT = 64 * 1024;
  /** Room left for the note a cut text ends with, so that a cut text is not cut again. */
  private static final int CUT_NOTE_ROOM = 64;
  /** A bound on {@link #scrubByRegex}'s rounds, which no text in the tests reaches. */
  private static final int MAX_ROUNDS = 8;

  private Redaction() {}

  /** {@code AstraCS:Zencl…} for an Astra token (a prefix of the public client id only); a mask otherwise. */
  public static String token(String token) {
    if (token.startsWith("AstraCS:") && token.length() > 13) {
      return token.substring(0, 13) + "…";
    }
    return MASK;
  }

  /**
   * {@code text} with every token-shaped part masked; null stays null. Idempotent. A text longer than
   * {@value #MAX_TEXT} characters is {@linkplain #cut cut} to that first.
   */
  public static @Nullable String scrub(@Nullable String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String kept = text.length() > MAX_TEXT ? cut(text) : text;
    if (!mayHoldSecret(kept) && !StoreKeyRuns.present(kept) && !ClientSecretRuns.present(kept)) {
      return kept;
    }
    return scrubByRegex(kept);
  }

  /**
   * The start of {@code text}, up to {@value #MAX_TEXT} characters with the note of what was cut. What is scrubbed is
   * a message, a log line or a trace for people, and an error body a server chose can be megabytes (Vault's replies
   * are bounded at 8 MB): masking reads each character a bounded number of times (about 20 a round, {@code
   * RedactionCostTest}), still tens of milliseconds at a megabyte, and no one reads megabytes of a message. The word
   * the cut falls in is dropped whole, so no half of a secret is left that no longer looks like one.
   */
  static String cut(String text) {
    int end = MAX_TEXT - CUT_NOTE_ROOM;
    while (end > 0 && !Character.isWhitespace(text.charAt(end))) {
      end--;
    }
    return text.substring(0, end) + " …[" + (text.length() - end) + " characters cut]";
  }

  /**
   * {@link #scrub} without the pre-scan: the JWT pass, the pattern pass, the keyed-value pass ({@link KeyedValues}),
   * the client-secret pass, then the store-key pass, on any text (tests compare the two). JWTs first, so that no
   * pattern masks a part of one (a {@code -hvs.} inside) and leaves the rest readable; keys last, so that a longer
   * secret is masked whole before a key-sized run inside it (an HS256 signature is one) is looked at. Repeated until
   * nothing changes: a later pass's mask can complete a match of an earlier one (a client secret masked between a
   * user and its password, a Vault token before a {@code :}), so one round is not idempotent. Each round that
   * changes the text masks more of it; the rounds stop after two for nearly any text.
   */
  static String scrubByRegex(String text) {
    return scrubByRegex(text, Function.identity());
  }

  /** {@link #scrubByRegex(String)} with every pass reading its input through {@code view} (tests count the reads). */
  static String scrubByRegex(String text, Function<String, ? extends CharSequence> view) {
    String out = text;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      String next = orSame(JwtRuns.mask(view.apply(out)), out);
      next = orSame(maskSecrets(view.apply(next)), next);
      next = orSame(KeyedValues.mask(view.apply(next)), next);
      next = orSame(ClientSecretRuns.mask(view.apply(next), view), next);
      next = orSame(StoreKeyRuns.mask(view.apply(next), view), next);
      if (next.equals(out)) {
        break;
      }
      out = next;
    }
    return out;
  }

  private static String orSame(@Nullable String changed, String same) {
    return changed == null ? same : changed;
  }

  /**
   * Whether {@code text} holds a store key: a {@linkplain StoreKeyRuns#isStoreKey key-shaped} run of base64
   * characters. The CLI
   * refuses such an argument with it.
   */
  public static boolean holdsStoreKey(String text) {
    return StoreKeyRuns.mask(text) != null;
  }

  /**
   * Whether {@code text} holds a password in a URL: in its user info ({@code //user:pass@host}), in Oracle's {@code
   * thin:user/pass@host}, or as a parameter named {@code password}, {@code passwd}, {@code pwd} or ending in one
   * ({@code sslpassword}, {@code trustStorePassword}) after {@code ?}, {@code &} or {@code ;}, the separator and the
   * {@code =} also percent-encoded up to three times ({@code %26password%3D}, {@code %2526password%253D}, as the
   * redactor masks {@code password%3D}). The CLI refuses an argument with it; {@link #scrub} masks the password of
   * every text it accepts. A loop ({@link UrlPasswords#holdsPassword}) that reads each character a bounded number of
   * times, as an argument can be long.
   */
  public static boolean holdsUrlPassword(CharSequence text) {
    return UrlPasswords.holdsPassword(text);
  }

  /**
   * False only when no part of {@link #SECRETS} can match: each needs a character that ids and names rarely hold
   * ({@code S:} or {@code S%} of {@code AstraCS:} and {@code AstraCS%3A}, {@code [sbr].} of a Vault token, {@code "}
   * of a JSON field, {@code n:} or {@code n=} of an {@code Authorization} header, {@code d%} of encoded {@code
   * password=}, an {@code @} after a {@code :} for a URL's user info or Oracle's {@code thin:user/pass@}, {@code eyJ}
   * of a JWT; for {@link KeyedValues} a {@code :} or {@code =} after a key's last letter, spaces, tabs and {@code '}
   * between, a {@code %} after it for an encoded separator, and the {@code </}, {@code \\u}, {@code &#}, {@code &q} and
   * {@code &lt} of XML's, JSON's and HTML's spellings). For
   * client secrets and store keys the pre-scan runs their recognisers ({@link ClientSecretRuns#present}, {@link
   * StoreKeyRuns#present}) on the text and its decoded forms (one pass each, nothing allocated unless the text holds
   * a {@code %HH} or {@code \/}): a secret encoded twice or three times shows none of the characters a test of pairs
   * could look for. Every id, name and key the library is handed passes through here, so most of them skip the
   * regexes (and their matchers) entirely.
   */
  static boolean mayHoldSecret(String text) {
    boolean colon = false;
    char previous = 0;
    char beforePrevious = 0;
    char word = 0;   // the last character but spaces, tabs and '
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean trigger = switch (c) {
        case '"' -> true;
        case ':' -> {
          colon = true;
          yield previous == 's' || previous == 'S' || KeyedValues.endsKey(word);
        }
        case '@' -> colon;
        case '.' -> previous == 's' || previous == 'b' || previous == 'r';
        case '=' -> KeyedValues.endsKey(word);
        case '%' -> previous == 's' || previous == 'S' || KeyedValues.endsKey(word);
        case 'J' -> previous == 'y' && beforePrevious == 'e';
        case '/' -> previous == '<';
        case 'u', 'U' -> previous == '\\';
        case '#', 'q', 'Q' -> previous == '&';
        case 't', 'T' -> (previous == 'l' || previous == 'L') && beforePrevious == '&';
        default -> false;
      };
      if (trigger) {
        return true;
      }
      beforePrevious = previous;
      previous = c;
      word = c == ' ' || c == '\t' || c == '\'' ? word : c;
    }
    return false;
  }

  /**
   * {@code text} with {@link #SECRETS}' matches masked, or null when none is. A user of a URL is a match only with
   * the password {@link UrlPasswords} finds after it; without one, the search goes on from the next character. With
   * one, it goes on from the password's first possible end: the mask may run on to a later {@code @} inside another
   * secret ({@code //app:pw@db/x;password=se@cret}), and a match that starts under a mask extends it to its own end,
   * so that no tail of that secret is left showing as the password's host.
   */
  private static @Nullable String maskSecrets(CharSequence text) {
    Matcher m = SECRETS.matcher(text);
    UrlPasswords passwords = null;
    OpenBrackets brackets = null;
    StringBuilder out = null;
    int last = 0;
    int from = 0;
    while (from < text.length() && m.find(from)) {
      int group = matchedGroup(m);
      String replacement = mask(text, m, group);
      int end = m.end();
      if (group == PASSWORD && "\"\\'{".indexOf(text.charAt(m.end(group))) < 0) {   // unquoted
        brackets = brackets == null ? new OpenBrackets(text) : brackets;
        end = brackets.listValueEnd(m.end(group), end);
        replacement = end > m.end(group) ? replacement : null;
      }
      int next = end;
      if (group >= USER_INFO_GROUP) {
        passwords = passwords == null ? new UrlPasswords(text) : passwords;
        next = passwords.host(USERS[group - USER_INFO_GROUP], m.end());
        if (next < 0) {
          from = m.start() + 1;
          continue;
        }
        end = passwords.end(USERS[group - USER_INFO_GROUP], m.end());
      }
      if (replacement != null && out != null && m.start() < last) {
        last = Math.max(last, end);
      } else if (replacement != null) {
        out = out == null ? new StringBuilder(text.length()) : out;
        out.append(text, last, m.start()).append(replacement);
        last = end;
      }
      from = next;
    }
    return out == null ? null : out.append(text, last, text.length()).toString();
  }

  private static int matchedGroup(Matcher m) {
    int group = 1;
    while (m.start(group) < 0) {
      group++;
    }
    return group;
  }

  /** The replacement for one match of {@link #SECRETS} in {@code text} by {@code group}, or null to keep it. */
  private static @Nullable String mask(CharSequence text, Matcher m, int group) {
    if (group == ASTRA) {
      // The word "AstraCS:" alone, as in "expected AstraCS:<24 letters>", is kept; ":" or "%3A" as written.
      return m.end() == m.end(group) ? null : "AstraCS" + m.group(group).substring("AstraCS".length()) + MASK;
    }
    if (group == AUTH) {
      if (SchemelessValues.isLone(text, m.end(group), m.end())) {
        return SchemelessValues.isKept(text, m.end(group), m.end()) ? null
            : text.subSequence(m.start(), m.end(group)) + astraPrefix(text, m.end(group)) + MASK;
      }
      // Quoted (JSON, Spring's HttpHeaders) when the name ends in a quote, so each credential ends at one.
      boolean quoted = text.charAt(m.end(group) - 1) == '"';
      return maskCredentials(text, m.start(), m.end(group), m.end(), quoted ? QUOTED_CREDENTIAL : CREDENTIAL);
    }
    if (group == PASSWORD) {
      return m.group(group) + quotedMask(text, m.end(group), m.end());
    }
    return m.group(group) + MASK;
  }

  /**
   * The mask of a password's value {@code text[from, to)}, in the quotes or braces it had, as every keyed value keeps
   * them ({@code password="██"}, {@code Password={██}}); an unclosed one keeps its opening only.
   */
  private static String quotedMask(CharSequence text, int from, int to) {
    char first = text.charAt(from);
    int open = first == '\\' && from + 1 < to && text.charAt(from + 1) == '"' ? 2
        : first == '"' || first == '\'' || first == '{' ? 1 : 0;
    if (open == 0) {
      return MASK;
    }
    char close = first == '{' ? '}' : first == '\'' ? '\'' : '"';
    int closing = 0;
    if (to - from > open && text.charAt(to - 1) == close) {
      closing = close == '"' && to - from > open + 1 && text.charAt(to - 2) == '\\' ? 2 : 1;
    }
    return text.subSequence(from, from + open) + MASK + text.subSequence(to - closing, to);
  }

  /**
   * The replacement for a header's match {@code text[start, to)}: its name kept up to {@code from}, then each
   * credential as {@code credential} reads it (the pattern the match repeats), its separator and scheme kept and the
   * rest masked; null when every scheme is without credentials. A token keeps saying it is one ({@code Bearer
   * AstraCS:██}).
   */
  private static @Nullable String maskCredentials(CharSequence text, int start, int from, int to, Pattern credential) {
    StringBuilder out = new StringBuilder(to - start).append(text, start, from);
    Matcher c = credential.matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
    boolean masked = false;
    int at = from;
    while (at < to && c.region(at, to).lookingAt()) {
      int scheme = c.end("scheme");
      out.append(text, at, scheme);
      if (c.end() > scheme) {
        out.append(astraPrefix(text, scheme)).append(MASK);
        masked = true;
      }
      at = c.end();
    }
    return masked ? out.append(text, at, to).toString() : null;
  }

  /** {@code AstraCS:} (or {@code AstraCS%3A}, as written) when an Astra token starts {@code text} at {@code at}. */
  static String astraPrefix(CharSequence text, int at) {
    Matcher astra = ASTRA_PREFIX.matcher(text).region(at, text.length());
    return astra.lookingAt() ? "AstraCS" + astra.group().substring("AstraCS".length()) : "";
  }

  /** Whether {@code value} holds anything shaped like a token or secret (see {@link #scrub}). */
  public static boolean looksSecret(@Nullable String value) {
    return value != null && !value.equals(scrub(value));
  }

  /**
   * {@code cause} itself when nothing in its chain (messages, causes, suppressed) holds token-shaped text and it does
   * not come from vault-java-driver (whose exceptions carry the HTTP response body); otherwise a {@link
   * RedactedException} copy of the chain, with the same class names and stack traces and masked messages.
   */
  public static @Nullable Throwable cause(@Nullable Throwable cause) {
    if (cause == null || RedactedException.isClean(cause, new IdentityHashMap<>())) {
      return cause;
    }
    return RedactedException.copyOf(cause, new IdentityHashMap<>());
  }

  /** A logger that writes every line through {@link #scrub}, arguments and throwables included. */
  public static Logger logger(Class<?> owner) {
    return new RedactingLogger(LoggerFactory.getLogger(owner));
  }

  /** {@link #logger(Class)} by name. */
  public static Logger logger(String name) {
    return new RedactingLogger(LoggerFactory.getLogger(name));
  }
}

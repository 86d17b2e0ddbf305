package dev.astravault.internal.redact;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * What scrubbing costs, counted rather than timed: every pass reads its input through a {@link CharSequence} that
 * counts the characters read, and a hostile text (an error body a server chose, up to the 64 KiB bound) must cost a
 * bounded number of reads per character, whatever its shape.
 */
class RedactionCostTest {
  /**
   * Reads per character allowed for a whole scrub, every pass of every round included: the passes read about 20-30 a
   * round (the pattern tries each of its alternatives from every start), and a text they change is read in a second
   * round. The worst shape here: 62 for key-length parts joined by a {@code /} encoded three times (61 before the
   * keyed-value pass read each character once more a round), whose three decoded forms the client-secret and
   * store-key loops read as well (dashed key-length parts: 44; their encoded form 48, which was 63 before the
   * pattern's alternatives each looked at one character first and the loops stopped reading characters twice).
   * Before the URL passwords were found by {@link UrlPasswords}, seven shapes here read 80 to 1,800 (a 64 KiB text
   * of {@code =a:@} took half a second).
   */
  private static final int READS_PER_CHAR = 70;
  /**
   * Bytes per character {@link UrlPasswords}' tables may allocate: about one now (bits), where five tables of ints
   * took 20, 1.3 MB for a 64 KiB text with a URL user, garbage anyone who can get a text logged could make again.
   */
  private static final int TABLE_BYTES_PER_CHAR = 2;
  /** Reads per character allowed for {@link Redaction#holdsUrlPassword}: a pass from the end, one from the start. */
  private static final int ARGUMENT_READS_PER_CHAR = 8;

  /** Texts shaped to make a backtracking matcher scan ahead from every start; each about 64 KiB. */
  static Map<String, String> hostile() {
    int n = Redaction.MAX_TEXT - 100;
    Map<String, String> texts = new LinkedHashMap<>();
    texts.put("bare users, no host", fill("=a:", n));
    texts.put("url users, no host", fill("//a:", n));
    texts.put("url users then @ and a long host", fill("//a:".repeat(64) + "@" + "h".repeat(4000) + "@", n));
    texts.put("bare users then @ and a long host", fill("=a:".repeat(85) + "@" + "h".repeat(4000) + "@", n));
    texts.put("thin users, no host", fill(":thin:a/", n));
    texts.put("a url user then @s", "//a:" + "@".repeat(n));
    texts.put("a bare user then @s", "=a:" + "@".repeat(n));
    texts.put("bare users and @s", fill("=a:@", n));
    texts.put("url users and @s", fill("//a:@x@", n));
    texts.put("runs one short of a client secret", fill("a".repeat(39) + " ", n));
    texts.put("runs one short of a store key", fill("aB".repeat(21) + " ", n));
    texts.put("a json field then spaces", "\"secret\"" + " ".repeat(n));
    texts.put("dashes", "-".repeat(n));
    texts.put("dashed key-length parts", fill("aB".repeat(21) + "-", n));
    texts.put("url users and @s in words", fill("//a:@x@ ", n));
    texts.put("url users, a long word each", fill("//a:" + "x".repeat(300) + "@ ", n));
    texts.put("url passwords", fill("//a:b@c ", n));
    texts.put("bare passwords", fill(" a:b@c", n));
    texts.put("bare users then a long host", fill("=a:".repeat(85) + "@" + "h".repeat(4000) + "@ ", n));
    texts.put("url users before a quoted host", fill("//a:\"".repeat(60) + "@h\"@ ", n));
    texts.put("token prefixes", fill("AstraCS: hvs. s.x \"secret\": password= :thin:", n));
    texts.put("json fields", fill("\"secret\":\"", n));
    texts.put("jwt headers, short segments", "eyJ" + fill("a.", n));
    texts.put("jwt headers glued by dashes, no dot", fill("eyJ-", n));
    texts.put("jwt headers after dots, too short", fill(".eyJ", n));
    texts.put("jwt headers one short of a segment", fill("eyJ" + "a".repeat(6) + ".", n));
    texts.put("jwt headers one short, then a dot", fill("-eyJ" + "a".repeat(6) + ".", n));
    texts.put("jwt-shaped words, no dot", fill("eyJ" + "a".repeat(12) + " ", n));
    texts.put("a jwt header, then no dot", "eyJ" + "a".repeat(n));
    texts.put("jwts", fill(RedactionJwtTest.JWT + " ", n));
    texts.put("jwts glued by dots", fill(RedactionJwtTest.HS256 + ".", n));
    texts.put("encoded colons", fill("%3A", n));
    texts.put("encoded token prefixes cut short", fill("AstraCS%3", n));
    texts.put("encoded token prefixes", fill("AstraCS%3a ", n));
    texts.put("encoded password names", fill("password%3D ", n));
    texts.put("percent signs", "%".repeat(n));
    texts.put("encoded key joints", fill("%2F", n));
    texts.put("encoded key-length parts", fill("aB".repeat(21) + "%2F", n));
    texts.put("encoded runs one short of a store key", fill("aB".repeat(20) + "%2Fa ", n));
    texts.put("encoded runs one short of a client secret", fill("a1".repeat(18) + "%2Ca ", n));
    texts.put("an encoded base64 run", fill("aB%2B", n));
    texts.put("encoded keys", fill(RedactionPercentTest.encode(RedactionTest.KEY_SLASH) + "%20", n));
    texts.put("authorization names", fill("authorization:", n));
    texts.put("authorization schemes, no credentials", fill("Authorization: Basic\n", n));
    texts.put("an authorization scheme, then a long word", "Authorization:" + "B".repeat(n));
    texts.put("authorization headers", fill("Authorization: Basic dXNlcjpw\n", n));
    texts.put("authorization json fields", fill("\"authorization\":\"Basic ", n));
    texts.put("digest parameters, unclosed quotes", "Authorization: Digest " + fill("a=\"b, ", n));
    texts.put("digest parameters", "Authorization: Digest " + fill("a=\"b\", ", n));
    texts.put("authorization entries", fill("authorization=[x ", n));
    texts.put("percent signs encoded", fill("%25", n));
    texts.put("a percent sign encoded over and over", "%" + fill("25", n));
    texts.put("encoded percent signs then a colon", fill("%25".repeat(40) + "3A ", n));
    texts.put("token prefixes encoded twice and three times", fill("AstraCS%253A AstraCS%25253a ", n));
    texts.put("password names encoded three times", fill("password%25253D ", n));
    texts.put("key-length parts, joints encoded three times", fill("aB".repeat(21) + "%25252F", n));
    texts.put("runs one short of a client secret, encoded twice", fill("a1".repeat(18) + "%252Ca ", n));
    texts.put("keys encoded three times", fill(threeTimes(RedactionTest.KEY_SLASH) + "%20", n));
    texts.put("client secrets encoded three times", fill(threeTimes(RedactionTest.CLIENT_SECRET) + " ", n));
    texts.put("authorization lists", "{authorization=[" + fill("Basic a, ", n));
    texts.put("authorization lists, no credentials", fill("authorization=[Basic, ", n));
    texts.put("quoted authorization lists", "Authorization:" + fill("\"Basic a\", ", n));
    texts.put("quoted authorization entries, no scheme", fill("Authorization:\"\", ", n));
    texts.put("digest parameters, a quote each unclosed", fill("Authorization: Digest a=\"b\n", n));
    texts.put("password values in braces, unclosed", fill("password={", n));
    texts.put("password values in quotes, escaped", fill("password=\\\"a\\", n));
    texts.put("vault prefixes after encoded characters", fill("%253Ahvs.", n));
    texts.put("key names and colons, no values", fill("password:", n));
    texts.put("key names and colons, each the last's value", fill("password: ", n));
    texts.put("key names, spaces, then a colon", fill("token" + " ".repeat(200) + ":", n));
    texts.put("spaces then a colon", " ".repeat(n) + ":");
    texts.put("key names joined by dashes and underscores", fill("-_", n) + "token: x");
    texts.put("key elements, no values", fill("<password>", n));
    texts.put("key elements, unclosed values", fill("<password>x", n));
    texts.put("key elements, unclosed tags", fill("<password ", n));
    texts.put("key elements, blank values", fill("<password>" + " ".repeat(100) + "</", n));
    texts.put("html equals after key names", fill("password&#61;", n));
    texts.put("unicode-quoted key names", fill("\\u0022token\\u0022:", n));
    texts.put("unicode quotes, unclosed values", fill("token: \\u0022", n));
    texts.put("html quotes", fill("&quot;", n));
    texts.put("quoted values, unclosed", fill("token: \"", n));
    texts.put("spaced equals", fill(" = ", n));
    texts.put("backslashes", "\\".repeat(n));
    texts.put("values ending in closing brackets", fill("{token=a} ", n));
    texts.put("opening brackets, then values closing them", "{([".repeat(n / 6) + fill("token=a)]} ", n / 2));
    texts.put("closing brackets after a key", "token=" + "}".repeat(n));
    texts.put("password values in brackets", fill("(password=a), ", n));
    texts.put("schemeless authorization values", fill("Authorization: a1\n", n));
    texts.put("escaped slashes", fill("\\/", n));
    texts.put("key-length parts, joints escaped", fill("aB".repeat(21) + "\\/", n));
    texts.put("json fields, escaped slashes", "\"token\":\"" + fill("\\/", n));
    texts.put("escaped xml tags, unclosed", fill("&lt;password&gt;x", n));
    texts.put("escaped xml tags, unclosed attributes", fill("&lt;password ", n));
    texts.put("words after fields", fill("a: b c token: ", n));
    texts.put("a long word after a field, keys after it", "a: " + "b".repeat(n / 2) + fill(" token:", n / 2));
    texts.put("encoded separators after key names", fill("token%25253A", n));
    texts.put("encoded quotes after key names", fill("token%22%3A%22", n));
    texts.put("properties entries, unclosed key attributes", fill("<entry key=\"", n));
    texts.put("properties entries, attributes without a key", fill("<entry a=\"b\" c ", n));
    texts.put("properties entries of secret keys, unclosed values", fill("<entry key=\"password\">x", n));
    texts.put("properties entries of secret keys, unclosed tags", fill("<entry key=\"token\" ", n));
    texts.put("escaped properties entries, unclosed key attributes", fill("&lt;entry key=&quot;", n));
    texts.put("properties entries of secret keys", fill("<entry key=\"password\">x</entry>", n));
    texts.put("quoted passwords", fill("password=\"a\" ", n));
    texts.put("braced passwords", fill("password={a} ", n));
    return texts;
  }

  private static String threeTimes(String text) {
    return RedactionPercentTest.encode(RedactionPercentTest.encode(RedactionPercentTest.encode(text)));
  }

  private static String fill(String unit, int n) {
    return unit.repeat(n / unit.length());
  }

  @Test
  void aHostileTextCostsABoundedNumberOfReadsPerCharacter() {
    SoftAssertions.assertSoftly(soft -> hostile().forEach((name, text) -> {
      long[] reads = {0};
      String counted = Redaction.scrubByRegex(text, s -> new Counting(s, reads));
      soft.assertThat(counted).as(name).isEqualTo(Redaction.scrubByRegex(text));
      soft.assertThat(reads[0]).as("%s: reads of %d characters", name, text.length())
          .isLessThanOrEqualTo((long) READS_PER_CHAR * text.length());
    }));
  }

  @Test
  void theTablesForFindingUrlPasswordsAllocateABoundedFewBytesPerCharacter() {
    SoftAssertions.assertSoftly(soft -> hostile().forEach((name, text) -> {
      new UrlPasswords(text);   // classes loaded, code compiled: what is counted next is the tables
      long before = allocatedBytes();
      new UrlPasswords(text).end(UrlPasswords.Kind.USER_INFO, 0);
      soft.assertThat(allocatedBytes() - before).as("%s: bytes for %d characters", name, text.length())
          .isLessThanOrEqualTo((long) TABLE_BYTES_PER_CHAR * text.length());
    }));
    // The whole scrub of a text with a URL user and nothing to mask allocates as little: the tables are all of it.
    String user = "//a:?" + "@".repeat(Redaction.MAX_TEXT - 100);
    assertThat(Redaction.scrub(user)).isEqualTo(user);
    long before = allocatedBytes();
    Redaction.scrub(user);
    assertThat(allocatedBytes() - before).isLessThanOrEqualTo((long) TABLE_BYTES_PER_CHAR * user.length());
  }

  private static long allocatedBytes() {
    return ((ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }

  /**
   * The CLI's test for a password in an argument, {@link Redaction#holdsUrlPassword}, on arguments shaped to make a
   * pattern scan from every user to the end of the word: it was a pattern, which read each character of a 64 KiB
   * {@code //a:} repeated 8,000 times.
   */
  @Test
  void findingAUrlPasswordCostsABoundedNumberOfReadsPerCharacter() {
    int n = Redaction.MAX_TEXT - 100;
    Map<String, String> texts = new LinkedHashMap<>();
    texts.put("url users, no host", fill("//a:", n));
    texts.put("url users, a slash each", fill("//a:/", n));
    texts.put("empty url users", fill("//:", n));
    texts.put("thin users, no host", fill(":thin:a/", n));
    texts.put("thin users, slashes", fill(":THIN:a//", n));
    texts.put("thin words", fill(":thin:", n));
    texts.put("slashes", "/".repeat(n));
    texts.put("a url user, then a long password", "//a:" + "x".repeat(n));
    texts.put("a thin user, then a long password", ":thin:a/" + "x".repeat(n));
    texts.put("a long url user", "//" + "a".repeat(n) + ":");
    texts.put("a long parameter name", "?" + "a".repeat(n) + "=");
    texts.put("parameter names, no =", fill(";password", n));
    texts.put("parameters, no password", fill("&pwdx=", n));
    texts.put("encoded separators", fill("%252526", n));
    texts.put("encoded parameters, no password", fill("%2526pwdx%253D", n));
    texts.put("encoded password names, no separator", fill("password%25253D", n));
    texts.put("percent signs encoded", fill("%25", n));
    SoftAssertions.assertSoftly(soft -> texts.forEach((name, text) -> {
      long[] reads = {0};
      soft.assertThat(Redaction.holdsUrlPassword(new Counting(text, reads))).as(name).isFalse();
      soft.assertThat(reads[0]).as("%s: reads of %d characters", name, text.length())
          .isLessThanOrEqualTo((long) ARGUMENT_READS_PER_CHAR * text.length());
    }));
    long[] reads = {0};
    String last = fill("//a:", n) + "@db";
    assertThat(Redaction.holdsUrlPassword(new Counting(last, reads))).isTrue();
    assertThat(reads[0]).isLessThanOrEqualTo((long) ARGUMENT_READS_PER_CHAR * last.length());
  }

  /** A text that counts the characters read from it. */
  private record Counting(String text, long[] reads) implements CharSequence {
    @Override
    public int length() {
      return text.length();
    }

    @Override
    public char charAt(int index) {
      reads[0]++;
      return text.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      reads[0] += end - start;
      return text.substring(start, end);
    }

    @Override
    public String toString() {
      reads[0] += text.length();
      return text;
    }
  }
}

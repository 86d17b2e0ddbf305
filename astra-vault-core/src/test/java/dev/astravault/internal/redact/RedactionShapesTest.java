package dev.astravault.internal.redact;

import static dev.astravault.internal.redact.RedactionPercentTest.assertKept;
import static dev.astravault.internal.redact.RedactionPercentTest.assertMasked;
import static dev.astravault.internal.redact.RedactionTest.ASTRA;
import static dev.astravault.internal.redact.RedactionTest.CLIENT_SECRET;
import static dev.astravault.internal.redact.RedactionTest.KEY_SLASH;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Shapes a demanding user expects masked that the redactor left readable, or masked taking the text's punctuation
 * with them: a toString's closing bracket, a header value without a scheme, JSON's {@code \/}, escaped XML, two
 * fields on a line, percent-encoded separators.
 */
class RedactionShapesTest {
  /**
   * The bracket that closes a toString, a map or a list stays; one inside the value, or with no bracket opened before
   * the key, is the value's. Before, <code>Config{token=██}</code> lost its <code>}</code> and a nested record
   * its {@code ],}.
   */
  @Test
  void aClosingBracketOfTheTextAroundAValueIsKept() {
    assertMasked(Map.ofEntries(
        Map.entry("Config{token=abc123}", "Config{token=██}"),
        Map.entry("Config(password=hunter2), next", "Config(password=██), next"),
        Map.entry("Config[password=abc, user=x]", "Config[password=██, user=x]"),
        Map.entry("Outer[c=Config[password=abc], x=1]", "Outer[c=Config[password=██], x=1]"),
        Map.entry("Outer[c=Config[token=abc]]", "Outer[c=Config[token=██]]"),
        Map.entry("{X-Cassandra-Token=[opaque-1]}", "{X-Cassandra-Token=[██]}"),
        Map.entry("{pwd=abc, user=x}", "{pwd=██, user=x}"),
        // The value's own brackets: inside it, or with none opened before the key.
        Map.entry("Config{token=ab}cd}", "Config{token=██}"),
        Map.entry("Config{token=a(b)}", "Config{token=██}"),
        Map.entry("token=abc) x", "token=██ x"),
        Map.entry("password=abc]", "password=██"),
        Map.entry("jdbc:x://h/db?password=ab)cd&x=1", "jdbc:x://h/db?password=██&x=1"),
        Map.entry("token=[abc", "token=██")));
  }

  /**
   * An {@code Authorization} value with no scheme is masked; a word of letters alone is a scheme or prose and kept.
   * Astra's {@code X-Cassandra-Token} and Vault's {@code X-Vault-Token} end in {@code token}: already masked, pinned.
   */
  @Test
  void aHeaderValueWithoutASchemeIsMasked() {
    assertMasked(Map.of(
        "Authorization: opaque-token-123", "Authorization: ██",
        "Authorization: " + ASTRA + "\r\nAccept: */*", "Authorization: AstraCS:██\r\nAccept: */*",
        "{\"Authorization\":\"opaque1\",\"Accept\":\"*/*\"}", "{\"Authorization\":\"██\",\"Accept\":\"*/*\"}",
        "{authorization=[opaque-1], accept=[*/*]}", "{authorization=[██], accept=[*/*]}",
        "Proxy-Authorization: abcdefghijklmnopqrstu", "Proxy-Authorization: ██"));
    assertKept(List.of("Authorization: Bearer", "Authorization: denied", "{authorization=[Bearer, Basic]}",
        "authorization=[]", "Authorization: ██"));
  }

  /** Pins what was already right: Astra's and Vault's token headers, by their names' ending in {@code token}. */
  @Test
  void astrasAndVaultsTokenHeadersAreMasked() {
    assertMasked(Map.of(
        "X-Cassandra-Token: opaque-token-123", "X-Cassandra-Token: ██",
        "x-cassandra-token: " + ASTRA, "x-cassandra-token: AstraCS:██",
        "X-Vault-Token: opaque-token-123", "X-Vault-Token: ██",
        "\"X-Vault-Token\": \"abc\"", "\"X-Vault-Token\": \"██\""));
  }

  /**
   * JSON with escaped slashes (PHP's and some JavaScript's {@code json_encode}): a field's value runs over {@code \/},
   * and a client secret or a store key holding one is found as with {@code /}. Before, the mask stopped at the first
   * {@code \/} and left the rest readable.
   */
  @Test
  void jsonWithEscapedSlashesIsMaskedWhole() {
    String secret = CLIENT_SECRET.replace("m2O97.", "m2O97\\/");
    String key = KEY_SLASH.replace("/", "\\/");
    assertMasked(Map.of(
        "{\"token\":\"AstraCS:ab\\/cd0123\",\"x\":1}", "{\"token\":\"██\",\"x\":1}",
        "{\"clientSecret\":\"ab\\/cd,ef+gh\"}", "{\"clientSecret\":\"██\"}",
        "client secret " + secret + " refused", "client secret ██ refused",
        "{\"owner\":\"" + key + "\"}", "{\"owner\":\"██\"}"));
  }

  /** Pins what was already right: an XML attribute named for a secret, in either quotes (a password's kept too). */
  @Test
  void xmlAttributesAreMasked() {
    assertMasked(Map.of(
        "<db password=\"hunter2\" user=\"app\"/>", "<db password=\"██\" user=\"app\"/>",
        "<db token='hunter2' user='app'/>", "<db token='██' user='app'/>",
        "<db user=\"app\" apiKey=\"hunter2\"/>", "<db user=\"app\" apiKey=\"██\"/>"));
  }

  /** Escaped XML, as a message quoting a document writes it, is masked as XML is. Before, it was left readable. */
  @Test
  void escapedXmlIsMasked() {
    assertMasked(Map.of(
        "&lt;password&gt;hunter2&lt;/password&gt;", "&lt;password&gt;██&lt;/password&gt;",
        "&lt;ns:token type=&quot;x&quot;&gt;hunter2&lt;/ns:token&gt;",
        "&lt;ns:token type=&quot;x&quot;&gt;██&lt;/ns:token&gt;",
        "&LT;PWD&GT;hunter2&LT;/PWD&GT;", "&LT;PWD&GT;██&LT;/PWD&GT;"));
    assertKept(List.of("&lt;token&gt; is required", "--token &lt;token&gt;", "&lt;password/&gt;"));
  }

  /**
   * The second of two fields on one line is a field: its key follows a word that is the value of a {@code name:}.
   * Before, {@code user: app password: x} kept {@code x} as if the key were prose's noun.
   */
  @Test
  void theSecondOfTwoFieldsOnALineIsMasked() {
    assertMasked(Map.of(
        "user: app password: hunter2x", "user: app password: ██",
        "db: orders user: app  token: hunter2x", "db: orders user: app  token: ██",
        "Error: invalid token: hunter2x", "Error: invalid token: ██"));
    // Prose: no name: one word before the key; a path's last part; an id.
    assertKept(List.of("error: creating the token: lease x", "warning: rotated managed token: lease x",
        "on: astra/org/token: x", "user: app token:reader"));
  }

  /**
   * An encoded {@code =} or {@code :} ({@code %3D}, {@code %3A}, encoded again up to three times), as the other
   * passes read them, and {@code %22} as a quote. An encoded text has no blanks, so an encoded {@code :} needs none
   * before its value; a name glued to an escape ({@code %3Atoken}) is part of an encoded id. Before, all were left.
   */
  @Test
  void percentEncodedSeparatorsAreRead() {
    assertMasked(Map.of(
        "password%3Ahunter2", "password%3A██",
        "token%3Dhunter2&x=1", "token%3D██&x=1",
        "q=api_key%253Dhunter2", "q=api_key%253D██",
        "secret%25253dhunter2", "secret%25253d██",
        "%22password%22%3A%22hunter2%22", "%22password%22%3A%22██%22",
        "token%3D%22hunter%20two%22", "token%3D%22██%22"));
    assertKept(List.of("org-1%3Atoken%3Av2", "token%3A", "token%3D%3D", "100%3A token"));
  }

  /**
   * A , or . that ends a long run is the sentence's: a path in a message followed by a comma is no client secret
   * (before, {@code /tmp/junit-4204263620371810009/audit.jsonl.1,} read as one and was masked whole). A secret before
   * the same punctuation is still masked, the punctuation kept.
   */
  @Test
  void aCommaOrFullStopEndingARunIsTheSentences() {
    assertKept(List.of(
        "cannot rotate /tmp/junit-4204263620371810009/audit.jsonl.1, which is kept",
        "see /var/lib/app/leases/2026-12-07/org-1234567890abcdef/role-reader.db.",
        "the files /tmp/junit-4204263620371810009/audit.jsonl.1,, and more"));
    assertMasked(Map.of(
        "secret " + CLIENT_SECRET + ", then", "secret ██, then",
        "secret " + CLIENT_SECRET + ".", "secret ██.",
        "secret " + CLIENT_SECRET + ",.", "secret ██,."));
  }

  /**
   * Java's Properties as XML ({@code Properties.storeToXML}) name each key in an attribute: {@code <entry
   * key="password">x</entry>}. Its value is masked when the key is a secret one, as an element named after the key
   * is; also escaped, and with the Spring property of an org's root token. Before, every such value was shown.
   */
  @Test
  void aPropertiesXmlEntryOfASecretKeyIsMasked() throws IOException {
    Properties p = new Properties();
    p.setProperty("password", "hunter2");
    p.setProperty("astra.vault.orgs[0].root-token", "opaque-root-1");
    p.setProperty("astra.vault.orgs[0].org-id", "org-1");
    ByteArrayOutputStream xml = new ByteArrayOutputStream();
    p.storeToXML(xml, null, StandardCharsets.UTF_8);
    String stored = xml.toString(StandardCharsets.UTF_8);
    assertThat(Redaction.scrub(stored)).contains("<entry key=\"password\">██</entry>")
        .contains("<entry key=\"astra.vault.orgs[0].root-token\">██</entry>")
        .contains("<entry key=\"astra.vault.orgs[0].org-id\">org-1</entry>")
        .doesNotContain("hunter2").doesNotContain("opaque-root-1");
    assertMasked(Map.of(
        "<entry key=\"password\">hunter2</entry>", "<entry key=\"password\">██</entry>",
        "<entry key=\"astra.vault.orgs[0].root-token\">" + ASTRA + "</entry>",
        "<entry key=\"astra.vault.orgs[0].root-token\">AstraCS:██</entry>",
        "<entry key='client_secret'>abc</entry>", "<entry key='client_secret'>██</entry>",
        "&lt;entry key=&quot;password&quot;&gt;hunter2&lt;/entry&gt;",
        "&lt;entry key=&quot;password&quot;&gt;██&lt;/entry&gt;"));
    assertKept(List.of("<entry key=\"user\">app</entry>", "<entry key=\"password\"></entry>",
        "<entry key=\"password\"/>", "<entry>password</entry>"));
  }

  /**
   * A quoted password keeps its quotes ({@code password="██"}), as every other keyed value does. Before, the quotes
   * went with the value: {@code Config[password=██]} did not say whether the value was quoted, or where it ended.
   */
  @Test
  void aQuotedPasswordKeepsItsQuotes() {
    assertMasked(Map.of(
        "Config[user=app, password=\"x\"]", "Config[user=app, password=\"██\"]",
        "password=\"hunter 2\" next", "password=\"██\" next",
        "{\\\"dsn\\\":\\\"a;password=\\\"x\\\"\\\"}", "{\\\"dsn\\\":\\\"a;password=\\\"██\\\"\\\"}",
        "Server=h;Password='se cret';", "Server=h;Password='██';",
        "Server=h;Password={a;b};", "Server=h;Password={██};",
        "password=\"unclosed", "password=\"██"));
  }
}

package dev.astravault.internal.redact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.AstraVaultException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The values of secret-named keys in the spellings a fuzz found passing unmasked ({@link KeyedValues}): YAML,
 * properties and prose separators, XML elements, HTML's {@code &#61;} and JSON's {@code \\u0022}; and the ordinary
 * messages the library writes, which must read as before.
 */
class RedactionKeyTest {
  /** Every key the rule names, as the fuzz wrote them. */
  static final List<String> KEYS = List.of("password", "passwd", "pwd", "secret", "client_secret", "clientSecret",
      "secret_id", "token", "api_key", "apikey", "access_token", "refresh_token", "root_token");

  private static void assertScrubbed(Map<String, String> cases) {
    SoftAssertions.assertSoftly(soft -> cases.forEach((text, expected) -> {
      soft.assertThat(Redaction.scrub(text)).as(text).isEqualTo(expected);
      soft.assertThat(Redaction.scrubByRegex(text)).as("without the pre-scan: %s", text).isEqualTo(expected);
      soft.assertThat(Redaction.scrub(expected)).as("idempotent: %s", text).isEqualTo(expected);
    }));
  }

  @Test
  void everyKeyIsMaskedAfterASpacedEqualsOrAColon() {
    Map<String, String> cases = new LinkedHashMap<>();
    for (String key : KEYS) {
      cases.put(key + " = hunter2x", key + " = ██");
      cases.put(key + ": hunter2x", key + ": ██");
      cases.put(key + " : \"hunter2x\"", key + " : \"██\"");
      cases.put(key.toUpperCase() + ":\thunter2x", key.toUpperCase() + ":\t██");
      cases.put("db:\n  user: app\n  " + key + ": hunter2x\n", "db:\n  user: app\n  " + key + ": ██\n");
    }
    assertScrubbed(cases);
  }

  @Test
  void everyKeyIsMaskedAsAnXmlElement() {
    Map<String, String> cases = new LinkedHashMap<>();
    for (String key : KEYS) {
      cases.put("<" + key + ">hunter2x</" + key + ">", "<" + key + ">██</" + key + ">");
    }
    cases.put("<cfg><user>app</user><password>hunter2 x</password></cfg>",
        "<cfg><user>app</user><password>██</password></cfg>");
    cases.put("<ns:password type=\"plain\">hunter2x</ns:password>", "<ns:password type=\"plain\">██</ns:password>");
    cases.put("<password>\n  hunter2x\n</password>", "<password>██</password>");
    cases.put("<trustStorePassword>hunter2x</trustStorePassword>", "<trustStorePassword>██</trustStorePassword>");
    assertScrubbed(cases);
  }

  @Test
  void anHtmlEqualsAndJsonUnicodeQuotesAreMasked() {
    Map<String, String> cases = new LinkedHashMap<>();
    for (String key : KEYS) {
      cases.put(key + "&#61;hunter2x&amp;user&#61;app", key + "&#61;██&amp;user&#61;app");
      cases.put("{\\u0022" + key + "\\u0022:\\u0022hunter2x\\u0022}", "{\\u0022" + key + "\\u0022:\\u0022██\\u0022}");
    }
    cases.put("token&#x3D;hunter2x", "token&#x3D;██");
    cases.put("{&quot;token&quot;:&quot;hunter2x&quot;}", "{&quot;token&quot;:&quot;██&quot;}");
    cases.put("user\\u003dapp, token\\u003dhunter2x", "user\\u003dapp, token\\u003d██");   // Gson's escaped '='
    cases.put("{'password': 'hunter2x', 'user': 'app'}", "{'password': '██', 'user': 'app'}");
    assertScrubbed(cases);
  }

  /** Names that end in a key, as Spring, drivers and HTTP headers write them. */
  @Test
  void aNameEndingInAKeyIsOne() {
    assertScrubbed(Map.of(
        "astra.vault.root-token: hunter2x", "astra.vault.root-token: ██",
        "spring.datasource.password = hunter2x", "spring.datasource.password = ██",
        "X-Api-Key: hunter2x", "X-Api-Key: ██",
        "vault_token=hunter2x", "vault_token=██",
        "{\"ssl_passwd\": \"hunter2x\"}", "{\"ssl_passwd\": \"██\"}",
        "id_token: " + RedactionJwtTest.JWT, "id_token: ██"));
  }

  /** Where a value ends, and that the key, the separator and the quotes stay. */
  @Test
  void aValueEndsWhereTheRuleSays() {
    assertScrubbed(Map.ofEntries(
        Map.entry("token: a&b", "token: ██&b"),
        Map.entry("token: a;b", "token: ██;b"),
        Map.entry("token: a, b", "token: ██, b"),
        Map.entry("token: a,b c", "token: ██ c"),
        Map.entry("token: a<b", "token: ██<b"),
        Map.entry("token: a'b", "token: ██'b"),
        Map.entry("token: a b", "token: ██ b"),
        Map.entry("token: \"a b, c\" next", "token: \"██\" next"),
        Map.entry("token: \"a b\nnext", "token: \"██\nnext"),
        Map.entry("secret: \"a\\\"b\" x", "secret: \"██\" x"),
        Map.entry("{\\\"token\\\": \\\"a b\\\"}", "{\\\"token\\\": \\\"██\\\"}"),
        Map.entry("token = AstraCS:abc", "token = AstraCS:██"),
        Map.entry("token: a, password: b, user: c", "token: ██, password: ██, user: c"),
        Map.entry("Config{user=app, token=abc}", "Config{user=app, token=██}")));
  }

  /**
   * Kept: prose, where the key is a noun after a word; {@code key:value} without a space (an id, {@code host:port});
   * a value already masked (the library's own toStrings); an XML element without a closing tag after its value (a
   * usage line's {@code <token>}); comparisons. Pins behaviour that was already right, and so passes on the old code.
   */
  @Test
  void proseIdsAndMaskedValuesAreKept() {
    for (String text : List.of(
        "the token expired", "the token: expired", "renew the secret: it expires soon",
        "token:reader", "org-1:token:v2", "localhost:8200", "the secret_id=",
        "--token <token> --org <org>", "Missing required option: '--token=<token>'", "<token> is required",
        "OrgConfig[orgId=o, rootToken=██]", "AppRole[mount=approle, roleId=r, secretId=██]",
        "Unknown option '--vault-secret-id=…'", "vault kv put astra/orgs/x org_id=... root_token=...), check",
        "password: ...", "token == null", "if (token != null)", "<password/>", "<password></password>", "tokenTtl: 5m",
        "token_type: bearer", "tokens: 3")) {
      assertThat(Redaction.scrub(text)).as(text).isEqualTo(text);
    }
  }

  /**
   * Messages the library, the Vault plugin and Astra write with a key word before a colon (grepped from the sources):
   * each has a word before the key, so it reads as before.
   */
  @Test
  void theLibrarysOwnMessagesReadAsBefore() {
    for (String message : List.of(
        "rotated managed token: lease astra/o/reader/Ab3dEf6hIj9lMn2pQr5tUv8x replaces x (overlap PT1M)",
        "startup token: attempt 1 of 3 failed (connection refused); retrying in PT2S",
        "a new org needs its root token: set ASTRA_ORG_TOKEN, or pass --token-file",
        "AppRole login needs its secret id: set VAULT_SECRET_ID or pass --secret-id-file",
        "/home/u/.astra-vault/store.key is readable by others and holds a secret: chmod 600 it",
        "error creating Astra token: unable to find config for org ID o-1",
        "Vault answered HTTP 500 on astra/org/token: error creating Astra token: Astra answered HTTP 500",
        "Vault answered HTTP 400 on auth/approle/role/r/secret-id: invalid role",
        "cannot read C:\\Users\\u\\token: access denied",
        "1 error occurred:\n\t* error creating Astra token: astra token was not defined",
        "error revoking user token: unable to delete token in astra; 404 Not Found",
        "Resource, token, was malformed. Error: auth-manager returned 403 validating token: abc",
        "expected 1 live token(s) with role 'r' but found 2; live tokens: [a, b]")) {
      assertThat(Redaction.scrub(message)).as(message).isEqualTo(message);
      assertThat(new AstraVaultException(message).getMessage()).isEqualTo(message);
    }
  }

  /**
   * What changes: a key word starting a line or after punctuation reads as a field ({@code Token: expired} masks
   * {@code expired}), and a value that held a client secret keeps its key ({@code client_secret=██}, where the
   * client-secret run took the key with it).
   */
  @Test
  void aKeyStartingALineOrAfterPunctuationIsAField() {
    assertScrubbed(Map.of(
        "Token: expired", "Token: ██",
        "password: ...x", "password: ██",
        "renewal failed; token: expired", "renewal failed; token: ██",
        "client_secret=" + RedactionTest.CLIENT_SECRET, "client_secret=██"));
  }
}

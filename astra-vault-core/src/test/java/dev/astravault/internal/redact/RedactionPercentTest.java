package dev.astravault.internal.redact;

import static dev.astravault.internal.redact.RedactionTest.ASTRA;
import static dev.astravault.internal.redact.RedactionTest.CLIENT_SECRET;
import static dev.astravault.internal.redact.RedactionTest.KEY_PLAIN;
import static dev.astravault.internal.redact.RedactionTest.KEY_SLASH;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Secrets written percent-encoded ({@link URLEncoder}, a form body, a token pasted into a URL in configuration) are
 * masked as they are written plainly, and so are the credentials of {@code Authorization} headers, whose Basic form
 * hides a token in base64.
 */
class RedactionPercentTest {
  static final String ASTRA_ENCODED = encode(ASTRA);
  /** A standard key with a {@code +}, so {@code %2B} when encoded. */
  static final String KEY_PLUS = RedactionTest.key(k -> k.indexOf('+') >= 0 && k.indexOf('/') >= 0);

  static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  static void assertMasked(Map<String, String> masked) {
    masked.forEach((text, expected) -> {
      assertThat(Redaction.scrub(text)).as(text).isEqualTo(expected);
      assertThat(Redaction.scrubByRegex(text)).as(text).isEqualTo(expected);
      assertThat(Redaction.scrub(expected)).as("idempotent: %s", text).isEqualTo(expected);
      assertThat(Redaction.looksSecret(text)).as(text).isTrue();
    });
  }

  static void assertKept(List<String> kept) {
    for (String text : kept) {
      assertThat(Redaction.scrub(text)).as(text).isEqualTo(text);
      assertThat(Redaction.looksSecret(text)).as(text).isFalse();
    }
  }

  @Test
  void anAstraTokensMaskStopsAtTheQuerysNextParameter() {
    // A token holds no '&': what follows is the next parameter, and an operator reading the log needs it.
    assertMasked(Map.of(
        "https://x/y?t=" + ASTRA_ENCODED + "&role=reader", "https://x/y?t=AstraCS%3A██&role=reader",
        "https://x/y?t=" + ASTRA + "&role=reader", "https://x/y?t=AstraCS:██&role=reader",
        "t=" + ASTRA.substring(0, 20) + "&role=reader", "t=AstraCS:██&role=reader"));
  }

  @Test
  void aPercentEncodedAstraTokenIsMaskedInEitherCase() {
    String lower = ASTRA.replace(":", "%3a");
    assertThat(ASTRA_ENCODED).startsWith("AstraCS%3A").contains("%3A8709");
    assertMasked(Map.of(
        "https://x/y?q=" + ASTRA_ENCODED, "https://x/y?q=AstraCS%3A██",
        "https://x/y?q=" + lower, "https://x/y?q=AstraCS%3a██",
        "token=" + ASTRA_ENCODED.toLowerCase(), "token=AstraCS%3a██",
        "{\"url\":\"https://x/?t=" + ASTRA_ENCODED + "\",\"role\":\"reader\"}",
        "{\"url\":\"https://x/?t=AstraCS%3A██\",\"role\":\"reader\"}",
        "GET /v2/x?token=" + ASTRA_ENCODED + " failed", "GET /v2/x?token=AstraCS%3A██ failed",
        "cut AstraCS%3AzjCEYwRG", "cut AstraCS%3A██",
        "glued" + ASTRA_ENCODED, "gluedAstraCS%3A██"));
    // The word alone names the shape, as "AstraCS:" alone does.
    assertKept(List.of("expected AstraCS%3A<24 letters>", "AstraCS%3A", "50% of AstraCS"));
  }

  @Test
  void aPercentEncodedStoreKeyIsMaskedInEitherCase() {
    String slash = encode(KEY_SLASH);
    String plus = encode(KEY_PLUS);
    assertThat(slash).contains("%2F").endsWith("%3D");
    assertThat(plus).contains("%2B");
    assertMasked(Map.of(
        "key=" + slash, "key=██",
        "key=" + lowerEscapes(slash), "key=██",
        "key=" + plus + "&v=2", "██&v=2",   // as unencoded: the + makes key=… a client-secret-shaped run
        "https://vault/v1/secret%2Fdata%2F" + slash, "https://vault/v1/secret%2Fdata%2F██",
        "q=a%20" + KEY_PLAIN.substring(0, 43) + "%20b", "q=a%20██%20b",
        "keys " + plus + "," + slash, "keys ██",   // as unencoded: one client-secret-shaped run
        "key=" + KEY_PLAIN.substring(0, 43) + "%3D", "key=██"));
    // As unencoded, a key with a + in a longer run is masked with it as a client secret would be: https:██.
    assertThat(Redaction.scrub("https://vault/v1/secret%2Fdata%2F" + plus)).isEqualTo(
        Redaction.scrub("https://vault/v1/secret/data/" + KEY_PLUS));
    for (String text : List.of(slash, lowerEscapes(plus), "x%2F" + plus)) {
      assertThat(Redaction.holdsStoreKey(text)).as(text).isTrue();
    }
    // A lease id encoded as a path segment is still a lease id; 42 characters are still not a key.
    assertKept(List.of("astra%2Forg1x%2Freader%2FAb3dEf6hIj9lMn2pQr5tUv8x",
        "https%3A%2F%2Fvault%3A8200%2Fv1%2Fastra%2Fcreds%2Freader%2FAb3dEf6hIj9lMn2pQr5tUv8x",
        "k=" + encode(KEY_SLASH.substring(0, 42)), "100%25 done"));
  }

  /** {@code %2F} as {@code %2f}: the hex digits in lower case, the rest as it was. */
  private static String lowerEscapes(String encoded) {
    return encoded.replace("%2F", "%2f").replace("%2B", "%2b").replace("%3D", "%3d");
  }

  @Test
  void aPercentEncodedClientSecretIsMasked() {
    String body = "grant_type=client_credentials&client_id=abc&client_secret=" + encode(CLIENT_SECRET);
    assertThat(encode(CLIENT_SECRET)).contains("%2C", "%2B");
    String scrubbed = Redaction.scrub(body);
    assertThat(scrubbed).startsWith("grant_type=client_credentials&client_id=abc&").endsWith("██")
        .doesNotContain("cllL1Yzf5xW").doesNotContain("xuwm2O97").doesNotContain("pH-0");
    assertThat(Redaction.scrub(lowerEscapes(encode(CLIENT_SECRET)).replace("%2C", "%2c"))).isEqualTo("██");
  }

  /**
   * A secret written partly encoded (JavaScript's {@code escape()} encodes a client secret's {@code ,} and keeps its
   * {@code +}; a hand-edited URL encodes what its writer thought of) is masked whole, as written plainly: the part
   * found as written does not keep the decoded form from finding the whole. Before, the tail after the encoded
   * character was left readable ({@code ██%2Chb.3J2S0aqQ9tY}, {@code key=H%██}).
   */
  @Test
  void aSecretStraddlingAnEncodedAndAPlainPartIsMaskedWhole() {
    String secret = "xuwm2O97.ZpHcYvCsnlrTyl8w1pH-0+SLR.cllL1Yzf5xW,hb.3J2S0aqQ9tY";
    String escaped = secret.replace(",", "%2C");
    assertThat(Redaction.scrub("secret " + secret)).isEqualTo("secret ██");
    // A key whose one '/' is its second character: as written, the 43 characters from "2F" on look like a key too.
    String key = RedactionTest.key(k -> k.charAt(1) == '/' && k.indexOf('/', 2) < 0 && k.indexOf('+') < 0);
    assertThat(Redaction.scrub("key=" + key)).isEqualTo("key=██");
    assertMasked(Map.of(
        "secret " + escaped, "secret ██",
        "client_id=abc&client_secret=" + escaped + "&scope=x", "client_id=abc&client_secret=██&scope=x",
        "key=" + encode(key), "key=██",
        "keys " + encode(key) + " " + escaped, "keys ██ ██"));
  }

  @Test
  void aPercentEncodedPasswordParameterIsMasked() {
    assertMasked(Map.of(
        "https://app/cb?next=%2Fdb%3Fuser%3Dapp%26password%3Dhunter2-x", "https://app/cb?next=%2Fdb%3Fuser%3Dapp%26"
            + "password%3D██",
        "redirect=jdbc%3Apostgresql%3A%2F%2Fdb%2Fx%3Fsslpwd%3dhunter2-x", "redirect=jdbc%3Apostgresql%3A%2F%2Fdb%2Fx"
            + "%3Fsslpwd%3d██"));
  }

  /**
   * A text encoded two or three times (a URL carried in a parameter of a URL that is itself carried in another's, a
   * form body put into a query) is masked as one encoded once: {@code %253A} and {@code %25253A} are a {@code :}, and
   * so on. Before, all of these were left readable.
   */
  @Test
  void aSecretEncodedTwiceOrThreeTimesIsMasked() {
    String twice = encode(encode(ASTRA));
    String thrice = encode(twice);
    assertThat(twice).startsWith("AstraCS%253A");
    assertThat(thrice).startsWith("AstraCS%25253A");
    String passwordTwice = encode(encode("/db?user=app&password=hunter2-x"));
    assertThat(passwordTwice).endsWith("%2526password%253Dhunter2-x");
    String keyTwice = encode(encode(KEY_SLASH));
    String keyThrice = encode(keyTwice);
    assertThat(keyThrice).contains("%25252F").endsWith("%25253D");
    assertMasked(Map.ofEntries(
        Map.entry("https://app/cb?next=" + twice + "&x=1", "https://app/cb?next=AstraCS%253A██&x=1"),
        Map.entry("q=" + thrice, "q=AstraCS%25253A██"),
        Map.entry("q=" + twice.toLowerCase(), "q=AstraCS%253a██"),
        Map.entry("next=" + passwordTwice, "next=%252Fdb%253Fuser%253Dapp%2526password%253D██"),
        Map.entry("next=" + encode(passwordTwice), "next=%25252Fdb%25253Fuser%25253Dapp%252526password%25253D██"),
        Map.entry("key=" + keyTwice, "key=██"),
        Map.entry("key=" + keyThrice + "&v=2", "key=██&v=2"),
        Map.entry("https://vault/v1/secret%252Fdata%252F" + keyTwice, "https://vault/v1/secret%252Fdata%252F██"),
        Map.entry("client_id=abc&client_secret=" + encode(encode(CLIENT_SECRET)) + "&scope=x",
            "client_id=abc&client_secret=██&scope=x"),
        Map.entry("s=" + encode(encode(encode(CLIENT_SECRET))), "██")));
    for (String text : List.of(keyTwice, keyThrice, "x%252F" + encode(encode(KEY_PLUS)))) {
      assertThat(Redaction.holdsStoreKey(text)).as(text).isTrue();
    }
    // A percent sign encoded over and over is no secret; neither is a key one short, encoded twice.
    assertKept(List.of("100%2525 done", "%25".repeat(30) + "3A", "k=" + encode(encode(KEY_SLASH.substring(0, 42))),
        "astra%252Forg1x%252Freader%252FAb3dEf6hIj9lMn2pQr5tUv8x"));
  }

  /** Pins what was already right: user info is percent-encoded by nature, and its password is masked whole. */
  @Test
  void aPercentEncodedPasswordInUserInfoIsMaskedWhole() {
    assertMasked(Map.of(
        "jdbc:postgresql://app:p%40ss%2Fw%3Ard@db/x", "jdbc:postgresql://app:██@db/x",
        "https://ops:" + ASTRA_ENCODED + "@gateway.example/astra", "https://ops:██@gateway.example/astra",
        "java.net.UnknownHostException: alice:p%40ss%3Aw%25rd@db.invalid",
        "java.net.UnknownHostException: alice:██@db.invalid"));
  }

  @Test
  void theCredentialOfAnAuthorizationHeaderIsMaskedAndItsSchemeKept() {
    String basic = Base64.getEncoder().encodeToString(("user:" + ASTRA).getBytes(StandardCharsets.UTF_8));
    assertMasked(Map.ofEntries(
        Map.entry("Authorization: Basic " + basic, "Authorization: Basic ██"),
        Map.entry("authorization: bearer opaque-token_1", "authorization: bearer ██"),
        Map.entry("Proxy-Authorization: Basic dXNlcjpwYXNzd29yZA==", "Proxy-Authorization: Basic ██"),
        Map.entry("GET /v2/x HTTP/1.1\r\nHost: h\r\nAuthorization: Basic " + basic + "\r\nAccept: */*\r\n",
            "GET /v2/x HTTP/1.1\r\nHost: h\r\nAuthorization: Basic ██\r\nAccept: */*\r\n"),
        Map.entry("{\"Authorization\":\"Basic " + basic + "\",\"Accept\":\"*/*\"}",
            "{\"Authorization\":\"Basic ██\",\"Accept\":\"*/*\"}"),
        Map.entry("{\"authorization\": \"Bearer opaque\"}", "{\"authorization\": \"Bearer ██\"}"),
        Map.entry("{\\\"Proxy-Authorization\\\":\\\"Negotiate YIIabc\\\"}",
            "{\\\"Proxy-Authorization\\\":\\\"Negotiate ██\\\"}"),
        Map.entry("{authorization=[Basic " + basic + "], accept=[*/*]}", "{authorization=[Basic ██], accept=[*/*]}"),
        Map.entry("cannot process GET /v2/x (Authorization: Bearer opaque) with body {}",
            "cannot process GET /v2/x (Authorization: Bearer ██) with body {}"),
        Map.entry("Authorization: Digest username=\"Mufasa\", realm=\"r@h\", nonce=\"dcd98b\", response=\"6629fae4\"",
            "Authorization: Digest ██"),
        Map.entry("Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
            + "SignedHeaders=host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2",
            "Authorization: AWS4-HMAC-SHA256 ██"),
        // An Astra token keeps saying what it was, as it did before the header was recognised.
        Map.entry("Authorization: Bearer " + ASTRA, "Authorization: Bearer AstraCS:██")));
    assertKept(List.of("Authorization: Bearer", "authorization failed for role reader", "Authorization header missing",
        "Authorization: Bearer ██", "{\"Authorization\":\"Basic ██\"}", "authorization=[]"));
  }

  /** Ids, role names and org names hold no {@code %}: the pre-scan still lets them skip every pattern. */
  @Test
  void idsAndNamesStayOnTheFastPath() {
    for (String id : List.of("6f1c0e7a-0f4e-4d1b-9a3e-2b7f6c1d9e00", "reader", "api_ro_svc_acct", "orders",
        "acme-prod", "bench", "zjCEYwRGWocLfQJHBNQxvorr", "astra/acme/reader/AbCdEfGhIjKlMnOpQrStUvWx",
        "team-orders@example.com", "Authorization", "AstraCS", "2026-01-01T00:00:00Z")) {
      assertThat(Redaction.mayHoldSecret(id)).as(id).isFalse();
      assertThat(StoreKeyRuns.present(id)).as(id).isFalse();
    }
  }
}

package dev.astravault.internal.redact;

import static dev.astravault.internal.redact.RedactionPercentTest.assertKept;
import static dev.astravault.internal.redact.RedactionPercentTest.assertMasked;
import static dev.astravault.internal.redact.RedactionTest.ASTRA;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code Authorization} headers as HTTP clients and frameworks print them with more than one value, or cut short:
 * every credential is masked, each scheme kept.
 */
class RedactionAuthorizationTest {
  /**
   * A header with several values, as a map of lists prints it (OkHttp's {@code toMultimap()}, {@code
   * HttpURLConnection.getRequestProperties()}), as Spring's {@code HttpHeaders} does ({@code Authorization:"Bearer
   * a", "Basic b"}), as a JSON array, and joined by a comma in one line. Before, only the first credential was masked,
   * and none of Spring's, single-valued or not.
   */
  @Test
  void everyCredentialOfAMultiValuedHeaderIsMasked() {
    assertMasked(Map.ofEntries(
        Map.entry("{authorization=[Bearer opaque-1, Basic dXNlcjpw]}", "{authorization=[Bearer ██, Basic ██]}"),
        Map.entry("{Accept=[*/*], Authorization=[Basic dXNlcjpw, Bearer " + ASTRA + "], Host=[h]}",
            "{Accept=[*/*], Authorization=[Basic ██, Bearer AstraCS:██], Host=[h]}"),
        Map.entry("Authorization=[Digest username=\"u\", response=\"6629fae4\", Bearer opaque-2]",
            "Authorization=[Digest ██, Bearer ██]"),
        Map.entry("[Accept:\"*/*\", Authorization:\"Bearer opaque-1\", \"Basic dXNlcjpw\", Host:\"h\"]",
            "[Accept:\"*/*\", Authorization:\"Bearer ██\", \"Basic ██\", Host:\"h\"]"),
        Map.entry("[Authorization:\"Bearer opaque-1\"]", "[Authorization:\"Bearer ██\"]"),
        Map.entry("{\"authorization\":[\"Bearer opaque-1\",\"Basic dXNlcjpw\"],\"accept\":[\"*/*\"]}",
            "{\"authorization\":[\"Bearer ██\",\"Basic ██\"],\"accept\":[\"*/*\"]}"),
        Map.entry("{\\\"Authorization\\\": [\\\"Bearer opaque-1\\\", \\\"Bearer " + ASTRA + "\\\"]}",
            "{\\\"Authorization\\\": [\\\"Bearer ██\\\", \\\"Bearer AstraCS:██\\\"]}"),
        Map.entry("Authorization: Bearer opaque-1, Basic dXNlcjpw\r\nAccept: */*",
            "Authorization: Bearer ██, Basic ██\r\nAccept: */*")));
    assertKept(List.of("{authorization=[Bearer ██, Basic ██]}", "[Authorization:\"Bearer ██\", \"Basic ██\"]",
        "{authorization=[Bearer, Basic]}"));
  }

  /**
   * A quoted auth-param that is never closed (a line cut short) is masked to the end of the line. Before, the mask
   * stopped at its quote and left the rest readable ({@code Digest ██"6629fae4}).
   */
  @Test
  void anUnclosedQuoteInACredentialIsMaskedToTheEndOfTheLine() {
    assertMasked(Map.of(
        "Authorization: Digest username=\"u\", response=\"6629fae4", "Authorization: Digest ██",
        "Authorization: Digest username=\"u\", response=\"6629fae4\nAccept: */*",
        "Authorization: Digest ██\nAccept: */*",
        "{authorization=[Digest username=\"u\", response=\"6629fae4]}", "{authorization=[Digest ██",
        "Proxy-Authorization: Custom realm=\"a b c", "Proxy-Authorization: Custom ██"));
  }

  /** Pins what was already right: a quote closing the text around a header is not taken for one opening a value. */
  @Test
  void aQuoteAroundTheHeaderIsKept() {
    assertMasked(Map.of(
        "sent \"Authorization: Bearer opaque-1\" to h", "sent \"Authorization: Bearer ██\" to h",
        "'Authorization: Basic dXNlcjpw' was refused", "'Authorization: Basic ██' was refused"));
  }
}

package dev.astravault.internal.redact;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A text longer than {@link Redaction#MAX_TEXT} is cut before it is masked: an error body a server chose (Vault's
 * replies may be 8 MB) costs the redactor a bounded amount of work, and no half of a secret survives the cut.
 */
class RedactionBoundTest {
  /** Shaped like an Astra client secret: 40 or more characters holding a comma. */
  private static final String CLIENT_SECRET = "Zx9,kLmNoPqRsTuVwXyZ0123456789abcdefghIJKLMN,op";

  @Test
  void aTextUpToTheBoundIsKeptWhole() {
    String text = "word ".repeat(Redaction.MAX_TEXT / 5) + "x".repeat(Redaction.MAX_TEXT % 5);
    assertThat(text).hasSize(Redaction.MAX_TEXT);
    assertThat(Redaction.scrub(text)).isSameAs(text);
  }

  @Test
  void aLongerTextIsCutBeforeTheWordTheCutFallsIn() {
    // The secret starts 20 characters before the cut point: cut inside it, 20 characters of it would be left, too
    // few to look like a secret any more.
    int secretStart = Redaction.MAX_TEXT - 64 - 20;
    String text = "a".repeat(secretStart - 1) + " " + CLIENT_SECRET + " tail ".repeat(1000);
    String scrubbed = Redaction.scrub(text);
    assertThat(scrubbed).hasSizeLessThanOrEqualTo(Redaction.MAX_TEXT)
        .endsWith(" …[" + (text.length() - secretStart + 1) + " characters cut]")
        .doesNotContain(CLIENT_SECRET.substring(0, 8));
    assertThat(Redaction.scrub(scrubbed)).as("idempotent").isEqualTo(scrubbed);
  }

  @Test
  void aTextOfOneWordLongerThanTheBoundKeepsOnlyTheNote() {
    String text = CLIENT_SECRET.repeat(Redaction.MAX_TEXT / CLIENT_SECRET.length() + 10);
    assertThat(Redaction.scrub(text)).isEqualTo(" …[" + text.length() + " characters cut]");
  }

  @Test
  void aHostileBodyOfMegabytesIsCutToTheBound() {
    // Many word starts and no host: each start's URL patterns scan ahead, which took 16 s at 96 KB and grew with
    // the square of the length before the bound (about 40 minutes at this size).
    String hostile = "\"" + "=a:".repeat(400_000);
    String scrubbed = Redaction.scrub(hostile);
    assertThat(scrubbed).hasSizeLessThanOrEqualTo(Redaction.MAX_TEXT).endsWith(" characters cut]");
  }
}

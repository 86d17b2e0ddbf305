package dev.astravault.internal.redact;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link Redaction#maskLiteral}: a secret that does not look like one, masked where it stands, and only there. */
class RedactionLiteralTest {
  @Test
  void aShortSecretIsMaskedAsAWholeTokenOnly() {
    assertThat(Redaction.maskLiteral("token root is invalid", "root")).isEqualTo("token ██ is invalid");
    assertThat(Redaction.maskLiteral("\"root\": root.", "root")).isEqualTo("\"██\": ██.");
    assertThat(Redaction.maskLiteral("root", "root")).isEqualTo("██");
    // Both sides: ordinary words that hold it are left alone.
    assertThat(Redaction.maskLiteral("rooted chroot root_token root-ca Root rootroot", "root"))
        .isEqualTo("rooted chroot root_token root-ca Root rootroot");
    assertThat(Redaction.maskLiteral("no secret here", "")).isEqualTo("no secret here");
  }

  @Test
  void aLongSecretIsMaskedWhereverItOccurs() {
    String secret = "my-custom-secret-id";
    assertThat(Redaction.maskLiteral("secret_id=" + secret + "x and " + secret, secret))
        .isEqualTo("secret_id=██x and ██");
  }
}

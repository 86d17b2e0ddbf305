package dev.astravault.internal.redact;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link LiteralSecrets.mask}: a secret that does not look like one, masked where it stands, and only there. */
class LiteralSecretsTest {
  @Test
  void aShortSecretIsMaskedAsAWholeTokenOnly() {
    assertThat(LiteralSecrets.mask("token root is invalid", "root")).isEqualTo("token ██ is invalid");
    assertThat(LiteralSecrets.mask("\"root\": root.", "root")).isEqualTo("\"██\": ██.");
    assertThat(LiteralSecrets.mask("root", "root")).isEqualTo("██");
    // Both sides: ordinary words that hold it are left alone.
    assertThat(LiteralSecrets.mask("rooted chroot root_token root-ca Root rootroot", "root"))
        .isEqualTo("rooted chroot root_token root-ca Root rootroot");
    assertThat(LiteralSecrets.mask("no secret here", "")).isEqualTo("no secret here");
  }

  @Test
  void aLongSecretIsMaskedWhereverItOccurs() {
    String secret = "my-custom-secret-id";
    assertThat(LiteralSecrets.mask("secret_id=" + secret + "x and " + secret, secret))
        .isEqualTo("secret_id=██x and ██");
  }
}

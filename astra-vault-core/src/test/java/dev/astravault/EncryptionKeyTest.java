package dev.astravault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EncryptionKey#fromBase64}, the one parser of a key's text behind every key list: operators make keys with
 * URL-safe tools too, so both alphabets and a missing padding are read as the same key; a text mixing the alphabets is
 * refused, and no refusal quotes the text, as it is a secret (perhaps with a typo).
 */
class EncryptionKeyTest {
  /** 0xFB bytes encode as {@code +/v7} repeated: both characters that differ between the alphabets. */
  private static final byte[] BYTES = filled((byte) 0xFB);
  private static final String STANDARD = Base64.getEncoder().encodeToString(BYTES);
  private static final String URL_SAFE = Base64.getUrlEncoder().withoutPadding().encodeToString(BYTES);

  @TempDir Path dir;

  static byte[] filled(byte b) {
    byte[] bytes = new byte[EncryptionKey.LENGTH];
    Arrays.fill(bytes, b);
    return bytes;
  }

  @Test
  void standardAndUrlSafeWithOrWithoutPaddingAreTheSameKey() throws Exception {
    EncryptionKey key = EncryptionKey.of(BYTES);
    assertThat(STANDARD).contains("+", "/").endsWith("=");
    assertThat(URL_SAFE).contains("-", "_").doesNotEndWith("=");
    for (String text : List.of(STANDARD, STANDARD.replace("=", ""), URL_SAFE, URL_SAFE + "=", " " + URL_SAFE + "\n")) {
      assertThat(EncryptionKey.fromBase64(text)).as(text).isEqualTo(key);
      assertThat(EncryptionKey.fromBase64(text).id()).isEqualTo(key.id());
    }
    EncryptionKey other = EncryptionKey.generate();
    String otherUrlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(other.bytes());
    // Every key list reads it: a string, and a file (the environment and Vault's secret share that parser).
    KeyProvider list = KeyProvider.fromBase64List(URL_SAFE + "," + otherUrlSafe);
    assertThat(list.currentKey()).isEqualTo(key);
    assertThat(list.key(other.id())).hasValue(other);
    Path file = Files.writeString(dir.resolve("store.key"), URL_SAFE + "\n" + other.toBase64() + "\n");
    assertThat(KeyProvider.fromFile(file).currentKey()).isEqualTo(key);
    assertThat(EncryptionKey.fromBase64(URL_SAFE).toBase64()).isEqualTo(STANDARD);   // written back standard
  }

  @Test
  void aKeyMixingTheAlphabetsIsRefusedWithoutBeingQuoted() {
    String mixed = STANDARD.replaceFirst("\\+", "-");
    assertThatThrownBy(() -> EncryptionKey.fromBase64(mixed)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mixes the standard (+ /) and the URL-safe (- _) alphabets")
        .hasMessageContaining("openssl rand -base64 32").hasMessageNotContaining(mixed)
        .hasMessageNotContaining(mixed.substring(0, 12)).hasNoCause();
    assertThatThrownBy(() -> KeyProvider.fromBase64List(STANDARD + "," + mixed))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("key list: key 2 mixes the standard (+ /) and the URL-safe (- _) base64 alphabets")
        .hasMessageNotContaining(mixed).hasMessageNotContaining(STANDARD)
        .hasMessageNotContaining(mixed.substring(0, 12));
  }

  @Test
  void eachOtherRefusalNamesItsProblemAndTheFixButNeverTheText() {
    String key = EncryptionKey.generate().toBase64();
    String shortKey = Base64.getEncoder().encodeToString(Arrays.copyOf(BYTES, 24));
    record Case(String text, String problem) {}
    for (Case c : List.of(
        new Case(shortKey, "decodes to 24 bytes"),
        new Case(key.substring(0, 41), "is not base64"),                          // cut short: a length base64 has not
        new Case(key.substring(0, 20) + "." + key.substring(21), "is not base64"), // a character of neither alphabet
        new Case(key.substring(0, 20) + "=" + key.substring(21), "is not base64"), // = inside
        new Case(key + "==", "is not base64"),                                    // too much padding
        new Case("/usr/local-bin:/opt/my_tool/bin", "is not base64"))) {           // a variable's value, not a mix
      assertThatThrownBy(() -> EncryptionKey.fromBase64(c.text())).as(c.text())
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(c.problem())
          .hasMessageContaining("openssl rand -base64 32").hasMessageNotContaining(c.text())
          .hasMessageNotContaining(c.text().substring(0, 12)).hasNoCause();
    }
  }
}

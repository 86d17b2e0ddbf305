package dev.astravault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * {@link KeyProvider#fromBase64List}: the format of {@code $ASTRA_VAULT_KEY} parsed from a string, so that a caller
 * with its own environment (the CLI) does not parse it again. Before, there was no such factory and the CLI kept a
 * copy of the parser that took commas only and named neither the variable nor the key at fault.
 */
class KeyProviderListTest {
  private static final EncryptionKey NEW = EncryptionKey.generate();
  private static final EncryptionKey OLD = EncryptionKey.generate();

  @Test
  void readsTheCurrentKeyFirstThenOlderOnesByCommaOrLine() {
    for (String list : new String[] {NEW.toBase64() + "," + OLD.toBase64(), " " + NEW.toBase64() + " ,, "
        + OLD.toBase64() + ",", NEW.toBase64() + "\n" + OLD.toBase64() + "\n"}) {
      KeyProvider keys = KeyProvider.fromBase64List(list);
      assertThat(keys.currentKey()).as(list).isEqualTo(NEW);
      assertThat(keys.key(OLD.id())).as(list).hasValue(OLD);
      assertThat(keys.toString()).doesNotContain(NEW.toBase64()).doesNotContain(OLD.toBase64());
    }
    assertThat(KeyProvider.fromBase64List(NEW.toBase64()).key(OLD.id())).isEmpty();
  }

  @Test
  void aListWithoutAKeyOrWithABadOneIsATypedErrorThatNeverQuotesIt() {
    String almost = OLD.toBase64().substring(2);
    assertThatThrownBy(() -> KeyProvider.fromBase64List(NEW.toBase64() + "," + almost))
        .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("key list: key 2 is not base64 "
            + "(standard or URL-safe) of 32 bytes").hasMessageNotContaining(almost)
        .hasMessageNotContaining(NEW.toBase64());
    for (String empty : new String[] {"", " ", ",", " , \n"}) {
      assertThatThrownBy(() -> KeyProvider.fromBase64List(empty)).as("'%s'", empty)
          .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("key list holds no key");
    }
    assertThatThrownBy(() -> KeyProvider.fromBase64List(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("keys");
  }
}

package dev.astravault.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.SecretDecryptionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link SecretCipher} reuses one JCA Cipher per thread (issue 15): whatever a previous use left behind (another key,
 * a failed authentication, an encryption or a decryption) must not change the next result.
 */
class SecretCipherTest {
  private final EncryptionKey oldKey = EncryptionKey.generate();
  private final EncryptionKey newKey = EncryptionKey.generate();
  private final SecretCipher before = new SecretCipher(KeyProvider.of(oldKey));
  private final SecretCipher after = new SecretCipher(KeyProvider.of(newKey, oldKey));

  @Test
  void sealAndOpenInterleaveAcrossKeysOnOneThread() {
    String a = before.seal("secret-a", "aad-a");
    String b = after.seal("secret-b", "aad-b");
    assertThat(SecretCipher.keyId(a)).isEqualTo(oldKey.id());
    assertThat(SecretCipher.keyId(b)).isEqualTo(newKey.id());
    assertThat(after.open(a, "aad-a", "a")).isEqualTo("secret-a");
    assertThat(after.open(b, "aad-b", "b")).isEqualTo("secret-b");
    assertThat(before.open(a, "aad-a", "a")).isEqualTo("secret-a");
    assertThat(after.open(before.seal("again", "aad-c"), "aad-c", "c")).isEqualTo("again");
  }

  @Test
  void aFailedAuthenticationLeavesNothingBehind() {
    String sealed = after.seal("secret", "aad");
    assertThatThrownBy(() -> after.open(sealed, "other aad", "the record"))
        .isInstanceOfSatisfying(SecretDecryptionException.class,
            e -> assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED));
    assertThat(after.open(sealed, "aad", "the record")).isEqualTo("secret");
    String next = after.seal("next", "aad");
    assertThat(next).isNotEqualTo(sealed);
    assertThat(after.open(next, "aad", "the record")).isEqualTo("next");
  }

  @Test
  void everySealHasItsOwnNonce() {
    assertThat(after.seal("same", "aad")).isNotEqualTo(after.seal("same", "aad"));
  }

  @Test
  void threadsDoNotShareACipher() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            SecretCipher cipher = i % 2 == 0 ? before : after;
            String plain = "secret " + thread + "/" + i;
            assertThat(after.open(cipher.seal(plain, "aad " + i), "aad " + i, "x")).isEqualTo(plain);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}

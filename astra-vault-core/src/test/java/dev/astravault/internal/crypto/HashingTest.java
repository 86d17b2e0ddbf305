package dev.astravault.internal.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HashingTest {
  @Test
  void sha256MatchesTheStandardVector() {
    assertThat(Hashing.sha256Hex("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(Hashing.sha256Hex("abc")).isEqualTo(Hashing.sha256Hex("abc"));
  }

  @Test
  void hmacMatchesRfc4231AndFollowsAKeyChangeOnTheSameThread() {
    byte[] jefe = "Jefe".getBytes(StandardCharsets.US_ASCII);
    String rfc4231Case2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    assertThat(Hashing.hmacSha256Hex(jefe, "what do ya want for nothing?")).isEqualTo(rfc4231Case2);
    String other = Hashing.hmacSha256Hex(new byte[] {1, 2, 3}, "what do ya want for nothing?");
    assertThat(other).isNotEqualTo(rfc4231Case2);
    // The cached Mac is re-keyed back, and a caller mutating its key array afterwards does not change it.
    byte[] key = jefe.clone();
    assertThat(Hashing.hmacSha256Hex(key, "what do ya want for nothing?")).isEqualTo(rfc4231Case2);
    key[0] = 'X';
    assertThat(Hashing.hmacSha256Hex(key, "what do ya want for nothing?")).isNotEqualTo(rfc4231Case2);
    assertThat(Hashing.hmacSha256Hex(jefe, "what do ya want for nothing?")).isEqualTo(rfc4231Case2);
  }

  @Test
  void anEmptyKeyIsRejected() {
    assertThatThrownBy(() -> Hashing.hmacSha256Hex(new byte[0], "x")).isInstanceOf(IllegalArgumentException.class);
  }
}

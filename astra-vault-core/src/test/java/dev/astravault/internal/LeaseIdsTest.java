package dev.astravault.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeaseIdsTest {
  private final LeaseIds ids = new LeaseIds();

  @Test
  void idsKeepTheirVaultShapeAndAreUnique() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = ids.next("org-1", "reader");
      assertThat(id).matches("astra/org-1/reader/[A-Za-z0-9]{24}");
      assertThat(seen.add(id)).isTrue();
    }
  }

  @Test
  void threadsSharingTheRandomBufferNeverGetTheSameId() throws Exception {
    Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < 5_000; i++) {
            assertThat(seen.add(ids.next("org-1", "reader"))).isTrue();
          }
        }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(seen).hasSize(20_000);
  }

  @Test
  void everyLetterIsEquallyLikely() {
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    int[] counts = new int[62];
    int draws = 0;
    for (int i = 0; i < 20_000; i++) {
      for (char c : ids.suffix().toCharArray()) {
        counts[alphabet.indexOf(c)]++;
        draws++;
      }
    }
    // Chi-squared with 61 degrees of freedom: 120 is far beyond p = 0.0001 (about 105); a modulo bias
    // (256 % 62 = 8 letters 25 % more likely) scores in the thousands.
    double expected = draws / 62.0;
    double chi2 = 0;
    for (int n : counts) {
      chi2 += (n - expected) * (n - expected) / expected;
    }
    assertThat(chi2).isLessThan(120);
  }

  @Test
  void neighbouringLettersAreIndependent() {
    // Letters share random bytes (six bits each): a slip in the bit bookkeeping (bits reused, or one letter's bits
    // leaking into the next) shows as pairs of neighbours that are more likely than others.
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    int[] counts = new int[62 * 62];
    int draws = 0;
    for (int i = 0; i < 20_000; i++) {
      String s = ids.suffix();
      for (int j = 1; j < s.length(); j++) {
        counts[alphabet.indexOf(s.charAt(j - 1)) * 62 + alphabet.indexOf(s.charAt(j))]++;
        draws++;
      }
    }
    // Chi-squared with 3,843 degrees of freedom (mean 3,843, standard deviation about 88): 4,300 is over five.
    double expected = draws / (62.0 * 62.0);
    double chi2 = 0;
    for (int n : counts) {
      chi2 += (n - expected) * (n - expected) / expected;
    }
    assertThat(chi2).isLessThan(4_300);
  }
}

package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The startup failure's action is shown as its description is (the failure analyzer prints both), so a token that
 * reached it (a path or value configured in the wrong property, quoted back in the advice) is masked as well.
 */
class AstraVaultStartupExceptionTest {
  private static final String TOKEN = "AstraCS:ZenclKrBpOoLhQxXnAnKaThR:" + "ab".repeat(32);

  @Test
  void aTokenInTheActionIsMaskedAsInTheDescription() {
    AstraVaultStartupException e = new AstraVaultStartupException("astra.vault.vault.ca-file: " + TOKEN + " is bad",
        "Keep " + TOKEN + " writable only by root, or point astra.vault.vault.ca-file at a file that is.", null);
    assertThat(e.getMessage()).doesNotContain("ab".repeat(32)).contains("astra.vault.vault.ca-file");
    assertThat(e.action()).doesNotContain("ab".repeat(32)).startsWith("Keep AstraCS:")
        .endsWith("point astra.vault.vault.ca-file at a file that is.");
  }
}

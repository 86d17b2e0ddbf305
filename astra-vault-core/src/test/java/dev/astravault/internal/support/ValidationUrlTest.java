package dev.astravault.internal.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** A URL that does not parse is refused by its reason, never by quoting it: it may hold a password or be a token. */
class ValidationUrlTest {
  private static final String ROOT = "AstraCS:ZenclKrBpOoLhQxXnAnKaThR:" + "ab".repeat(32);

  @Test
  void aUrlThatParsesComesBackAsTheUri() {
    assertThat(Validation.parseUrl("url", "https://api.astra.datastax.com"))
        .isEqualTo(URI.create("https://api.astra.datastax.com"));
  }

  @Test
  void aUrlThatDoesNotParseIsNamedWithoutQuotingIt() {
    for (String text : new String[] {"https://user:p%zzass@host", "https://ops:hunter 2@host", ROOT + "\n",
        "http://[" + ROOT}) {
      assertThatThrownBy(() -> Validation.parseUrl("ASTRA_DEVOPS_URL", text)).as(text)
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ASTRA_DEVOPS_URL is not a URL: ")
          .hasMessageContaining(" at index ").hasMessageNotContaining("hunter").hasMessageNotContaining("zzass")
          .hasMessageNotContaining("ab".repeat(32)).hasNoCause();
    }
  }
}

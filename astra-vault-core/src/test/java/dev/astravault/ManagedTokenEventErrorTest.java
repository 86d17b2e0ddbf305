package dev.astravault;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * An application that logs a {@link ManagedTokenEvent.Error} logs its {@code toString}: the cause's message is shown
 * only when it is the library's (masked), as the library's own log line does; any other exception by its class.
 */
class ManagedTokenEventErrorTest {
  private static final String SECRET = "hunter2-" + "q".repeat(20);
  private static final String TOKEN = "AstraCS:ZenclKrBpOoLhQxXnAnKaThR:" + "ab".repeat(32);

  private static ManagedTokenEvent.Error error(Throwable cause) {
    return new ManagedTokenEvent.Error(Instant.EPOCH, "astra/org/reader/abc", 3, ManagedTokenEvent.Stage.RENEW,
        cause, 2, Instant.EPOCH.plusSeconds(30));
  }

  @Test
  void anotherExceptionsMessageIsNotShown() {
    String text = error(new IllegalStateException("jdbc:postgresql://db/av?password=" + SECRET + " " + TOKEN))
        .toString();
    assertThat(text).contains("java.lang.IllegalStateException").doesNotContain(SECRET).doesNotContain("ab".repeat(32))
        .contains("leaseId=astra/org/reader/abc").contains("stage=RENEW").contains("attempt=2")
        .contains("retryAtOrNull=1970-01-01T00:00:30Z");
  }

  @Test
  void theLibrarysOwnMessageIsShownMasked() {
    String text = error(new AstraUnavailableException("renewing failed: Astra answered " + TOKEN, null)).toString();
    assertThat(text).contains("dev.astravault.AstraUnavailableException: renewing failed: Astra answered AstraCS:")
        .doesNotContain("ab".repeat(32));
  }
}

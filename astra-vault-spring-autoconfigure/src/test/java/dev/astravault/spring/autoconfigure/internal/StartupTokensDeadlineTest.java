package dev.astravault.spring.autoconfigure.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.astravault.AstraUnavailableException;
import dev.astravault.ManagedToken;
import dev.astravault.RenewalSettings;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.spring.autoconfigure.AstraVaultStartupException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * {@code astra.vault.startup-timeout} against attempts that themselves take time: the time is driven by hand (each
 * attempt and each wait moves it on), so the deadline falls inside an attempt without anything sleeping. The timeout
 * bounds the whole startup, the last attempt included: startup never waits for an attempt past it.
 */
class StartupTokensDeadlineTest {
  private final ManualSleeper time = new ManualSleeper();
  private final TokenRequest request = TokenRequest.forRole("reader").org("prod").logicalName("orders").build();
  private final RenewalSettings settings = RenewalSettings.builder().startupAttempts(1).build();
  private final List<String> tokenCalls = new CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final ManagedToken issued = (ManagedToken) Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {ManagedToken.class}, (proxy, method, args) -> {
        tokenCalls.add(method.getName());
        if (method.getName().equals("close")) {
          closed.countDown();
        }
        return null;
      });
  private int attempts;

  /** A manager whose {@code manage} takes 50s of manual time, then does what {@code attempt} (1-based) says. */
  private TokenManager manager(IntFunction<ManagedToken> attempt) {
    return manager(Duration.ofSeconds(50), attempt);
  }

  private TokenManager manager(Duration takes, IntFunction<ManagedToken> attempt) {
    return (TokenManager) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {TokenManager.class},
        (proxy, method, args) -> {
          assertThat(method.getName()).isEqualTo("manage");
          attempts++;
          time.nanos += takes.toNanos();
          return attempt.apply(attempts);
        });
  }

  /** A manager whose {@code manage} answers the token once {@code answer} is counted down, and takes no time. */
  private TokenManager answersWhen(CountDownLatch answer) {
    return manager(Duration.ZERO, n -> {
      try {
        answer.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return issued;
    });
  }

  private static ManagedToken unavailable() {
    throw new AstraUnavailableException("Astra did not answer", null);
  }

  @Test
  void noAttemptStartsOnceTheDeadlineHasPassedInsideOne() {
    // 0-50s fails, wait 1s, 51-101s fails, wait 2s, 103-153s fails: 153s is past 2m, so no fourth attempt.
    TokenManager manager = manager(n -> unavailable());
    assertThatThrownBy(() -> StartupTokens.obtain(manager, request, settings, 10, Duration.ofSeconds(1),
        Duration.ofMinutes(2), time))
        .isInstanceOf(AstraVaultStartupException.class)
        .hasMessageContaining("astra.vault.startup-timeout (PT2M)").hasMessageContaining("3 attempts")
        .hasCauseInstanceOf(AstraUnavailableException.class)
        .satisfies(e -> assertThat(((AstraVaultStartupException) e).action())
            .contains("astra.vault.startup-timeout", "call-timeout"));
    assertThat(attempts).isEqualTo(3);
    assertThat(time.waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  @Test
  void aWaitThatWouldEndPastTheDeadlineIsNotSleptAndNoAttemptFollows() {
    // 0-50s fails; waiting 80s would start the next attempt at 130s, past 2m: give up at 50s.
    TokenManager manager = manager(n -> unavailable());
    assertThatThrownBy(() -> StartupTokens.obtain(manager, request, settings, 10, Duration.ofSeconds(80),
        Duration.ofMinutes(2), time)).hasMessageContaining("astra.vault.startup-timeout");
    assertThat(attempts).isEqualTo(1);
    assertThat(time.waits).isEmpty();
  }

  /**
   * The third attempt starts at 103s, before the deadline, and succeeds at 153s, after it: startup failed at the
   * deadline, so that token is closed (revoked) when it comes, not leaked. Before, startup waited for it and took it,
   * 33s past the timeout.
   */
  @Test
  void aTokenThatComesAfterTheDeadlineIsClosedAndStartupFails() {
    TokenManager manager = manager(n -> n < 3 ? unavailable() : issued);
    assertThatThrownBy(() -> StartupTokens.obtain(manager, request, settings, 10, Duration.ofSeconds(1),
        Duration.ofMinutes(2), time))
        .isInstanceOf(AstraVaultStartupException.class)
        .hasMessageContaining("astra.vault.startup-timeout (PT2M): 3 attempts, the last still under way when it passed")
        .hasCauseInstanceOf(AstraUnavailableException.class);
    assertThat(attempts).isEqualTo(3);
    assertThat(tokenCalls).containsExactly("close");
  }

  /**
   * An attempt that does not answer (Astra or Vault silent until the call timeouts) is waited for until the deadline
   * and no longer: startup fails exactly at it. The attempt goes on; a token it still gets is closed.
   */
  @Test
  void theWaitForAnAttemptEndsAtTheDeadline() throws Exception {
    time.threads = true;
    CountDownLatch answer = new CountDownLatch(1);
    TokenManager manager = answersWhen(answer);
    long start = time.nanos;
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> StartupTokens.obtain(manager,
        request, settings, 10, Duration.ofSeconds(1), Duration.ofMinutes(2), time))
        .isInstanceOf(AstraVaultStartupException.class)
        .hasMessageContaining("astra.vault.startup-timeout (PT2M): 1 attempt, the last still under way when it passed")
        .hasNoCause()
        .satisfies(e -> assertThat(((AstraVaultStartupException) e).action()).contains("did not answer in time")));
    assertThat(time.nanos - start).isEqualTo(Duration.ofMinutes(2).toNanos());
    assertThat(tokenCalls).isEmpty();
    answer.countDown();
    assertThat(closed.await(30, TimeUnit.SECONDS)).as("the late token is closed").isTrue();
    assertThat(tokenCalls).containsExactly("close");
  }

  /**
   * The startup thread interrupted while it waits for an attempt (a container shutting down): startup fails at once,
   * naming the interrupt, keeps the thread's interrupt status, and the attempt's token, when it comes, is closed.
   */
  @Test
  void anInterruptEndsTheWaitAndTheLateTokenIsClosed() throws Exception {
    // The real waits (System.nanoTime, a daemon thread, Future.get with a timeout); no retry is expected.
    StartupTokens.Sleeper realWait = d -> {
      throw new AssertionError("no retry wait expected, asked for " + d);
    };
    CountDownLatch answer = new CountDownLatch(1);
    TokenManager manager = answersWhen(answer);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    Thread startup = new Thread(() -> {
      Thread.currentThread().interrupt();
      try {
        StartupTokens.obtain(manager, request, settings, 10, Duration.ofSeconds(1), Duration.ofMinutes(2), realWait);
      } catch (Throwable t) {
        thrown.set(t);
      }
      stillInterrupted.set(Thread.currentThread().isInterrupted());
    });
    startup.start();
    startup.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(startup.isAlive()).as("startup stopped waiting").isFalse();
    assertThat(thrown.get()).isInstanceOf(AstraVaultStartupException.class)
        .hasMessageContaining("interrupted while obtaining the startup token")
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(stillInterrupted).as("the interrupt status is kept").isTrue();
    assertThat(tokenCalls).isEmpty();
    answer.countDown();
    assertThat(closed.await(30, TimeUnit.SECONDS)).as("the late token is closed").isTrue();
    assertThat(tokenCalls).containsExactly("close");
  }

  @Test
  void aHugeTimeoutDoesNotOverflow() {
    TokenManager manager = manager(n -> n < 2 ? unavailable() : issued);
    time.nanos = Long.MAX_VALUE - Duration.ofSeconds(30).toNanos();
    assertThat(StartupTokens.obtain(manager, request, settings, 1, Duration.ofSeconds(1),
        Duration.ofDays(365L * 1000), time)).isSameAs(issued);
  }
}

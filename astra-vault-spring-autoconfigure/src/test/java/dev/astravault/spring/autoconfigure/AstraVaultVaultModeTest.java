package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.ManagedToken;
import dev.astravault.spring.autoconfigure.internal.StartupTokens;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.vault.FakeVault;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code astra.vault.mode=vault}: the startup token comes from the Astra plugin in (Fake)Vault. */
class AstraVaultVaultModeTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  @RegisterExtension final FakeVault vault = FakeVault.create();

  private ApplicationContextRunner runner() {
    return FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.mode=vault",
        "astra.vault.vault.uri=" + vault.address(), "astra.vault.vault.token=" + vault.rootToken());
  }

  @Test
  void theStartupTokenIsIssuedThroughVaultAndRevokedAtShutdown() {
    runner().run(context -> {
      assertThat(context).hasNotFailed();
      ManagedToken token = context.getBean(ManagedToken.class);
      assertThat(astra.isLive(token.current())).isTrue();
      assertThat(vault.leases()).isNotEmpty();
      assertThat(context.getBean(AstraVaultProperties.class).toString()).doesNotContain(vault.rootToken());
    });
    assertThat(astra.liveTokens()).isEmpty();
  }

  @Test
  void aVaultSealedWhenTheStartupTokenIsIssuedIsRetriedLikeAnUnavailableAstra() {
    List<Duration> waits = new CopyOnWriteArrayList<>();
    // Sealed after the manager is built (the customizers run just before the issue), unsealed during the first wait.
    runner().withPropertyValues("astra.vault.startup-retries=2", "astra.vault.startup-backoff=1s")
        .withBean(StartupTokenCustomizer.class, () -> (request, renewal) -> vault.seal())
        .withBean(StartupTokens.Sleeper.class, () -> wait -> {
          waits.add(wait);
          vault.unseal();
        })
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(astra.isLive(context.getBean(ManagedToken.class).current())).isTrue();
        });
    assertThat(waits).containsExactly(Duration.ofSeconds(1));
  }

  @Test
  void aVaultThatStaysSealedFailsStartupAfterTheRetriesSayingSo() {
    List<Duration> waits = new CopyOnWriteArrayList<>();
    runner().withPropertyValues("astra.vault.startup-retries=1")
        .withBean(StartupTokenCustomizer.class, () -> (request, renewal) -> vault.seal())
        .withBean(StartupTokens.Sleeper.class, () -> waits::add)
        .run(context -> {
          FailureAnalysis a = FakeAstraContext.analysis(context, astra);
          assertThat(a.getDescription()).contains("after 2 attempts", "sealed").doesNotContain(vault.rootToken());
          assertThat(a.getAction()).contains("unseal", "astra.vault.startup-retries")
              .doesNotContain(vault.rootToken());
        });
    assertThat(waits).hasSize(1);
    assertThat(astra.liveTokens()).isEmpty();
  }

  @Test
  void aVaultSealedWhileTheManagerIsBuiltIsExplained() {
    vault.seal();
    runner().run(context -> {
      FailureAnalysis a = FakeAstraContext.analysis(context, astra);
      assertThat(a.getDescription()).contains("sealed").doesNotContain(vault.rootToken());
      assertThat(a.getAction()).contains("unseal", "astra.vault.vault.uri").doesNotContain(vault.rootToken());
    });
  }
}

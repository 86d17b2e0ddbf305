package dev.astravault.internal.astra;

import static dev.astravault.internal.astra.Fixtures.ROOT_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AstraClientSettingsTest {

  @Test
  void defaults() {
    AstraClientSettings settings = AstraClientSettings.builder().rootToken(ROOT_TOKEN).build();

    assertThat(settings.baseUrl().toString()).isEqualTo("https://api.astra.datastax.com/");
    assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.callTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.retryPolicy()).isEqualTo(RetryPolicy.defaults());
    assertThat(settings.userAgent()).isEqualTo(AstraClientSettings.defaultUserAgent());
    assertThat(settings.httpClient())
        .isSameAs(AstraClientSettings.builder().rootToken(ROOT_TOKEN).build().httpClient());
    assertThat(settings.random().nextLong(10)).isBetween(0L, 9L);
  }

  @Test
  void trimsTheRootTokenAndNeverPrintsIt() {
    AstraClientSettings settings = AstraClientSettings.builder().rootToken("  " + ROOT_TOKEN + "\n").build();

    assertThat(settings.rootToken()).isEqualTo(ROOT_TOKEN);
    assertThat(settings.toString()).doesNotContain(ROOT_TOKEN).contains("rootToken=██");
    assertThat(settings.withRootToken(Fixtures.OTHER_ROOT_TOKEN).rootToken()).isEqualTo(Fixtures.OTHER_ROOT_TOKEN);
  }

  @Test
  void rejectsUnusableRootTokensWithoutEchoingThem() {
    assertThatThrownBy(() -> AstraClientSettings.builder().rootToken(" \t "))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("rootToken is blank");
    assertThatThrownBy(() -> AstraClientSettings.builder().rootToken("AstraCS:abc def:secretpart"))
        .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("secretpart");
    assertThatThrownBy(() -> AstraClientSettings.builder().rootToken("AstraCS:é"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AstraClientSettings.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("rootToken");
  }

  @Test
  void normalizesBaseUrls() {
    assertThat(base("https://api.astra.datastax.com")).isEqualTo("https://api.astra.datastax.com/");
    assertThat(base("https://api.astra.datastax.com/")).isEqualTo("https://api.astra.datastax.com/");
    assertThat(base("https://api.astra.datastax.com/v2")).isEqualTo("https://api.astra.datastax.com/");
    assertThat(base("https://api.dev.cloud.datastax.com/v2/")).isEqualTo("https://api.dev.cloud.datastax.com/");
    assertThat(base("http://gw:8080/astra")).isEqualTo("http://gw:8080/astra/");
    assertThat(AstraClientSettings.builder().baseUrl(URI.create("https://x.example/")).rootToken(ROOT_TOKEN)
        .build().baseUrl().toString()).isEqualTo("https://x.example/");
  }

  @Test
  void rejectsBadBaseUrls() {
    assertThatThrownBy(() -> base("ftp://x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> base("https://x/?q=1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> base("https://user:hunter2@x/"))
        .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("hunter2");
  }

  @Test
  void settersFailFast() {
    AstraClientSettings.Builder builder = AstraClientSettings.builder().rootToken(ROOT_TOKEN);

    assertThatThrownBy(() -> builder.rootToken(ROOT_TOKEN)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> builder.callTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.connectTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.userAgentPrefix(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.userAgentPrefix("bad\nheader")).isInstanceOf(IllegalArgumentException.class);
    builder.callTimeout(Duration.ofSeconds(5));
    assertThatThrownBy(() -> builder.callTimeout(Duration.ofSeconds(6))).isInstanceOf(IllegalStateException.class);
    assertThat(builder.build().callTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  private static String base(String url) {
    return AstraClientSettings.builder().baseUrl(url).rootToken(ROOT_TOKEN).build().baseUrl().toString();
  }
}

package dev.astravault.examples.springboot;

import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeDataApi;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * Profile {@code fake}: a local stand-in of a database's Data API that accepts only tokens live in the embedded
 * FakeAstra. It is started before the context ({@link SpringBootServiceApplication#main}) so that
 * {@code astra.vault.data-api.endpoint} can name it, exactly as a real endpoint would be configured; it checks tokens
 * against the context's FakeAstra once that exists.
 */
@Configuration(proxyBeanMethods = false)
@Profile("fake")
public class EmbeddedFakeDataApi {
  private static final AtomicReference<FakeAstra> ASTRA = new AtomicReference<>();

  /**
   * Starts the stand-in; tokens are live when the context's FakeAstra says so.
   *
   * @return the started stand-in; its {@code endpoint()} is the Data API endpoint
   */
  public static FakeDataApi start() {
    return FakeDataApi.start(token -> {
      FakeAstra astra = ASTRA.get();
      return astra != null && astra.isLive(token);
    });
  }

  @Bean
  InitializingBean fakeDataApiChecksTokensAgainstFakeAstra(FakeAstra fakeAstra) {
    return () -> ASTRA.set(fakeAstra);
  }
}

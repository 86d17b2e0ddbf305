package dev.astravault.examples.springboot;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small web service whose only Astra configuration is {@code application.yml}: the starter obtains a short-lived
 * token at startup, keeps it fresh, reports it in {@code /actuator/health} and {@code /actuator/astratokens}, feeds
 * Boot's {@code CqlSession} and the Data API {@code Database} ({@code POST /orders}, {@code GET /orders/count}), and
 * revokes it at shutdown.
 *
 * <p>Without {@code ASTRA_ORG_TOKEN} it runs against an embedded FakeAstra (profile {@code fake}); with the
 * quickstart's variables ({@code ASTRA_ORG_TOKEN}, optional {@code ASTRA_DEVOPS_URL} and {@code ASTRA_ROLE}) it runs
 * against that org (profile {@code astra}).
 */
@SpringBootApplication
public class SpringBootServiceApplication {

  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(SpringBootServiceApplication.class);
    String profile = profile(System.getenv("ASTRA_ORG_TOKEN"));
    app.setAdditionalProfiles(profile);
    if (profile.equals("fake")) {
      // The Data API path against a local stand-in; with a real org, set ASTRA_VAULT_DATA_API_ENDPOINT instead.
      app.setDefaultProperties(Map.of("astra.vault.data-api.endpoint", EmbeddedFakeDataApi.start().endpoint()));
    }
    app.run(args);
  }

  /** {@code astra} when a root token is in the environment, else {@code fake}. */
  static String profile(String rootToken) {
    return rootToken == null || rootToken.isBlank() ? "fake" : "astra";
  }
}

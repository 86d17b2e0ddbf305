package dev.astravault.spring.autoconfigure;

import com.datastax.astra.client.core.options.DataAPIClientOptions;
import com.datastax.astra.client.databases.Database;
import com.datastax.astra.client.databases.DatabaseOptions;
import dev.astravault.ManagedToken;
import dev.astravault.dataapi.RotatingDataApi;
import dev.astravault.internal.support.Validation;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * A Data API {@link Database} (DataStax's {@code astra-db-java}) when {@code astra.vault.data-api.endpoint} is set:
 * every command of the database and of its collections and tables sends the startup token current at that moment
 * ({@link RotatingDataApi}), so rotations need no rebuild. No {@code DataAPIClient} bean: that client holds a fixed
 * token string.
 */
@AutoConfiguration(after = AstraVaultAutoConfiguration.class)
@ConditionalOnClass(name = "com.datastax.astra.client.databases.Database")
@ConditionalOnProperty(prefix = "astra.vault.data-api", name = "endpoint")
@ConditionalOnBean(ManagedToken.class)
public class AstraVaultDataApiAutoConfiguration {

  /**
   * The database at {@code astra.vault.data-api.endpoint}, keyspace {@code astra.vault.data-api.keyspace}.
   *
   * @param token the startup token
   * @param properties the {@code astra.vault.*} properties
   * @return the database
   */
  @Bean
  @ConditionalOnMissingBean
  public Database astraDataApiDatabase(ManagedToken token, AstraVaultProperties properties) {
    AstraVaultProperties.DataApi d = properties.getDataApi();
    DatabaseOptions options = new DatabaseOptions(null, new DataAPIClientOptions()).keyspace(d.getKeyspace());
    try {
      String endpoint = String.valueOf(d.getEndpoint());
      if (!endpoint.isBlank()) {
        // Checked now, not at the first command; user info or a query would be sent and shown wherever the client
        // prints its URL, so they are refused without being quoted.
        Validation.requireHttpUrl("astra.vault.data-api.endpoint", Validation.parseUrl("astra.vault.data-api.endpoint",
            endpoint));
      }
      return RotatingDataApi.database(token::current, endpoint, options);
    } catch (IllegalArgumentException e) {
      throw new AstraVaultStartupException("astra.vault.data-api: " + e.getMessage(),
          "Set astra.vault.data-api.endpoint to the database's Data API endpoint "
              + "(https://<db-id>-<region>.apps.astra.datastax.com) and astra.vault.data-api.keyspace.", e);
    }
  }
}

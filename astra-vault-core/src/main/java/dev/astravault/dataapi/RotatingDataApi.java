package dev.astravault.dataapi;

import com.datastax.astra.client.core.options.DataAPIClientOptions;
import com.datastax.astra.client.databases.Database;
import com.datastax.astra.client.databases.DatabaseOptions;
import dev.astravault.ManagedToken;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Data API databases whose every command sends the token current at that moment: the database's own commands, and
 * those of every collection and table obtained from it ({@code getCollection}, {@code createCollection},
 * {@code getTable}, {@code createTable}). A rotation needs no rebuild and no event listener.
 *
 * <pre>{@code
 * Database db = RotatingDataApi.database(managedToken, "https://<db-id>-<region>.apps.astra.datastax.com");
 * Collection<Document> orders = db.getCollection("orders");   // keep it: each call reads the current token
 * }</pre>
 *
 * <p>The Data API client 2.1 reads its token from the options at each command; this class hands it options whose
 * token is read from the {@link ManagedToken} (one volatile read). Collections and tables of such a database always
 * use the managed token, even when given options that carry another one. A {@code DataAPIClient} keeps a fixed token
 * string, so it is not part of this: its admin operations need a token of their own.
 */
public final class RotatingDataApi {
  private RotatingDataApi() {}

  /**
   * A database at {@code apiEndpoint}, keyspace {@code default_keyspace}, with the client's default options.
   *
   * @param token the managed token whose current value each command sends
   * @param apiEndpoint the database's Data API endpoint, e.g. {@code https://<db-id>-<region>.apps.astra.datastax.com}
   * @return the database
   */
  public static Database database(ManagedToken token, String apiEndpoint) {
    Objects.requireNonNull(token, "token");
    return database(token::current, apiEndpoint, new DatabaseOptions(null, new DataAPIClientOptions()));
  }

  /**
   * A database at {@code apiEndpoint} with {@code options} (keyspace, client options, serializer); the token in
   * {@code options}, if any, is ignored.
   *
   * @param currentToken where each command reads its token, e.g. {@code managedToken::current}; never log it
   * @param apiEndpoint the database's Data API endpoint
   * @param options the database options to start from (not changed)
   * @return the database
   */
  public static Database database(Supplier<String> currentToken, String apiEndpoint, DatabaseOptions options) {
    Objects.requireNonNull(currentToken, "currentToken");
    Objects.requireNonNull(options, "options");
    if (apiEndpoint == null || apiEndpoint.isBlank()) {
      throw new IllegalArgumentException("apiEndpoint must not be blank");
    }
    return new RotatingDatabase(apiEndpoint, new RotatingOptions.ForDatabase(currentToken, options));
  }
}

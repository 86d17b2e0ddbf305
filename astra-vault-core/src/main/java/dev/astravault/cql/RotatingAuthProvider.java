package dev.astravault.cql;

import com.datastax.oss.driver.api.core.auth.PlainTextAuthProviderBase;
import com.datastax.oss.driver.api.core.metadata.EndPoint;
import dev.astravault.ManagedToken;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Authenticates every new CQL connection with the current token of a {@link ManagedToken} (username
 * {@code "token"}, the {@code AstraCS:...} token as password, as Astra expects).
 *
 * <pre>{@code
 * CqlSession session = CqlSession.builder()
 *     .withCloudSecureConnectBundle(Paths.get("secure-connect-db.zip"))
 *     .withAuthProvider(new RotatingAuthProvider(managedToken))
 *     .build();
 * }</pre>
 *
 * <p>The driver calls {@link #getCredentials} each time it opens a connection, and the native protocol authenticates
 * a connection only once. So a rotation reaches new connections at once, while connections opened with the old
 * token keep working until it is revoked at the end of the rotation overlap; size the overlap to cover how long you
 * let connections live (or cycle the session on the {@code Rotated} event).
 */
public final class RotatingAuthProvider extends PlainTextAuthProviderBase {
  /** The username Astra expects with an application token. */
  public static final String USERNAME = "token";

  private final Supplier<String> token;

  /**
   * Hands out {@code managed.current()} on every new connection.
   *
   * @param managed the managed token
   */
  public RotatingAuthProvider(ManagedToken managed) {
    this((Supplier<String>) Objects.requireNonNull(managed, "managed"));
  }

  /**
   * Hands out {@code token.get()} on every new connection.
   *
   * @param token supplies the current token
   */
  public RotatingAuthProvider(Supplier<String> token) {
    super("astra-vault");
    this.token = Objects.requireNonNull(token, "token");
  }

  @Override
  protected Credentials getCredentials(EndPoint endPoint, String serverAuthenticator) {
    return new Credentials(USERNAME.toCharArray(), token.get().toCharArray());
  }

  @Override
  public String toString() {
    return "RotatingAuthProvider[username=" + USERNAME + ", password=██]";
  }
}

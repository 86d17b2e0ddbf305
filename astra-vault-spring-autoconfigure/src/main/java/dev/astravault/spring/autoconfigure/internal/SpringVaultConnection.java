package dev.astravault.spring.autoconfigure.internal;

import dev.astravault.AstraVaultException;
import dev.astravault.internal.support.Validation;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import java.net.URI;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;
import org.springframework.vault.authentication.SessionManager;
import org.springframework.vault.client.VaultEndpoint;
import org.springframework.vault.client.VaultEndpointProvider;

/**
 * Spring Vault's session as a {@link SharedVaultConnection}: the {@link SessionManager}'s token (logged in and renewed
 * by Spring Vault) asked at every call; the address of the {@link VaultEndpointProvider} bean, else of
 * {@code spring.cloud.vault.uri} (or its scheme, host and port); the namespace of {@code spring.cloud.vault.namespace};
 * the trust store and key store of {@code spring.cloud.vault.ssl.*} ({@link SpringVaultTls}).
 * Loaded only when Spring Vault is on the class path.
 */
public final class SpringVaultConnection implements SharedVaultConnection {
  private final ObjectProvider<SessionManager> sessions;
  private final ObjectProvider<VaultEndpointProvider> endpoints;
  private final Environment environment;

  public SpringVaultConnection(ObjectProvider<SessionManager> sessions, ObjectProvider<VaultEndpointProvider> endpoints,
      Environment environment) {
    this.sessions = sessions;
    this.endpoints = endpoints;
    this.environment = environment;
  }

  @Override
  public VaultConfig.@Nullable Builder builder() {
    SessionManager session = sessions.getIfUnique();
    if (session == null) {
      return null;
    }
    VaultConfig.Builder b = VaultConfig.builder(address()).auth(VaultAuth.tokenSource(() -> token(session)));
    String namespace = environment.getProperty("spring.cloud.vault.namespace");
    if (StringUtils.hasText(namespace)) {
      b.namespace(namespace);
    }
    SSLContext tls = SpringVaultTls.sslContext(environment);
    if (tls != null) {
      b.sslContext(tls);
    }
    return b;
  }

  private static String token(SessionManager session) {
    try {
      return session.getSessionToken().getToken();
    } catch (RuntimeException e) {
      // Spring Vault's login failed; its message may quote a response body, so only the type travels.
      throw new AstraVaultException("Spring Vault's SessionManager gave no Vault token ("
          + e.getClass().getName() + "); check spring.cloud.vault.authentication and its credentials");
    }
  }

  private URI address() {
    VaultEndpointProvider provider = endpoints.getIfUnique();
    if (provider != null) {
      VaultEndpoint e = provider.getVaultEndpoint();
      return URI.create(e.getScheme() + "://" + e.getHost() + ":" + e.getPort());
    }
    // Validation.parseUrl, not URI.create: the latter's error quotes the text, and a URI may carry a password.
    String uri = environment.getProperty("spring.cloud.vault.uri");
    if (StringUtils.hasText(uri)) {
      return Validation.parseUrl("spring.cloud.vault.uri", uri);
    }
    return Validation.parseUrl("spring.cloud.vault.scheme, host and port",
        environment.getProperty("spring.cloud.vault.scheme", "https") + "://"
            + environment.getProperty("spring.cloud.vault.host", "localhost") + ":"
            + environment.getProperty("spring.cloud.vault.port", "8200"));
  }
}

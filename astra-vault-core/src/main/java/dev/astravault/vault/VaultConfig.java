package dev.astravault.vault;

import dev.astravault.internal.files.FileModes;
import dev.astravault.internal.files.PathTrust;
import dev.astravault.internal.support.Validation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Where Vault is and how to talk to it: the address, the Astra plugin's mount (default {@code astra}), the caller
 * mode of the orgs this manager configures, the namespace (Vault Enterprise), TLS (a PEM CA, and a client certificate
 * for mutual TLS), timeouts and the {@link VaultAuth}. Immutable; the builder fails fast naming the field.
 *
 * <pre>{@code
 * VaultConfig vault = VaultConfig.builder(URI.create("https://vault:8200"))
 *     .auth(VaultAuth.appRole(roleId, secretId)).caPem(Path.of("/etc/vault/ca.pem")).build();
 * }</pre>
 */
public final class VaultConfig {
  /** The default cap on one Vault response body, as on the Astra side: 8 MiB. */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 8L * 1024 * 1024;

  private final URI address;
  private final String mount;
  private final CallerMode callerMode;
  private final @Nullable String namespace;
  private final VaultAuth auth;
  private final @Nullable String caPem;
  private final @Nullable String clientCertPem;
  private final @Nullable String clientKeyPem;
  private final @Nullable SSLContext sslContext;
  private final Duration openTimeout;
  private final Duration readTimeout;
  private final long maxResponseBytes;
  private final boolean verifyTokenOrg;

  private VaultConfig(Builder b) {
    this.address = b.address;
    this.mount = b.mount;
    this.callerMode = b.callerMode;
    this.namespace = b.namespace;
    this.auth = Objects.requireNonNull(b.auth, "auth (VaultAuth.token/appRole/kubernetes) is required");
    this.caPem = b.caPem;
    this.clientCertPem = b.clientCertPem;
    this.clientKeyPem = b.clientKeyPem;
    this.sslContext = b.sslContext;
    if (sslContext != null && (caPem != null || clientCertPem != null)) {
      throw new IllegalStateException("set either sslContext or caPem/clientCertificate, not both");
    }
    this.openTimeout = b.openTimeout;
    this.readTimeout = b.readTimeout;
    this.maxResponseBytes = b.maxResponseBytes;
    this.verifyTokenOrg = b.verifyTokenOrg;
  }

  /**
   * Starts a config for the Vault at {@code address}, e.g. {@code https://vault:8200}.
   *
   * @param address the http or https URL of Vault
   * @return a builder with every default
   */
  public static Builder builder(URI address) {
    return new Builder(address);
  }

  /**
   * A config with a token and every default.
   *
   * @param address the http or https URL of Vault
   * @param auth how to log in
   * @return the config
   */
  public static VaultConfig of(URI address, VaultAuth auth) {
    return builder(address).auth(auth).build();
  }

  /**
   * {@return the http or https URL of Vault}
   */
  public URI address() {
    return address;
  }

  /** {@return the Astra plugin's mount path, without slashes, e.g. {@code astra}} */
  public String mount() {
    return mount;
  }

  /**
   * {@return the caller mode of the orgs this manager configures}
   */
  public CallerMode callerMode() {
    return callerMode;
  }

  /**
   * {@return the Vault Enterprise namespace, if any}
   */
  public Optional<String> namespace() {
    return Optional.ofNullable(namespace);
  }

  /**
   * {@return how the library logs in to Vault}
   */
  public VaultAuth auth() {
    return auth;
  }

  /** {@return the PEM of the CA(s) that sign Vault's certificate; empty means the JVM's trust store} */
  public Optional<String> caPem() {
    return Optional.ofNullable(caPem);
  }

  /** {@return the client certificate PEM, for mutual TLS} */
  public Optional<String> clientCertPem() {
    return Optional.ofNullable(clientCertPem);
  }

  /** {@return the client key PEM (unencrypted PKCS#8), for mutual TLS. Never log it} */
  public Optional<String> clientKeyPem() {
    return Optional.ofNullable(clientKeyPem);
  }

  /** {@return the TLS context for Vault, when given instead of PEMs (trust and, for mutual TLS, key managers)} */
  public Optional<SSLContext> sslContext() {
    return Optional.ofNullable(sslContext);
  }

  /**
   * {@return the connect timeout}
   */
  public Duration openTimeout() {
    return openTimeout;
  }

  /**
   * {@return the bound of each whole exchange with Vault: sending, waiting, and reading the whole body}
   */
  public Duration readTimeout() {
    return readTimeout;
  }

  /** {@return the cap on one Vault response body, in bytes} */
  public long maxResponseBytes() {
    return maxResponseBytes;
  }

  /**
   * Whether each new token is checked with {@code GET <org url>/v2/currentOrg} (sent with that token) to belong to
   * the org it was asked for. Default true: plugin v2.0.0 may mint it in another org (its cross-org client cache).
   *
   * @return whether new tokens are checked to belong to their org
   */
  public boolean verifyTokenOrg() {
    return verifyTokenOrg;
  }

  /** {@return a builder holding this config's values, to derive a variant (another mount, other credentials)} */
  public Builder toBuilder() {
    Builder b = new Builder(address).mount(mount).callerMode(callerMode).auth(auth).openTimeout(openTimeout)
        .readTimeout(readTimeout).maxResponseBytes(maxResponseBytes).verifyTokenOrg(verifyTokenOrg);
    b.namespace = namespace;
    b.caPem = caPem;
    b.clientCertPem = clientCertPem;
    b.clientKeyPem = clientKeyPem;
    b.sslContext = sslContext;
    return b;
  }

  @Override
  public String toString() {
    return "VaultConfig[address=" + address + ", mount=" + mount + ", callerMode=" + callerMode
        + (namespace == null ? "" : ", namespace=" + namespace) + ", auth=" + auth
        + (caPem == null ? "" : ", caPem") + (clientCertPem == null ? "" : ", mTLS")
        + (sslContext == null ? "" : ", sslContext") + "]";
  }

  /** Builds a {@link VaultConfig}. */
  public static final class Builder {
    private final URI address;
    private String mount = "astra";
    private CallerMode callerMode = CallerMode.STANDARD;
    private @Nullable String namespace;
    private @Nullable VaultAuth auth;
    private @Nullable String caPem;
    private @Nullable String clientCertPem;
    private @Nullable String clientKeyPem;
    private @Nullable SSLContext sslContext;
    private Duration openTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(30);
    private long maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
    private boolean verifyTokenOrg = true;

    private Builder(URI address) {
      Objects.requireNonNull(address, "address");
      String scheme = address.getScheme();
      if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || address.getHost() == null) {
        throw new IllegalArgumentException("address must be an http(s) URL, was "
            + Validation.shownUrl(address));
      }
      // The address is printed (toString, errors): credentials there would be too.
      Validation.requireNoCredentials("address", address);
      String s = address.toString();
      this.address = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }

    /**
     * The Astra plugin's mount (default {@code astra}); surrounding slashes are ignored.
     *
     * @param mount the mount path
     * @return this builder
     */
    public Builder mount(String mount) {
      this.mount = Validation.vaultPath("mount", mount, "astra", false);
      return this;
    }

    /**
     * The Astra plugin's {@code caller_mode} for the orgs this manager configures.
     *
     * @param mode the caller mode
     * @return this builder
     */
    public Builder callerMode(CallerMode mode) {
      this.callerMode = Objects.requireNonNull(mode, "callerMode");
      return this;
    }

    /**
     * The Vault Enterprise namespace, sent as {@code X-Vault-Namespace} on every request, logins included.
     *
     * @param namespace the namespace
     * @return this builder
     */
    public Builder namespace(String namespace) {
      Objects.requireNonNull(namespace, "namespace");
      if (namespace.isBlank()) {
        throw new IllegalArgumentException("namespace must not be blank");
      }
      Validation.vaultPath("namespace", namespace, "admin/team-a", true);   // a header: no line break
      this.namespace = namespace;
      return this;
    }

    /**
     * How the library logs in to Vault.
     *
     * @param auth the login method
     * @return this builder
     */
    public Builder auth(VaultAuth auth) {
      this.auth = Objects.requireNonNull(auth, "auth");
      return this;
    }

    /**
     * Trusts the CA certificate(s) in this PEM text for Vault's TLS certificate.
     *
     * @param pem one or more PEM certificates
     * @return this builder
     */
    public Builder caPem(String pem) {
      this.caPem = requirePem("caPem", pem, "CERTIFICATE");
      return this;
    }

    /**
     * Trusts the CA certificate(s) in this PEM file; read now. Refused when another local user could replace it (a
     * directory on its way writable by all without the sticky bit, or another user's; or the file theirs): whoever
     * chooses the CA chooses which server is trusted as Vault. Readable by all is fine, a CA is public.
     *
     * @param file a file of PEM certificates
     * @return this builder
     * @throws IllegalArgumentException naming the file or directory another user could replace
     * @throws UncheckedIOException when it cannot be read
     */
    public Builder caPem(Path file) {
      return caPem(read("caPem", file, false));
    }

    /**
     * Mutual TLS: the client certificate and its unencrypted PKCS#8 key, both PEM text.
     *
     * @param certPem the client certificate
     * @param keyPem its key
     * @return this builder
     */
    public Builder clientCertificate(String certPem, String keyPem) {
      this.clientCertPem = requirePem("clientCertPem", certPem, "CERTIFICATE");
      this.clientKeyPem = requirePem("clientKeyPem", keyPem, "PRIVATE KEY");
      return this;
    }

    /**
     * Mutual TLS from PEM files; read now. Each is refused as {@link #caPem(Path)}'s when another local user could
     * replace it; a key file others can read is used with a warning (as a key file: Kubernetes mounts secrets 0644
     * unless told otherwise).
     *
     * @param certFile the client certificate PEM file
     * @param keyFile its key PEM file
     * @return this builder
     * @throws IllegalArgumentException naming the file or directory another user could replace
     * @throws UncheckedIOException when one cannot be read
     */
    public Builder clientCertificate(Path certFile, Path keyFile) {
      return clientCertificate(read("clientCertPem", certFile, false), read("clientKeyPem", keyFile, true));
    }

    /**
     * Vault's TLS from this context instead of PEMs: its trust managers check Vault's certificate and its key
     * managers, if any, present a client certificate (e.g. from a JKS or PKCS#12 trust store and key store). Setting
     * both this and {@link #caPem(String)} or {@link #clientCertificate(String, String)} fails {@link #build()}.
     *
     * @param context an initialised TLS context
     * @return this builder
     */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "sslContext");
      return this;
    }

    /**
     * The connect timeout (whole seconds, at least 1; default 5 s).
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder openTimeout(Duration timeout) {
      this.openTimeout = seconds("openTimeout", timeout);
      return this;
    }

    /**
     * Bounds each whole exchange with Vault, from sending the request to the last byte of the answer (whole seconds,
     * at least 1; default 30 s). Past it the call fails with {@link VaultUnavailableException} ({@code UNREACHABLE}).
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = seconds("readTimeout", timeout);
      return this;
    }

    /**
     * Caps one Vault response body (at least 1024; default {@value VaultConfig#DEFAULT_MAX_RESPONSE_BYTES}). A
     * larger body is cancelled as it arrives, not buffered, and the call fails with
     * {@link VaultResponseTooLargeException}. Raise it only if a list (of leases in a {@code VaultKvLeaseStore},
     * of tokens) outgrows it.
     *
     * @param maxResponseBytes the cap, in bytes
     * @return this builder
     */
    public Builder maxResponseBytes(long maxResponseBytes) {
      if (maxResponseBytes < 1024) {
        throw new IllegalArgumentException("maxResponseBytes must be at least 1024: " + maxResponseBytes);
      }
      this.maxResponseBytes = maxResponseBytes;
      return this;
    }

    /**
     * Checks each new token's org with Astra's {@code /v2/currentOrg} (default true). A token of another org is
     * revoked and reported as {@link dev.astravault.InvalidTokenResponseException}; so is a token whose org cannot
     * be checked. Turn it off only when the app cannot reach the org's DevOps API URL, and never with plugin v2.0.0
     * serving several orgs.
     *
     * @param verify whether to check
     * @return this builder
     */
    public Builder verifyTokenOrg(boolean verify) {
      this.verifyTokenOrg = verify;
      return this;
    }

    /**
     * Builds the config.
     *
     * @return the config
     */
    public VaultConfig build() {
      return new VaultConfig(this);
    }

    private static Duration seconds(String field, Duration d) {
      Objects.requireNonNull(d, field);
      if (d.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException(field + " must be at least 1 second (the driver counts seconds), was "
            + d);
      }
      // Compared, not converted: the HTTP client takes at most Integer.MAX_VALUE milliseconds, and toMillis overflows.
      if (d.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
        throw new IllegalArgumentException(field + " must be at most " + Duration.ofMillis(Integer.MAX_VALUE)
            + ", was " + d);
      }
      return d;
    }

    private static String requirePem(String field, String pem, String type) {
      Objects.requireNonNull(pem, field);
      if (!pem.contains("-----BEGIN ") || !pem.contains(type)) {
        throw new IllegalArgumentException(field + " must be PEM text holding a " + type);
      }
      return pem;
    }

    private static String read(String field, Path file, boolean secret) {
      Objects.requireNonNull(file, field);
      String content;
      try {
        content = PathTrust.read(file, field + " file", IllegalArgumentException::new);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + field + " file " + file, e);
      }
      if (secret) {
        FileModes.warnIfOpen(file, field + " file");
      }
      return content;
    }
  }
}

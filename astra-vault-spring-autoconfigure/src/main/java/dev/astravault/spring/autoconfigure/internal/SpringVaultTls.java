package dev.astravault.spring.autoconfigure.internal;

import dev.astravault.spring.autoconfigure.AstraVaultStartupException;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.Environment;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.util.StringUtils;

/**
 * Spring Cloud Vault's {@code spring.cloud.vault.ssl.*} as the TLS of the shared session's calls, so that a Vault
 * behind a private CA (or one that wants a client certificate) is reached as Spring Vault reaches it:
 * {@code trust-store} and {@code key-store} (a resource location, with {@code -password} and {@code -type}; the type
 * defaults to the JVM's, and a {@code PEM} trust store holds certificates) feed the TLS context.
 * {@code enabled-protocols} and {@code enabled-cipher-suites} are not applied, so a set one fails startup naming it
 * rather than being ignored. Passwords and store contents never reach a message.
 */
final class SpringVaultTls {
  static final String PREFIX = "spring.cloud.vault.ssl.";

  private SpringVaultTls() {}

  /** {@return the TLS context the properties describe, or null when neither store is set} */
  static @Nullable SSLContext sslContext(Environment env) {
    for (String unsupported : List.of("enabled-protocols", "enabled-cipher-suites")) {
      if (isSet(env, PREFIX + unsupported)) {
        throw new AstraVaultStartupException(PREFIX + unsupported + " is set, but astra-vault's calls over the Spring "
            + "Vault session cannot apply it", "Remove " + PREFIX + unsupported + ", or restrict TLS for the whole JVM "
            + "(jdk.tls.client.protocols, jdk.tls.client.cipherSuites), or give astra-vault its own connection "
            + "(astra.vault.vault.uri and its credentials).", null);
      }
    }
    String trust = env.getProperty(PREFIX + "trust-store");
    String key = env.getProperty(PREFIX + "key-store");
    if (!StringUtils.hasText(trust) && !StringUtils.hasText(key)) {
      return null;
    }
    try {
      TrustManager[] trustManagers = null;
      if (StringUtils.hasText(trust)) {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(env, "trust-store", trust, true));
        trustManagers = tmf.getTrustManagers();
      }
      KeyManager[] keyManagers = null;
      if (StringUtils.hasText(key)) {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(env, "key-store", key, false), password(env, "key-store"));
        keyManagers = kmf.getKeyManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, trustManagers, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new AstraVaultStartupException(PREFIX + "trust-store/key-store cannot make a TLS context ("
          + e.getClass().getSimpleName() + ")", "Check " + PREFIX + "key-store-password and the stores' contents.",
          null);
    }
  }

  private static boolean isSet(Environment env, String property) {
    return StringUtils.hasText(env.getProperty(property)) || StringUtils.hasText(env.getProperty(property + "[0]"));
  }

  private static char @Nullable [] password(Environment env, String store) {
    String p = env.getProperty(PREFIX + store + "-password");
    return p == null ? null : p.toCharArray();
  }

  private static KeyStore load(Environment env, String store, String location, boolean trust) {
    String property = PREFIX + store;
    String type = env.getProperty(property + "-type");
    Resource resource = new DefaultResourceLoader().getResource(location);
    try (InputStream in = resource.getInputStream()) {
      if ("PEM".equalsIgnoreCase(type)) {
        if (!trust) {
          throw new AstraVaultStartupException(property + "-type=PEM is not supported for the key store",
              "Use a PKCS12 or JKS key store, or give astra-vault the PEM files through "
                  + "astra.vault.vault.client-certificate-file and client-key-file.", null);
        }
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          ks.setCertificateEntry("ca-" + i++, c);
        }
        if (i == 0) {
          throw new GeneralSecurityException("no certificate");
        }
        return ks;
      }
      KeyStore ks = KeyStore.getInstance(StringUtils.hasText(type) ? type : KeyStore.getDefaultType());
      ks.load(in, password(env, store));
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      // Not e's message: a wrong password or a key file given here must not reach a log.
      throw new AstraVaultStartupException(property + " (" + location + ") cannot be read as a "
          + (StringUtils.hasText(type) ? type : KeyStore.getDefaultType()) + " store ("
          + e.getClass().getSimpleName() + ")", "Point " + property + " at the store (e.g. file:/etc/vault/"
          + (trust ? "truststore.p12" : "keystore.p12") + "), and check " + property + "-password and "
          + property + "-type.", null);
    }
  }
}

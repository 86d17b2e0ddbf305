package dev.astravault.vault;

import dev.astravault.internal.redact.Redaction;
import dev.astravault.internal.support.Validation;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How the library authenticates to Vault. A token is used as given; AppRole and Kubernetes log in, and log in again
 * when the Vault token expires or can no longer be renewed. The {@code toString()} of each variant never shows a
 * credential.
 */
public sealed interface VaultAuth
    permits VaultAuth.Token, VaultAuth.AppRole, VaultAuth.Kubernetes, VaultAuth.External {

  /**
   * A fixed Vault token. When it expires there is no way to log in again: prefer AppRole or Kubernetes.
   *
   * @param token the Vault token
   * @return the login method
   */
  static VaultAuth token(String token) {
    return new Token(token);
  }

  /**
   * AppRole at the default mount {@code approle}.
   *
   * @param roleId the role id
   * @param secretId the secret id
   * @return the login method
   */
  static VaultAuth appRole(String roleId, String secretId) {
    return appRole("approle", roleId, secretId);
  }

  /**
   * AppRole mounted at {@code auth/<mount>}.
   *
   * @param mount the auth mount; surrounding slashes are ignored
   * @param roleId the role id
   * @param secretId the secret id
   * @return the login method
   */
  static VaultAuth appRole(String mount, String roleId, String secretId) {
    return new AppRole(mount, roleId, secretId);
  }

  /**
   * Kubernetes at the default mount {@code kubernetes}; the service-account JWT is read from {@code jwtFile} at every
   * login, so a rotated token is picked up. A file another local user could replace (a directory on its way writable
   * by all without the sticky bit, or another user's; or the file theirs) fails the login, before it is read, with an
   * {@link dev.astravault.AstraVaultException}; the kubelet's linked layout passes.
   *
   * @param role the Vault role
   * @param jwtFile the service-account token file, e.g. {@link #SERVICE_ACCOUNT_TOKEN}
   * @return the login method
   * @throws IllegalArgumentException if {@code jwtFile} is a token rather than a path (the message does not quote it)
   */
  static VaultAuth kubernetes(String role, Path jwtFile) {
    return kubernetes("kubernetes", role, jwtFile);
  }

  /** The standard projected service-account token path of a pod. */
  Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  /**
   * Kubernetes mounted at {@code auth/<mount>}.
   *
   * @param mount the auth mount; surrounding slashes are ignored
   * @param role the Vault role
   * @param jwtFile the service-account token file
   * @return the login method
   * @throws IllegalArgumentException if {@code jwtFile} is a token rather than a path (the message does not quote it)
   */
  static VaultAuth kubernetes(String mount, String role, Path jwtFile) {
    return new Kubernetes(mount, role, jwtFile);
  }

  /**
   * A token the application manages: {@code source} is asked before every Vault call, and the library neither logs in
   * nor renews. Use it to share one Vault login with the rest of the application (Spring Vault's
   * {@code SessionManager}, whose token Spring Vault renews). When Vault refuses the token, the call is retried once
   * if the source has a different token by then.
   *
   * @param source where the current Vault token comes from
   * @return the login method
   */
  static VaultAuth tokenSource(VaultTokenSource source) {
    return new External(source);
  }

  /** A token managed outside the library, read from a {@link VaultTokenSource} at every call. */
  final class External implements VaultAuth {
    private final VaultTokenSource source;

    private External(VaultTokenSource source) {
      this.source = Objects.requireNonNull(source, "source");
    }

    /** {@return where the current Vault token comes from} */
    public VaultTokenSource source() {
      return source;
    }

    @Override
    public String toString() {
      return "VaultAuth.External[" + Redaction.MASK + "]";
    }
  }

  /** A fixed token. */
  final class Token implements VaultAuth {
    private final String token;

    private Token(String token) {
      this.token = requireText("token", token);
      for (int i = 0; i < token.length(); i++) {
        char c = token.charAt(i);
        if (c <= ' ' || c > '~') {
          // Sent as the X-Vault-Token header, where a line break would add headers; the JDK's refusal quotes it.
          throw new IllegalArgumentException("token must be printable ASCII without spaces, as Vault's tokens are; "
              + "character " + i + " is not (the token is not shown)");
        }
      }
    }

    /** {@return the Vault token. Never log it} */
    public String token() {
      return token;
    }

    @Override
    public String toString() {
      return "VaultAuth.Token[" + Redaction.MASK + "]";
    }
  }

  /** AppRole login. */
  final class AppRole implements VaultAuth {
    private final String mount;
    private final String roleId;
    private final String secretId;

    private AppRole(String mount, String roleId, String secretId) {
      this.mount = Validation.vaultPath("mount", requireText("mount", mount), "approle", false);
      this.roleId = requireName("roleId", roleId);
      this.secretId = requireText("secretId", secretId);
    }

    /** {@return the auth mount, e.g. {@code approle}} */
    public String mount() {
      return mount;
    }

    /** {@return the AppRole role id} */
    public String roleId() {
      return roleId;
    }

    /** {@return the secret id. Never log it} */
    public String secretId() {
      return secretId;
    }

    @Override
    public String toString() {
      return "VaultAuth.AppRole[mount=" + mount + ", roleId=" + roleId + ", secretId=" + Redaction.MASK + "]";
    }
  }

  /** Kubernetes service-account login. */
  final class Kubernetes implements VaultAuth {
    private final String mount;
    private final String role;
    private final Path jwtFile;

    private Kubernetes(String mount, String role, Path jwtFile) {
      this.mount = Validation.vaultPath("mount", requireText("mount", mount), "kubernetes", false);
      this.role = requireName("role", role);
      this.jwtFile = Objects.requireNonNull(jwtFile, "jwtFile");
      if (Redaction.looksSecret(jwtFile.toString())) {
        // A token pasted where its file belongs: refused here, not failed at the first login, and never quoted.
        throw new IllegalArgumentException("jwtFile holds a token, not a path: give the file the service-account "
            + "token is in, e.g. " + SERVICE_ACCOUNT_TOKEN);
      }
    }

    /** {@return the auth mount, e.g. {@code kubernetes}} */
    public String mount() {
      return mount;
    }

    /** {@return the Vault role} */
    public String role() {
      return role;
    }

    /** {@return the service-account token file, read at every login} */
    public Path jwtFile() {
      return jwtFile;
    }

    @Override
    public String toString() {
      return "VaultAuth.Kubernetes[mount=" + mount + ", role=" + role + ", jwtFile=" + jwtFile + "]";
    }
  }

  /** A value toString prints: refused, unquoted, when it looks like a token or secret. */
  private static String requireName(String field, String value) {
    return Validation.requireNoSecret(field, requireText(field, value));
  }

  private static String requireText(String field, String value) {
    Objects.requireNonNull(value, field);
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    return value;
  }
}

package dev.astravault.internal.vault;

import dev.astravault.AstraVaultException;
import dev.astravault.internal.redact.RedactedException;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.vault.VaultAccessDeniedException;
import dev.astravault.vault.VaultResponseTooLargeException;
import dev.astravault.vault.VaultUnavailableException;
import io.github.jopenlibs.vault.VaultException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.jspecify.annotations.Nullable;

/**
 * Turns what the driver reports into our exception tree, so its checked {@link VaultException} never leaks. Messages
 * name the path and Vault's error text, never a token.
 */
public final class VaultErrors {
  private static final String STATUS_PREFIX = "Vault responded with HTTP status code: ";
  private static final String BODY_PREFIX = "Response body: ";
  private VaultErrors() {}

  /** The reply carried by a driver exception for an HTTP error status, or null (no answer, or a parse problem). */
  static VaultReply replyOf(String path, VaultException e) {
    int status = e.getHttpStatusCode();
    String message = String.valueOf(e.getMessage());
    int at = message.indexOf(BODY_PREFIX);
    String body = at < 0 ? "" : message.substring(at + BODY_PREFIX.length());
    if (status == 0 && message.startsWith(STATUS_PREFIX)) {
      try {
        status = Integer.parseInt(message.substring(STATUS_PREFIX.length()).split("\\D", 2)[0]);
      } catch (NumberFormatException ignored) {
        // keep 0
      }
    }
    return new VaultReply(path, status, VaultReply.parse(body));
  }

  /**
   * A driver failure with no usable HTTP answer. When it was an interrupt of the calling thread (which the driver
   * swallows into its own exception), the thread's interrupt status is set again.
   */
  static AstraVaultException noAnswer(String what, VaultException e) {
    InterruptedException interrupt = interruptOf(e);
    if (interrupt != null) {
      Thread.currentThread().interrupt();
      return new VaultUnavailableException(VaultUnavailableException.Reason.UNREACHABLE, what + ": the calling "
          + "thread was interrupted " + (interrupt instanceof BoundedHttpClient.NotSent
          ? "before the request was sent; nothing was sent"
          : "while it waited for Vault's answer; the request may have taken effect, as after a timeout"), e);
    }
    String message = String.valueOf(e.getMessage());
    if (message.contains("MIME type")) {
      return new AstraVaultException(what + ": Vault answered with a Content-Type other than exactly "
          + "'application/json', which vault-java-driver rejects (" + scrub(message) + "); is a proxy rewriting it?",
          e);
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
      if (root instanceof BoundedHttpClient.BodyTooLargeException big) {
        return new VaultResponseTooLargeException(what + ": Vault answered HTTP " + big.status()
            + " with a body larger than the limit of " + big.limit() + " bytes; it was not read", big.status(),
            big.limit(), e);
      }
      if (root instanceof HttpTimeoutException
          && !(root instanceof HttpConnectTimeoutException)) {
        return new VaultUnavailableException(VaultUnavailableException.Reason.UNREACHABLE,
            what + ": Vault is unreachable: the exchange passed the read timeout (" + root.getMessage() + ")", e);
      }
      // A refused certificate ends in a PKIX or validator exception under the SSLException: report the TLS failure.
      if (root instanceof SSLException) {
        return new VaultUnavailableException(VaultUnavailableException.Reason.UNREACHABLE,
            what + ": Vault is unreachable: the TLS handshake failed (" + root.getClass().getSimpleName()
                + "); check caPem and the client certificate", e);
      }
    }
    if (root instanceof IOException || root instanceof HttpTimeoutException
        || root instanceof SSLException) {
      return new VaultUnavailableException(VaultUnavailableException.Reason.UNREACHABLE,
          what + ": Vault is unreachable (" + root.getClass().getSimpleName() + ")", e);
    }
    return new AstraVaultException(what + ": the Vault driver failed (" + root.getClass().getSimpleName() + ")", e);
  }

  /** Failures that end a call before its request left: with one of them in the chain, nothing reached Vault. */
  private static final Set<String> BEFORE_SENDING = Set.of(ConnectException.class.getName(),
      HttpConnectTimeoutException.class.getName(), UnknownHostException.class.getName(),
      NoRouteToHostException.class.getName(), SSLHandshakeException.class.getName(),
      BoundedHttpClient.NotSent.class.getName());

  /**
   * Whether a call that failed with {@code e} (no usable answer: a reset, a timeout, a body cut short or too large)
   * may still have taken effect in Vault: false only when the chain shows the request never left. Reads the class
   * names, as the cause chains the library hands out are {@link RedactedException} copies.
   */
  static boolean mayHaveTakenEffect(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String type = t instanceof RedactedException r ? r.originalType() : t.getClass().getName();
      if (BEFORE_SENDING.contains(type)) {
        return false;
      }
    }
    return true;
  }

  /** The interrupt of the calling thread that ended the driver's call, if that is what ended it. */
  static @Nullable InterruptedException interruptOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof InterruptedException i) {
        return i;
      }
    }
    return null;
  }

  /** The exception for an error reply no caller handled specifically. */
  public static AstraVaultException of(String what, VaultReply reply, @Nullable Throwable cause) {
    String text = scrub(reply.errorText());
    String lower = text.toLowerCase(Locale.ROOT);
    int status = reply.status();
    if (status == 503 && lower.contains("sealed")) {
      return new VaultUnavailableException(VaultUnavailableException.Reason.SEALED,
          what + ": Vault is sealed (HTTP 503)", cause);
    }
    // A standby that knows no active node answers 500 (http/handler.go handleRequestForwarding; "node not active but
    // active node not found" before 1.0), not 503: still a node state, not a failed request.
    boolean noActiveNode = status == 500 && lower.contains("node not active") && lower.contains("node not found");
    if (status == 503 || status == 307 || noActiveNode || (status == 429 && lower.contains("standby"))) {
      return new VaultUnavailableException(VaultUnavailableException.Reason.STANDBY,
          what + ": Vault node is a standby or not active (HTTP " + status + ": " + text + ")", cause);
    }
    if (status == 403) {
      return new VaultAccessDeniedException(reply.path(), what + ": Vault denied access to " + reply.path()
          + " (HTTP 403: " + text + "); check the policy of the Vault token", cause);
    }
    return new AstraVaultException(what + ": Vault answered HTTP " + status + " on " + reply.path() + ": " + text,
        cause);
  }

  /** Removes anything that looks like an Astra or Vault token from text that goes into messages. */
  static String scrub(String text) {
    return String.valueOf(Redaction.scrub(text));
  }
}

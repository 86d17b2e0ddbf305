package dev.astravault.vault;

import dev.astravault.AstraVaultException;
import org.jspecify.annotations.Nullable;

/**
 * Vault cannot serve requests now: it is sealed, this node is a standby with no active node, or it cannot be
 * reached. Sealed or standby, nothing was changed; unreachable after the request left (a reset, the read timeout), a
 * call that changes something may have taken effect. Retry later or against another node. No lease record is dropped
 * because of it.
 */
public class VaultUnavailableException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  /** Why Vault is unavailable. */
  public enum Reason {
    /** Vault answered 503 "Vault is sealed". */
    SEALED,
    /**
     * A standby answered (500 "local node not active but active cluster node not found", 503 "node is not active",
     * 429, or a redirect) and no active node took the request.
     */
    STANDBY,
    /** No answer: connection refused, TLS failure, timeout, or the calling thread was interrupted. */
    UNREACHABLE
  }

  /** Why Vault cannot serve requests. */
  private final Reason reason;

  /**
   * Vault cannot serve requests.
   *
   * @param reason why
   * @param message the detail message (never a secret)
   * @param cause the underlying failure, or null
   */
  public VaultUnavailableException(Reason reason, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /**
   * {@return why Vault cannot serve requests}
   */
  public Reason reason() {
    return reason;
  }
}

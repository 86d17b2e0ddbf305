package dev.astravault;

import dev.astravault.internal.redact.Redaction;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * The Astra DevOps API answered with an error status. Keeps the HTTP status and, when the body carried one, the
 * Astra error {@code ID} (for example {@code 340018}). Astra's own messages contain unexpanded {@code %s}, so the
 * message here is ours and the raw Astra message is kept separately.
 */
public class AstraApiException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status. */
  private final int status;
  /** Astra's error id, or null. */
  private final @Nullable Integer astraErrorId;
  /** Astra's message, or null. */
  private final @Nullable String astraMessage;

  /**
   * An error answer of the DevOps API.
   *
   * @param message the detail message (never a secret)
   * @param status the HTTP status
   * @param astraErrorId the first {@code errors[].ID}, or null
   * @param astraMessage Astra's message, or null
   */
  public AstraApiException(String message, int status, @Nullable Integer astraErrorId,
      @Nullable String astraMessage) {
    super(message);
    this.status = status;
    this.astraErrorId = astraErrorId;
    this.astraMessage = Redaction.scrub(astraMessage);
  }

  /** {@return the HTTP status code Astra answered with} */
  public int status() {
    return status;
  }

  /** {@return the {@code ID} of the first entry of Astra's {@code errors} array, when present} */
  public OptionalInt astraErrorId() {
    return astraErrorId == null ? OptionalInt.empty() : OptionalInt.of(astraErrorId);
  }

  /**
   * Astra's own message (may contain placeholders such as {@code %s}), with anything token-shaped masked.
   *
   * @return Astra's message, or null when it sent none
   */
  public @Nullable String astraMessage() {
    return astraMessage;
  }
}

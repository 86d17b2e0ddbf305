package dev.astravault.internal.crypto;

/**
 * {@link dev.astravault.EncryptionKey#fromBase64}'s refusal, typed so that a key list's parser can tell what was wrong
 * in its own words. Its message names the problem and the fix, never the key's text: that is a secret.
 */
public final class MalformedKeyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** What is wrong with a key's text. */
  public enum Problem {
    /** Both {@code + /} and {@code - _}: no tool writes that, so it is a key damaged or pasted together. */
    MIXED_ALPHABETS,
    /** A character of neither alphabet, {@code =} inside the text, or a length no base64 has. */
    NOT_BASE64,
    /** Base64 of another length than 32 bytes. */
    WRONG_LENGTH
  }

  private final Problem problem;

  public MalformedKeyException(Problem problem, String message) {
    super(message);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}

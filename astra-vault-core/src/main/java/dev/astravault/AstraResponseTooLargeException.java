package dev.astravault;

/**
 * Astra's response body was larger than the configured cap ({@code TokenManagerBuilder.maxResponseBytes}, default
 * 8 MiB), so it was not read: a broken or hostile endpoint cannot exhaust the heap. The call is not retried. For a
 * token create the outcome is unclear, and the create is settled like any other ambiguous one.
 */
public class AstraResponseTooLargeException extends AstraApiException {
  private static final long serialVersionUID = 1L;

  /** The cap that was exceeded, in bytes. */
  private final long limit;

  /**
   * Creates the exception.
   *
   * @param message what was being read and how large it was
   * @param status the HTTP status of the response
   * @param limit the cap that was exceeded, in bytes
   */
  public AstraResponseTooLargeException(String message, int status, long limit) {
    super(message, status, null, null);
    this.limit = limit;
  }

  /** {@return the cap that was exceeded, in bytes} */
  public long limit() {
    return limit;
  }
}

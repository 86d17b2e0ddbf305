package dev.astravault;

/** The life of a {@link LeaseRecord}. Every transition is a {@link LeaseStore#compareAndSet compare-and-set}. */
public enum LeaseState {
  /**
   * Written before the token is created in Astra (a write-ahead record carrying the description tag), so that a crash
   * between the POST and the commit can be settled by recovery.
   */
  PENDING,
  /** The token exists in Astra and is handed out. */
  ACTIVE,
  /** One manager has claimed the revoke and is deleting the token in Astra. */
  REVOKING,
  /** A revoke failed; it is retried with back-off and stays visible, with its error, until it succeeds. */
  REVOKE_FAILED
}

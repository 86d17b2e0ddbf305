package dev.astravault.event;

/** Why a lease ended. */
public enum RevokeReason {
  /** A caller asked for it. */
  EXPLICIT,
  /** The lease reached its expiry and the sweeper revoked it. */
  EXPIRED,
  /** The manager was closed and revoked the leases it owned. */
  SHUTDOWN,
  /** Recovery or reconciliation cleaned it up (a pending record of a crashed process, an orphan). */
  REAPED,
  /** A managed token was rotated and this was the old token, revoked after the overlap. */
  ROTATED
}

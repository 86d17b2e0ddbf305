package dev.astravault.engine;

/** Which token backend a foundation test runs against: one suite, two backends. */
enum Backend {
  /** This library calls FakeAstra with the org's root token and is the lease authority. */
  DIRECT,
  /** This library is a client of FakeVault's Astra plugin (FIXED behaviour) mounted on the same FakeAstra. */
  VAULT
}

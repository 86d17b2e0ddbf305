package dev.astravault.test.vault;

/**
 * How {@link FakeVault}'s Astra plugin mount behaves.
 *
 * <p>{@link #V2_0_0} reproduces DataStax's plugin v2.0.0 as it is, bugs included; {@link #FIXED} is the same plugin
 * with the bugs our library works around fixed, so that tests can run against either.
 */
public enum PluginBehaviour {
  /**
   * v2.0.0 exactly as released: one cached Astra client for all orgs, only 204 accepted when deleting in Astra,
   * the POST status never checked, a non-atomic uniqueness check, the root token and issued tokens returned by
   * config reads and list {@code key_info}, 500s for not-found cases and empty lists, and the {@code org ID<org>}
   * message typos.
   */
  V2_0_0,
  /**
   * The same plugin with those bugs fixed: a client per org, any 2xx or 404 accepted on delete, a non-2xx POST
   * reported as an error, atomic uniqueness, no secrets in read or list output, and 404 for not-found cases.
   */
  FIXED
}

package dev.astravault.internal.vault;

import dev.astravault.AstraVaultException;
import dev.astravault.StoreException;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.vault.VaultAccessDeniedException;
import dev.astravault.vault.VaultKvMountException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Runs the Vault calls of {@link dev.astravault.vault.VaultKvLeaseStore}: checks the mount before the first (and
 * until it passes: a KV version 2 engine, without {@code delete_version_after}), turns Vault's failures into the
 * store's {@link StoreException} (cause kept), and writes over reseals with check-and-set
 * ({@link #writeOverReseals}).
 */
public final class KvCalls {
  /**
   * Tries of a conditional write that keeps losing to reseals
   * ({@link dev.astravault.vault.VaultKvLeaseStore#rotateKeys()}) before it counts as lost.
   */
  private static final int RESEAL_RETRIES = 16;

  private final VaultKv kv;
  private final String prefix;
  private final Logger log;
  /** Set once the mount was found to be KV v2 (or Vault would not say); until then every call asks. */
  private volatile boolean engineChecked;
  /** Set once the mount's config passed {@link #checkMount} (or could not be read); until then every call checks. */
  private volatile boolean mountChecked;
  /** Set once a call of this store succeeded: then a 403 on the mount's config is the policy's, not a bad token's. */
  private volatile boolean calledVault;

  /**
   * @param kv the store's mount
   * @param prefix the store's folder in the mount, whose mount is looked up
   * @param store the store's class, which names the logger (operators filter on it)
   */
  public KvCalls(VaultKv kv, String prefix, Class<?> store) {
    this.kv = kv;
    this.prefix = prefix;
    this.log = Redaction.logger(store);
  }

  /**
   * Runs Vault calls, turning Vault's failures into the store's {@link StoreException} (cause kept). The first
   * checks the mount.
   */
  public <T> T call(String what, Supplier<T> op) {
    checkMount();
    try {
      T result = op.get();
      if (!calledVault) {
        calledVault = true;
      }
      return result;
    } catch (StoreException | TokenAlreadyExistsException | IllegalStateException | IllegalArgumentException e) {
      throw e;
    } catch (AstraVaultException e) {
      throw new StoreException("Vault KV lease store: cannot " + what + ": " + e.getMessage(), e);
    }
  }

  /** {@link #call} for an operation without a result. */
  public void run(String what, Runnable op) {
    call(what, () -> {
      op.run();
      return null;
    });
  }

  /**
   * A check-and-set write of {@code data} on {@code cas} (0: create only), as {@link VaultKv#write} does it, whose
   * answer may be lost after Vault applied it (a reset or read timeout after the request left, a gateway's 502 or 504
   * without Vault's error envelope). Then the entry is read back, and the write counts as done if the entry is at
   * version {@code cas + 1} and holds exactly {@code data}: every entry the store writes this way is its writer's own
   * (a fresh seal, a lease id that is never reused, a tombstone's nonce), so a match is this write, never another's
   * equal one. Otherwise (not applied, or Vault silent again) the failure is thrown as it was, the read's attached.
   *
   * @return false if the check-and-set did not match; true once written
   */
  public boolean write(String what, String rel, Map<String, Object> data, long cas) {
    try {
      return call(what, () -> kv.write(what, rel, data, cas));
    } catch (StoreException e) {
      if (!VaultErrors.mayHaveTakenEffect(e)) {
        throw e;
      }
      try {
        VaultKv.Versioned now = call(what, () -> kv.readVersioned(what, rel));
        VaultKv.Entry live = now.live();
        if (now.version() == cas + 1 && live != null && holds(live, data)) {
          log.info("Vault KV lease store: {}: Vault's answer was lost, but the entry holds this write", what);
          return true;
        }
      } catch (StoreException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
  }

  /** Whether the stored entry is {@code data}, field for field (the driver sends every value as its text). */
  static boolean holds(VaultKv.Entry stored, Map<String, Object> data) {
    if (stored.data().size() != data.size()) {
      return false;
    }
    for (Map.Entry<String, Object> f : data.entrySet()) {
      if (!String.valueOf(f.getValue()).equals(stored.string(f.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The conditional write both entry kinds share: check-and-set on {@code kvVersion} ({@link #write}, so a lost
   * answer is settled by reading the entry back); on a lost race, {@code unchangedAt} reads the entry again and gives
   * the KV version to try again at if the entry is still as the caller read it (a reseal), or nothing (a real change:
   * the race is lost). At most {@link #RESEAL_RETRIES} tries.
   */
  public boolean writeOverReseals(String what, String rel, long kvVersion, Supplier<Map<String, Object>> data,
      Supplier<Optional<Long>> unchangedAt) {
    long cas = kvVersion;
    for (int attempt = 0; attempt < RESEAL_RETRIES; attempt++) {
      if (write(what, rel, data.get(), cas)) {
        return true;
      }
      Optional<Long> again = unchangedAt.get();
      if (again.isEmpty()) {
        return false;
      }
      cas = again.get();
    }
    return false;   // resealed under us on every try: report the race lost, and the caller reads again
  }

  /**
   * Checks the mount: a KV version 2 engine ({@link #checkEngine}) without {@code delete_version_after}
   * ({@link #checkConfig}). Checked at first use, not in {@code build()} (which contacts nobody), and on every call
   * until it passes, so an operator's fix needs no restart; also called on its own by
   * {@link dev.astravault.vault.VaultKvLeaseStore#checkMount()}, for startup code that would rather fail at once.
   */
  public void checkMount() {
    if (!engineChecked) {
      checkEngine();
    }
    if (!mountChecked) {
      checkConfig();
    }
  }

  /**
   * Refuses a mount that is not a KV version 2 engine, or not the one Vault serves the prefix from (set one level
   * off: the store would read {@code team/data/kv/...}, which no mount serves), asked of Vault as {@code vault kv get}
   * does
   * ({@code sys/internal/ui/mounts/<mount>/<prefix>}, answered for any token with some capability under the mount, so
   * the store's policy needs no new line). The store's atomicity is KV v2's check-and-set: a KV v1 mount stores the
   * v2 request body as plain data and takes every {@code cas} unchecked, so it could never be correct there, and
   * reads on it found nothing ("no leases") until the first write failed. A 403 is treated as for the config below;
   * no answer at all (a Vault before 0.10, or a proxy that hides the path) leaves it to the first write, which still
   * refuses a KV v1 mount.
   */
  private void checkEngine() {
    String full = kv.mount() + "/" + prefix;
    Optional<KvMountInfo> found;
    try {
      found = kv.mountInfo("look up the KV version of the lease store's mount", prefix);
    } catch (VaultAccessDeniedException e) {
      if (!calledVault) {
        log.debug("Vault KV lease store: sys/internal/ui/mounts/{} answered 403 before any call succeeded; asking "
            + "again next call", full);
        return;
      }
      engineChecked = true;
      log.warn("Vault KV lease store: Vault refused sys/internal/ui/mounts/{}, so the store cannot check that mount "
          + "'{}' is a KV version 2 engine; proceeding (a KV version 1 mount is still refused at the first write)",
          full, kv.mount());
      return;
    } catch (AstraVaultException e) {
      throw new StoreException("Vault KV lease store: cannot look up the KV version of mount '" + kv.mount() + "': "
          + e.getMessage(), e);
    }
    if (found.isEmpty()) {
      engineChecked = true;
      log.warn("Vault KV lease store: Vault has no sys/internal/ui/mounts/{} (older than 0.10, or a proxy hides it), "
          + "so the store cannot check that mount '{}' is a KV version 2 engine; proceeding", full, kv.mount());
      return;
    }
    KvMountInfo m = found.get();
    VaultKvMountException wrong = null;
    if (!m.isKv()) {
      wrong = m.notKv(full, "the Vault KV lease store", 2);
    } else if (m.servesFromOtherMount(kv.mount())) {
      wrong = m.elsewhere(kv.mount(), full, "the Vault KV lease store", "path prefix", 2);
    } else if (m.kvVersion() != 2) {
      String name = m.mount().isEmpty() ? kv.mount() : m.mount();
      wrong = m.otherVersion(name, 2, "the Vault KV lease store needs KV version 2: its compare-and-set is KV v2's "
          + "check-and-set, which version 1 lacks. Run 'vault kv enable-versioning " + name + "' or use a KV version "
          + "2 mount");
    }
    if (wrong != null) {
      throw new StoreException("Vault KV lease store: " + wrong.getMessage(), wrong);
    }
    engineChecked = true;
  }

  /**
   * Refuses a mount whose {@code delete_version_after} is set: Vault would soft-delete every lease record, claim and
   * index that long after it was written, and the Astra tokens behind them would outlive everything that knows of
   * them. A policy that may not read {@code <mount>/config} gets one WARN and the store proceeds: it needs nothing
   * else from that path, and refusing would make a new policy line a precondition. But an invalid or expired token
   * answers 403 too, so a 403 counts as the policy's only once some call of this store has succeeded; before that the
   * call proceeds unchecked (it fails too if the token is bad) and the next one asks again. Per-key metadata is not
   * checked: the store writes its keys' data only, and reading each key's metadata too would double every read.
   */
  private void checkConfig() {
    String config = kv.mount() + "/config";
    String after;
    try {
      after = kv.deleteVersionAfter("read the KV mount's config");
    } catch (VaultAccessDeniedException e) {
      if (!calledVault) {
        log.debug("Vault KV lease store: {} answered 403 before any call succeeded; asking again next call", config);
        return;
      }
      mountChecked = true;
      log.warn("Vault KV lease store: the Vault token may not read {} (it needs 'read' on {}), so the store cannot "
          + "check that the mount's delete_version_after is 0s; proceeding. If it is set, Vault soft-deletes lease "
          + "records and claims that long after they are written, and their Astra tokens outlive them; see "
          + "docs/vault.md", config, config);
      return;
    } catch (AstraVaultException e) {
      throw new StoreException("Vault KV lease store: cannot read " + config + ": " + e.getMessage(), e);
    }
    if (deletesVersions(after)) {
      throw new StoreException("Vault KV lease store: mount '" + kv.mount() + "' has delete_version_after="
          + after + ": Vault would soft-delete every lease record, claim and index that long after it is written, "
          + "and their Astra tokens would outlive them. Set it to 0s ('vault write " + config
          + " delete_version_after=0s') or use another mount");
    }
    mountChecked = true;
  }

  /** Whether Vault's printed duration is positive ({@code 0s} is off; a negative one, if any, is off too). */
  static boolean deletesVersions(String goDuration) {
    String s = goDuration.trim();
    return !s.startsWith("-") && s.chars().anyMatch(c -> c >= '1' && c <= '9');
  }
}

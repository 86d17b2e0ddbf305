package dev.astravault.internal.vault;

import dev.astravault.AstraVaultException;
import dev.astravault.StoreException;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.internal.Redaction;
import dev.astravault.vault.VaultAccessDeniedException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Runs the Vault calls of {@link dev.astravault.vault.VaultKvLeaseStore}: checks the mount before the first (and
 * until it passes), turns Vault's failures into the store's {@link StoreException} (cause kept), and writes over
 * reseals with check-and-set ({@link #writeOverReseals}).
 */
public final class KvCalls {
  /**
   * Tries of a conditional write that keeps losing to reseals
   * ({@link dev.astravault.vault.VaultKvLeaseStore#rotateKeys()}) before it counts as lost.
   */
  private static final int RESEAL_RETRIES = 16;

  private final VaultKv kv;
  private final Logger log;
  /** Set once the mount's config passed {@link #checkMount} (or could not be read); until then every call checks. */
  private volatile boolean mountChecked;
  /** Set once a call of this store succeeded: then a 403 on the mount's config is the policy's, not a bad token's. */
  private volatile boolean calledVault;

  /**
   * @param kv the store's mount
   * @param store the store's class, which names the logger (operators filter on it)
   */
  public KvCalls(VaultKv kv, Class<?> store) {
    this.kv = kv;
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
   * The conditional write both entry kinds share: check-and-set on {@code kvVersion}; on a lost race,
   * {@code unchangedAt} reads the entry again and gives the KV version to try again at if the entry is still as the
   * caller read it (a reseal), or nothing (a real change: the race is lost). At most {@link #RESEAL_RETRIES} tries.
   */
  public boolean writeOverReseals(String what, String rel, long kvVersion, Supplier<Map<String, Object>> data,
      Supplier<Optional<Long>> unchangedAt) {
    long cas = kvVersion;
    for (int attempt = 0; attempt < RESEAL_RETRIES; attempt++) {
      long c = cas;
      if (call(what, () -> kv.write(what, rel, data.get(), c))) {
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
   * Refuses a mount whose {@code delete_version_after} is set: Vault would soft-delete every lease record, claim and
   * index that long after it was written, and the Astra tokens behind them would outlive everything that knows of
   * them. Checked at first use, not in {@code build()} (which contacts nobody), and on every call until it passes, so
   * an operator's fix needs no restart. A policy that may not read {@code <mount>/config} gets one WARN and the store
   * proceeds: it needs nothing else from that path, and refusing would make a new policy line a precondition. But an
   * invalid or expired token answers 403 too, so a 403 counts as the policy's only once some call of this store has
   * succeeded; before that the call proceeds unchecked (it fails too if the token is bad) and the next one asks again.
   * Per-key metadata is not checked: the store writes its keys' data only, and reading each key's metadata too would
   * double every read.
   */
  private void checkMount() {
    if (mountChecked) {
      return;
    }
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

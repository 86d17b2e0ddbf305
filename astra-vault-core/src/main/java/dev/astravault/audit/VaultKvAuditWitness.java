package dev.astravault.audit;

import dev.astravault.AstraVaultException;
import dev.astravault.internal.vault.KvMountInfo;
import dev.astravault.internal.vault.VaultKv;
import dev.astravault.internal.vault.VaultSession;
import dev.astravault.vault.KvPath;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKvMountException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** {@link AuditWitness#vaultKv}: one KV secret per log, {@code <path>/<log>}; KV v2 keeps the older checkpoints. */
final class VaultKvAuditWitness implements AuditWitness {
  private static final String WHAT = "the audit checkpoints";

  private final VaultSession session;
  private final VaultKv kv;
  private final KvPath path;
  /** Whether the version was stated by the caller (not looked up), so that a miss may be a wrong version. */
  private final boolean stated;

  private VaultKvAuditWitness(VaultSession session, KvPath path, boolean stated) {
    this.session = session;
    this.kv = new VaultKv(session, path.mount(), path.kvVersion());
    this.path = path;
    this.stated = stated;
  }

  /** On the version {@code path} states, with no lookup. */
  static VaultKvAuditWitness stated(VaultConfig vault, KvPath path) {
    return new VaultKvAuditWitness(new VaultSession(vault, Clock.systemUTC()), path, true);
  }

  /** On the version of the mount that serves {@code given}, asked of Vault now (its own version is ignored). */
  static VaultKvAuditWitness lookingUp(VaultConfig vault, KvPath given) {
    VaultSession session = new VaultSession(vault, Clock.systemUTC());
    return new VaultKvAuditWitness(session, KvMountInfo.resolve(session, WHAT, given), false);
  }

  private String rel(String log) {
    return path.path() + "/" + log;
  }

  @Override
  public void publish(AuditCheckpoint checkpoint) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("log", checkpoint.log());
    data.put("seq", String.valueOf(checkpoint.seq()));
    data.put("mac", checkpoint.mac());
    data.put("time", checkpoint.time().toString());
    try {
      kv.put("publish an audit checkpoint", rel(checkpoint.log()), data);
    } catch (AstraVaultException e) {
      throw stated ? KvMountInfo.mismatch(session, WHAT, path).orElseThrow(() -> e) : e;
    }
  }

  /**
   * The newest checkpoint. On a stated version, a miss asks Vault whether the mount is of that version: a v2 path on
   * a v1 mount reads {@code <mount>/data/...}, and "no checkpoint" there would hide a log cut short.
   *
   * @throws dev.astravault.vault.VaultKvMountException if none is found and the mount is not as stated
   */
  @Override
  public Optional<AuditCheckpoint> latest(String log) {
    Optional<VaultKv.Entry> read = kv.read("read an audit checkpoint", rel(log));
    if (read.isEmpty() && stated) {
      Optional<VaultKvMountException> wrong = KvMountInfo.mismatch(session, WHAT, path);
      if (wrong.isPresent()) {
        throw wrong.get();
      }
    }
    return read.map(e -> new AuditCheckpoint(
        String.valueOf(e.string("log")), Long.parseLong(String.valueOf(e.string("seq"))),
        String.valueOf(e.string("mac")), Instant.parse(String.valueOf(e.string("time")))));
  }

  @Override
  public String toString() {
    return "AuditWitness.vaultKv(" + path + ")";
  }
}

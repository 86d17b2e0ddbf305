package dev.astravault.audit;

import dev.astravault.internal.vault.KvMountInfo;
import dev.astravault.internal.vault.VaultKv;
import dev.astravault.internal.vault.VaultSession;
import dev.astravault.vault.KvPath;
import dev.astravault.vault.VaultConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** {@link AuditWitness#vaultKv}: one KV secret per log, {@code <path>/<log>}; KV v2 keeps the older checkpoints. */
final class VaultKvAuditWitness implements AuditWitness {
  private final VaultKv kv;
  private final KvPath path;

  private VaultKvAuditWitness(VaultSession session, KvPath path) {
    this.kv = new VaultKv(session, path.mount(), path.kvVersion());
    this.path = path;
  }

  /** On the version {@code path} states, with no lookup. */
  static VaultKvAuditWitness stated(VaultConfig vault, KvPath path) {
    return new VaultKvAuditWitness(new VaultSession(vault, Clock.systemUTC()), path);
  }

  /** On the version of the mount that serves {@code given}, asked of Vault now (its own version is ignored). */
  static VaultKvAuditWitness lookingUp(VaultConfig vault, KvPath given) {
    VaultSession session = new VaultSession(vault, Clock.systemUTC());
    return new VaultKvAuditWitness(session, KvMountInfo.resolve(session, "the audit checkpoints", given));
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
    kv.put("publish an audit checkpoint", rel(checkpoint.log()), data);
  }

  @Override
  public Optional<AuditCheckpoint> latest(String log) {
    return kv.read("read an audit checkpoint", rel(log)).map(e -> new AuditCheckpoint(
        String.valueOf(e.string("log")), Long.parseLong(String.valueOf(e.string("seq"))),
        String.valueOf(e.string("mac")), Instant.parse(String.valueOf(e.string("time")))));
  }

  @Override
  public String toString() {
    return "AuditWitness.vaultKv(" + path + ")";
  }
}

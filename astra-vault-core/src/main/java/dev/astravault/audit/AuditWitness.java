package dev.astravault.audit;

import dev.astravault.AuditSink;
import dev.astravault.vault.KvPath;
import dev.astravault.vault.VaultConfig;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps {@link AuditCheckpoint}s of a chained audit log somewhere its attacker cannot write: another host's file, a
 * database table, another sink. {@link JsonLinesAuditSink} publishes to it on a schedule and at close; the verifier
 * compares the log with the {@link #latest(String) latest} one, which catches a log cut short, emptied or deleted.
 *
 * <p>Implementations must be thread-safe. {@link #publish} is called from the sink's scheduler thread and from
 * {@code close()}; a failure is logged and counted by the sink, never thrown at whoever records events.
 */
public interface AuditWitness {

  /**
   * Keeps {@code checkpoint}; throws when it could not.
   *
   * @param checkpoint the checkpoint to keep
   */
  void publish(AuditCheckpoint checkpoint);

  /**
   * The newest checkpoint kept for the log named {@code log}; empty when none, or when this witness cannot read.
   *
   * @param log the name of the log file
   * @return the newest checkpoint, or empty
   */
  Optional<AuditCheckpoint> latest(String log);

  /**
   * Appends each checkpoint as one JSON line to {@code file} (created {@code 0600}, forced to disk on every publish;
   * refused as the log's files are: a link, another user's, a second hard link). A file shorter than after the last
   * checkpoint, or another file, is reported as a failed checkpoint. {@link #latest} reads it from its end and refuses
   * a FIFO or a directory. Put it where the log's writers cannot change it: another volume mounted append-only,
   * another host's share.
   *
   * @param file the file the checkpoints are appended to
   * @return the witness
   */
  static AuditWitness file(Path file) {
    return new FileAuditWitness(file);
  }

  /**
   * Records each checkpoint as an {@code audit.checkpoint} event ({@link dev.astravault.event.AuditCheckpointed}) on
   * {@code sink}: the slf4j log shipped to a collector, a remote sink. Write-only: {@link #latest} is empty, so read
   * the newest event back from where the sink delivers it and pass it to the verifier.
   *
   * @param sink the sink the checkpoint events go to
   * @return the witness
   */
  static AuditWitness sink(AuditSink sink) {
    return new SinkAuditWitness(sink, null);
  }

  /**
   * Records each checkpoint as an {@code audit.checkpoint} row of {@code sink}'s table, and reads the newest back from
   * it: the database usually lives on another host, with credentials the log's writers need not share.
   *
   * @param sink the JDBC sink whose table keeps the checkpoints
   * @return the witness
   */
  static AuditWitness jdbc(JdbcAuditSink sink) {
    return new SinkAuditWitness(sink, sink);
  }

  /**
   * Writes each checkpoint to the Vault KV secret {@code <path>/<log>} (KV v2 keeps earlier versions) and reads the
   * newest back. The Vault policy of the log's writers may then allow {@code create} and {@code update} on that path
   * but not {@code delete} or {@code destroy}, and an operator's policy reads it.
   *
   * @param vault how to reach Vault
   * @param path the KV path under which each log's secret is written
   * @return the witness
   */
  static AuditWitness vaultKv(VaultConfig vault, KvPath path) {
    return VaultKvAuditWitness.stated(Objects.requireNonNull(vault, "vault"), Objects.requireNonNull(path, "path"));
  }

  /**
   * Like {@link #vaultKv(VaultConfig, KvPath)}, on whichever KV version {@code mount} is: asked of Vault now, as
   * {@code vault kv get} does ({@code GET sys/internal/ui/mounts/<mount>/<path>}, answered for any token that may
   * write under the mount). KV v1 keeps only the newest checkpoint of each log.
   *
   * @throws dev.astravault.vault.VaultKvMountException if the mount is not a KV engine
   * @throws dev.astravault.vault.VaultAccessDeniedException if Vault refuses the lookup (the message names the
   *     mount; state the version with {@link #vaultKv(VaultConfig, KvPath)} instead)
   * @throws dev.astravault.AstraVaultException if Vault cannot be reached
   * @throws IllegalArgumentException if the mount or path is malformed
   *
   * @param vault how to reach Vault
   * @param mount the KV engine's mount, e.g. {@code secret}
   * @param path the path in the mount under which each log's secret is written, e.g. {@code astra-vault/checkpoints}
   * @return the witness
   */
  static AuditWitness vaultKv(VaultConfig vault, String mount, String path) {
    Objects.requireNonNull(vault, "vault");
    return VaultKvAuditWitness.lookingUp(vault, KvPath.v2(mount, path));
  }
}

package dev.astravault.cli;

import dev.astravault.KeyProvider;
import dev.astravault.audit.AuditWitness;
import dev.astravault.audit.FsyncPolicy;
import dev.astravault.audit.JsonLinesAuditSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The global audit options (a {@code @Mixin} of the root command): the JSON-lines audit file and its witness, and
 * the HMAC key that makes token HMACs in audit events comparable across runs.
 */
final class AuditOptions {
  @Option(names = "--audit-log", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "Append chained JSON-lines audit events to FILE (MACed under a key derived from the store key "
          + "when there is one). Default: $ASTRA_VAULT_AUDIT_LOG, else none.")
  @Nullable Path auditLog;

  @Option(names = "--audit-witness", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "Append the audit log's checkpoint to FILE when the command ends (keep it where the log's "
          + "writers cannot change it). Default: $ASTRA_VAULT_AUDIT_WITNESS, else none.")
  @Nullable Path auditWitness;

  /**
   * The audit file's sink ({@code --audit-log} or {@code $ASTRA_VAULT_AUDIT_LOG}), MACed under {@code keys} when
   * there are any and checkpointed to the witness when one is named; null when no audit file is named. The caller
   * closes it.
   */
  @Nullable JsonLinesAuditSink fileSink(CliContext ctx, @Nullable KeyProvider keys) {
    Path file = auditLog != null ? auditLog : ctx.envPath("ASTRA_VAULT_AUDIT_LOG");
    if (file == null) {
      return null;
    }
    JsonLinesAuditSink.Builder b = JsonLinesAuditSink.builder(file).fsync(FsyncPolicy.always()).clock(ctx.clock());
    if (keys != null) {
      b.keys(keys);
    }
    Path witness = auditWitness != null ? auditWitness : ctx.envPath("ASTRA_VAULT_AUDIT_WITNESS");
    if (witness != null) {
      b.witness(AuditWitness.file(witness));
    }
    return b.build();
  }

  /**
   * Derived from the store key so that token HMACs in audit events match across CLI runs (a random key per process
   * would make every run's HMACs unrelated).
   */
  static byte[] hmacKey(KeyProvider keys) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("astra-vault cli audit hmac v1\u0000".getBytes(StandardCharsets.UTF_8));
      return sha.digest(keys.currentKey().bytes());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}

package dev.astravault.cli;

import dev.astravault.EncryptionKey;
import dev.astravault.test.FakeAstra;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PluginWorkflow} in direct mode: each command its own JVM, all sharing one SQLite store, so durability is
 * exercised; the store holds the root token, encrypted under ASTRA_VAULT_KEY.
 */
class CliWorkflowIT {
  @RegisterExtension
  static final FakeAstra astra = FakeAstra.create();

  @TempDir
  Path dir;

  @Test
  void wholePluginWorkflowAcrossProcesses() throws Exception {
    Path audit = dir.resolve("audit/audit.jsonl");
    Path storeFile = dir.resolve("store.db");
    String key = EncryptionKey.generate().toBase64();
    CliProcess cli = new CliProcess(dir)
        .env("ASTRA_VAULT_STORE", "jdbc:sqlite:" + storeFile)
        .env("ASTRA_VAULT_KEY", key)
        .env("ASTRA_VAULT_AUDIT_LOG", audit.toString());
    PluginWorkflow.run(new PluginWorkflow.Setup(PluginWorkflow.Mode.DIRECT, cli,
        () -> StoreSnapshot.of(cli, storeFile), () -> astra.requestCount("POST", "/v2/clientIdSecrets"),
        List.of(key)), astra, dir, audit);
  }
}

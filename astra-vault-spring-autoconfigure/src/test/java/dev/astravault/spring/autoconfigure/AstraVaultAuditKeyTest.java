package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.audit.AuditLogVerifier;
import dev.astravault.audit.JsonLinesAuditSink;
import dev.astravault.test.FakeAstra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;

/** {@code astra.vault.audit.json-lines-key-file} and {@code json-lines-key-env}: the audit file's HMAC key. */
class AstraVaultAuditKeyTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  private final EncryptionKey key = EncryptionKey.generate();

  @Test
  void jsonLinesKeyFileMakesTheAuditFileAKeyedChainThatShowsAnEdit(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("audit.jsonl");
    Path keyFile = dir.resolve("audit.key");
    Files.writeString(keyFile, key.toBase64() + "\n");
    Logger sinkLog = (Logger) LoggerFactory.getLogger(JsonLinesAuditSink.class);
    ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    warnings.start();
    sinkLog.addAppender(warnings);
    try {
      FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.audit.json-lines-file=" + file,
          "astra.vault.audit.json-lines-key-file=" + keyFile, "astra.vault.audit.async=false")
          .run(context -> assertThat(context).hasNotFailed());
    } finally {
      sinkLog.detachAppender(warnings);
    }
    assertThat(warnings.list).noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains("without a key"));
    assertThat(file).content().contains("token.issued").doesNotContain(key.toBase64());

    AuditLogVerifier.Result intact = AuditLogVerifier.withKeys(KeyProvider.fromFile(keyFile)).check(file);
    assertThat(intact.valid()).as("faults %s", intact.faults()).isTrue();
    assertThat(intact.lines()).isGreaterThanOrEqualTo(2);
    // Keyed under that key, not another: a verifier with another key finds nothing it can check.
    assertThat(AuditLogVerifier.withKeys(KeyProvider.of(EncryptionKey.generate())).check(file).valid()).isFalse();

    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    int issued = indexOf(lines, "token.issued");
    lines.set(issued, lines.get(issued).replace("token.issued", "token.renewed"));
    Files.write(file, lines);
    AuditLogVerifier.Result edited = AuditLogVerifier.withKeys(KeyProvider.fromFile(keyFile)).check(file);
    assertThat(edited.valid()).isFalse();
    assertThat(edited.faults()).anySatisfy(f -> {
      assertThat(f.kind()).isEqualTo(AuditLogVerifier.Kind.EDITED);
      assertThat(f.fromLine()).isEqualTo(issued + 1);
    });
  }

  @Test
  void withoutAnAuditKeyTheFileIsUnkeyedAndAKeyedVerifierSaysSo(@TempDir Path dir) {
    Path file = dir.resolve("audit.jsonl");
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.audit.json-lines-file=" + file,
        "astra.vault.audit.async=false").run(context -> assertThat(context).hasNotFailed());
    assertThat(AuditLogVerifier.withKeys(KeyProvider.of(key)).check(file).faults())
        .anySatisfy(f -> assertThat(f.kind()).isEqualTo(AuditLogVerifier.Kind.UNKEYED));
  }

  @Test
  void anUnreadableOrMalformedKeyFileFailsStartupNamingThePropertyAndNotTheKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("audit.jsonl");
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.audit.json-lines-file=" + file,
        "astra.vault.audit.json-lines-key-file=" + dir.resolve("missing.key")).run(context -> {
          FailureAnalysis a = analysis(context);
          assertThat(a.getDescription()).contains("astra.vault.audit.json-lines-key-file", "missing.key");
        });
    Path typo = dir.resolve("typo.key");
    String almost = key.toBase64().substring(1);
    Files.writeString(typo, almost + "\n");
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.audit.json-lines-file=" + file,
        "astra.vault.audit.json-lines-key-file=" + typo).run(context -> {
          FailureAnalysis a = analysis(context);
          assertThat(a.getDescription()).contains("astra.vault.audit.json-lines-key-file",
              "not base64 (standard or URL-safe)");
          assertNowhere(context, a, almost);
        });
    assertThat(file).doesNotExist();
  }

  @Test
  void jsonLinesKeyEnvNamesAVariableAndAnUnsetOrKeyShapedOneFailsStartup(@TempDir Path dir) {
    Path file = dir.resolve("audit.jsonl");
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.audit.json-lines-file=" + file,
        "astra.vault.audit.json-lines-key-env=ASTRA_VAULT_TEST_AUDIT_KEY_THAT_IS_NOT_SET").run(context -> {
          FailureAnalysis a = analysis(context);
          assertThat(a.getDescription()).contains("astra.vault.audit.json-lines-key-env",
              "ASTRA_VAULT_TEST_AUDIT_KEY_THAT_IS_NOT_SET");
        });
    // The key itself put where its variable's name belongs is refused without being echoed.
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.audit.json-lines-file=" + file,
        "astra.vault.audit.json-lines-key-env=" + key.toBase64()).run(context -> {
          FailureAnalysis a = analysis(context);
          assertThat(a.getDescription()).contains("astra.vault.audit.json-lines-key-env",
              "not an environment variable name");
          assertNowhere(context, a, key.toBase64());
        });
    // PATH is set but holds no key; its value is not shown either.
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.audit.json-lines-file=" + file,
        "astra.vault.audit.json-lines-key-env=PATH").run(context -> {
          FailureAnalysis a = analysis(context);
          assertThat(a.getDescription()).contains("astra.vault.audit.json-lines-key-env",
              "not base64 (standard or URL-safe)");
          assertNowhere(context, a, System.getenv("PATH"));
        });
    assertThat(file).doesNotExist();
  }

  @Test
  void aStoreKeyPutWhereItsVariableNameBelongsIsRefusedWithoutBeingEchoed(@TempDir Path dir) {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.store.type=sqlite",
        "astra.vault.store.sqlite-file=" + dir.resolve("leases.db"), "astra.vault.store.key-env=" + key.toBase64())
        .run(context -> {
          FailureAnalysis a = analysis(context);
          assertThat(a.getDescription()).contains("astra.vault.store.key-env", "not an environment variable name");
          assertNowhere(context, a, key.toBase64());
        });
  }

  @Test
  void anAuditKeyWithoutAFileOrTwoKeySourcesFailStartup(@TempDir Path dir) throws Exception {
    Path keyFile = dir.resolve("audit.key");
    Files.writeString(keyFile, key.toBase64() + "\n");
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.audit.json-lines-key-file=" + keyFile)
        .run(context -> assertThat(analysis(context).getDescription()).contains(
            "astra.vault.audit.json-lines-key-file is set but astra.vault.audit.json-lines-file is not"));
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.audit.json-lines-file="
        + dir.resolve("audit.jsonl"), "astra.vault.audit.json-lines-key-file=" + keyFile,
        "astra.vault.audit.json-lines-key-env=ASTRA_VAULT_AUDIT_KEY").run(context ->
            assertThat(analysis(context).getDescription()).contains("astra.vault.audit.json-lines-key-file",
                "astra.vault.audit.json-lines-key-env", "both set"));
  }

  private static int indexOf(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    throw new AssertionError("no line contains " + text + ": " + lines);
  }

  private static FailureAnalysis analysis(AssertableApplicationContext context) {
    assertThat(context).hasFailed();
    FailureAnalysis analysis = new AstraVaultFailureAnalyzer().analyze(context.getStartupFailure());
    assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
    return analysis;
  }

  private static void assertNowhere(AssertableApplicationContext context, FailureAnalysis a, String secret) {
    assertThat(a.getDescription() + a.getAction()).doesNotContain(secret);
    for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
    }
  }
}

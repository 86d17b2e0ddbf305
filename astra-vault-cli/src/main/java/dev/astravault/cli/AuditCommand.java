package dev.astravault.cli;

import dev.astravault.audit.AuditLogVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code audit verify}: checks the hash chain of JSON-lines audit logs. Needs no store and no key. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Audit logs.",
    subcommands = AuditCommand.Verify.class)
final class AuditCommand {

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Verifies the hash chain of an audit log written by --audit-log or JsonLinesAuditSink.",
          "One FILE: that file and its rotated files (FILE.1, FILE.2, ...). Several: those files, as one chain, in "
              + "the order given. Exit code 1 names the first bad line."})
  static final class Verify extends CliCommand {
    @Parameters(paramLabel = "FILE", arity = "1..*")
    List<Path> files;

    @Option(names = "--expect-head", paramLabel = "HASH",
        description = "Also require the chain to end at HASH (a head kept elsewhere), to catch lines cut from the end.")
    @Nullable String expectHead;

    @Override
    int run() {
      for (Path f : files) {
        if (!Files.isRegularFile(f)) {
          throw CliException.failure("no such audit log: " + f);
        }
      }
      AuditLogVerifier.Result r;
      if (files.size() == 1) {
        r = expectHead == null ? AuditLogVerifier.verify(files.get(0))
            : AuditLogVerifier.verify(files.get(0), expectHead);
      } else {
        if (expectHead != null) {
          throw CliException.usage("--expect-head takes one FILE (its rotated files are found by name)");
        }
        r = AuditLogVerifier.verify(files);
      }
      Map<String, @Nullable Object> view = new LinkedHashMap<>();
      view.put("valid", r.valid());
      view.put("lines", r.lines());
      view.put("headSeq", r.headSeq());
      view.put("headHash", r.headHash());
      view.put("badLine", r.firstBadLine().map(b -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", b.file().toString());
        m.put("lineNumber", b.lineNumber());
        m.put("reason", b.reason());
        return m;
      }).orElse(null));
      if (out().json()) {
        out().printJson(view);
      } else {
        out().object(view);
      }
      if (!r.valid()) {
        err().println("astra-vault: audit log is broken at " + r.firstBadLine().orElseThrow());
        return CliException.FAILURE;
      }
      return 0;
    }
  }
}

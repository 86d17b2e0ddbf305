package dev.astravault.cli;

import dev.astravault.KeyProvider;
import dev.astravault.audit.AuditCheckpoint;
import dev.astravault.audit.AuditLogVerifier;
import dev.astravault.audit.AuditWitness;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code audit verify}: checks the keyed chain of JSON-lines audit logs. Needs no store; the key when it has one. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Audit logs.",
    subcommands = AuditCommand.Verify.class)
final class AuditCommand {

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Verifies the chain of an audit log written by --audit-log or JsonLinesAuditSink, and reports "
          + "every fault.",
          "One FILE: that file and its rotated files (FILE.1, FILE.2, ...). Several: those files, as one chain, in "
              + "the order given (the last is the active file).",
          "With the audit key (--key-file, --key-vault-path or $ASTRA_VAULT_KEY, as for the store) every line's MAC "
              + "is checked; without it only the structure is, and the output says so.",
          "With a checkpoint (--checkpoint, or the newest in --witness-file) a log cut short, emptied or deleted "
              + "is caught; a log that grew past it passes.",
          "Exit codes: 0 intact (torn lines from a crash are listed, not faults), 1 faults found, 2 usage error."})
  static final class Verify extends CliCommand {
    @Parameters(paramLabel = "FILE", arity = "1..*")
    List<Path> files;

    @Option(names = "--checkpoint", paramLabel = "SEQ:MAC",
        description = "A checkpoint kept elsewhere: the log must contain line SEQ with MAC, and chain after it.")
    @Nullable String checkpoint;

    @Option(names = "--witness-file", paramLabel = "FILE",
        description = "Use the newest checkpoint of this log in a witness file (AuditWitness.file, --audit-witness).")
    @Nullable Path witnessFile;

    @Option(names = "--json", description = "JSON output (same as --format json).")
    boolean json;

    @Option(names = "--expect-head", paramLabel = "HASH", hidden = true,
        description = "Deprecated: use --checkpoint. The chain must contain a line with this hash.")
    @Nullable String expectHead;

    @Override
    int run() {
      if (files.size() > 1) {
        for (Path f : files) {
          if (!Files.isRegularFile(f)) {
            throw CliException.usage("no such audit log file: " + f + " (with several FILEs each must exist; "
                + "give one FILE to have missing files reported as faults)");
          }
        }
      }
      Path active = files.get(files.size() - 1);
      String log = String.valueOf(active.getFileName());
      int sources = (checkpoint != null ? 1 : 0) + (witnessFile != null ? 1 : 0) + (expectHead != null ? 1 : 0);
      if (sources > 1) {
        throw CliException.usage("give one of --checkpoint, --witness-file, --expect-head");
      }
      AuditCheckpoint cp = null;
      if (checkpoint != null) {
        try {
          cp = AuditCheckpoint.parse(log, checkpoint);
        } catch (IllegalArgumentException e) {
          throw CliException.usage("--checkpoint: " + e.getMessage());
        }
      } else if (witnessFile != null) {
        if (!Files.isRegularFile(witnessFile)) {
          throw CliException.usage("no such witness file: " + witnessFile);
        }
        cp = AuditWitness.file(witnessFile).latest(log).orElseThrow(() -> CliException.usage("the witness file "
            + witnessFile + " holds no checkpoint of the log " + log));
      }
      KeyProvider keys = root().auditKeys();
      AuditLogVerifier.Result r;
      if (expectHead != null) {
        if (files.size() > 1) {
          throw CliException.usage("--expect-head takes one FILE (its rotated files are found by name)");
        }
        warn("--expect-head is deprecated and checks structure only: use --checkpoint SEQ:MAC");
        @SuppressWarnings("deprecation")
        AuditLogVerifier.Result legacy = AuditLogVerifier.verify(active, expectHead);
        r = legacy;
      } else {
        AuditLogVerifier verifier = keys != null ? AuditLogVerifier.withKeys(keys) : AuditLogVerifier.structureOnly();
        r = files.size() == 1 ? verifier.check(active, cp) : verifier.check(files, cp);
      }
      if (!r.keyed()) {
        warn("no audit key (--key-file, --key-vault-path or $ASTRA_VAULT_KEY): checked the structure only, not the "
            + "MACs");
      }
      print(r);
      if (!r.valid()) {
        err().println("astra-vault: audit log has " + r.faults().size() + " fault(s); first: "
            + r.faults().get(0));
        return CliException.FAILURE;
      }
      return 0;
    }

    private void print(AuditLogVerifier.Result r) {
      Map<String, @Nullable Object> view = new LinkedHashMap<>();
      view.put("valid", r.valid());
      view.put("keyed", r.keyed());
      view.put("log", r.log());
      view.put("lines", r.lines());
      view.put("headSeq", r.headSeq());
      view.put("headMac", r.headHash());
      view.put("head", r.head().map(AuditCheckpoint::toShortString).orElse(null));
      view.put("checkpoint", r.checkpoint() == null ? null : r.checkpoint().toShortString());
      view.put("faults", r.faults().stream().map(Verify::fault).toList());
      view.put("tornLines", r.tornLines().stream().map(Verify::fault).toList());
      view.put("notes", r.notes());
      if (json || out().json()) {
        // headHash and badLine: the fields of earlier versions.
        view.put("headHash", r.headHash());
        view.put("badLine", r.firstBadLine().map(b -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("file", b.file().toString());
          m.put("lineNumber", b.lineNumber());
          m.put("reason", b.reason());
          return m;
        }).orElse(null));
        out().printJson(view);
        return;
      }
      Map<String, @Nullable Object> summary = new LinkedHashMap<>(view);
      summary.put("faults", r.faults().size());
      summary.put("tornLines", r.tornLines().size());
      summary.remove("notes");
      out().object(summary);
      PrintWriter out = spec.commandLine().getOut();
      r.faults().forEach(f -> out.println("fault: " + f));
      r.tornLines().forEach(f -> out.println("torn: " + f));
      r.notes().forEach(n -> out.println("note: " + n));
      out.flush();
    }

    private static Map<String, Object> fault(AuditLogVerifier.Fault f) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", f.kind().name());
      m.put("file", f.file().toString());
      m.put("fromLine", f.fromLine());
      m.put("toLine", f.toLine());
      m.put("message", f.message());
      return m;
    }
  }
}

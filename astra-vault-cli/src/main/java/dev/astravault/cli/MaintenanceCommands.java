package dev.astravault.cli;

import dev.astravault.LeaseRecord;
import dev.astravault.Org;
import dev.astravault.ReconcileReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reap} and {@code reconcile}: the clean-up that Vault's expiration manager does for the plugin. */
final class MaintenanceCommands {
  private MaintenanceCommands() {}

  @Command(name = "reap", mixinStandardHelpOptions = true,
      description = {"Revokes every lease past its expiry now (deletes its token in Astra).",
          "Exit code 1 if some could not be revoked: they stay, with their error, and are retried."})
  static final class Reap extends CliCommand {
    private static final int LIMIT = 100_000;

    @Override
    int run() {
      root().requireDirectMode("reap", "in Vault mode Vault's expiration manager revokes expired leases itself");
      // Listed before the manager exists: building it runs a recovery pass that already revokes expired leases.
      Instant now = root().clock().instant().plusNanos(1);
      List<String> due = root().store().expiringBefore(now, LIMIT).stream().map(LeaseRecord::leaseId).toList();
      manager().reapExpired();
      int left = (int) due.stream().filter(id -> root().store().get(id).isPresent()).count();
      int revoked = due.size() - left;
      if (out().json()) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("revoked", revoked);
        view.put("failed", left);
        out().printJson(view);
      } else {
        out().success("Revoked " + revoked + " expired lease(s).");
      }
      if (left > 0) {
        err().println("astra-vault: " + left + " expired lease(s) could not be revoked; see `lease lookup` and "
            + "retry `reap` (--debug shows why)");
        return CliException.FAILURE;
      }
      return 0;
    }
  }

  @Command(name = "reconcile", mixinStandardHelpOptions = true,
      description = {"Compares each org's tokens in Astra with the store: tokens no lease knows, leases whose token "
          + "is gone, leases past expiry.",
          "With --fix: deletes unknown tokens that carry astra-vault's tag (never console-made ones), deletes the "
              + "records of vanished tokens and revokes expired leases. Only fix when this store is the only "
              + "astra-vault store for the org.",
          "A record this store cannot read (a missing key, a row rewritten outside astra-vault) is reported, and "
              + "its live token is never deleted, even with --fix: see docs/operations.md."})
  static final class Reconcile extends CliCommand {
    @Option(names = "--org-id", paramLabel = "ID", description = "Only this org (default: every org).")
    @Nullable String orgId;

    @Option(names = "--fix", description = "Repair what can be repaired.")
    boolean fix;

    @Override
    int run() {
      root().requireDirectMode("reconcile", "in Vault mode Vault is the lease authority and the plugin creates the "
          + "tokens, so there is no store of record to compare Astra with");
      List<Map<String, @Nullable Object>> reports = new ArrayList<>();
      List<Map<String, @Nullable Object>> findings = new ArrayList<>();
      for (Org org : orgsOrAll(orgId)) {
        ReconcileReport report = manager().reconcile(org.orgId(), fix);
        reports.add(Views.reconcile(report));
        report.unknownTokens().forEach(t -> findings.add(finding(org, "unknown token", t.clientId(),
            t.leaseId(), (t.ours() ? "ours" : "not ours: left alone"), t.fixed())));
        report.missingTokens().forEach(f -> findings.add(finding(org, "token gone from Astra", f.clientId(),
            f.leaseId(), f.state().name(), f.fixed())));
        report.expiredLeases().forEach(f -> findings.add(finding(org, "expired lease", f.clientId(), f.leaseId(),
            "expired " + f.expiresAt(), f.fixed())));
        report.customRoles().forEach(f -> findings.add(finding(org, "custom role " + f.name(), null, null,
            f.kind() == ReconcileReport.CustomRoleFinding.Kind.UNUSED ? "no lease uses it" : "no record knows it",
            f.fixed())));
        report.unreadableRecords().forEach(u -> findings.add(finding(org, "record this store cannot read",
            u.clientId(), u.leaseId(), u.reason() + (u.clientId() == null ? "" : ": its token is live, left alone"),
            false)));
        err().printf("org %s (%s): %s%n", org.orgId(), org.logicalName(), report.isClean() ? "clean"
            : (report.unknownTokens().size() + report.missingTokens().size() + report.expiredLeases().size()
                + report.customRoles().size() + report.unreadableRecords().size()) + " finding(s)");
        err().flush();
      }
      if (out().json()) {
        out().printJson(reports);
      } else {
        out().list(findings, List.of("orgId", "finding", "clientId", "leaseId", "detail", "fixed"),
            "No drift found.");
      }
      if (skippedOrgs > 0) {
        // Not reconciled is not clean: a script must not read this run as covering every org.
        err().println("astra-vault: " + skippedOrgs + " org(s) not reconciled: their stored configs cannot be read");
        return CliException.FAILURE;
      }
      return 0;
    }

    private static Map<String, @Nullable Object> finding(Org org, String what, @Nullable String clientId,
        @Nullable String leaseId, String detail, boolean fixed) {
      Map<String, @Nullable Object> m = new LinkedHashMap<>();
      m.put("orgId", org.orgId());
      m.put("finding", what);
      m.put("clientId", clientId);
      m.put("leaseId", leaseId);
      m.put("detail", detail);
      m.put("fixed", fixed);
      return m;
    }
  }
}

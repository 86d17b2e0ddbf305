package dev.astravault.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.ActorProvider;
import dev.astravault.AuditSink;
import dev.astravault.IssueStyle;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.audit.AuditHmac;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditorTest {
  private static final byte[] KEY = {1, 2, 3, 4};
  private static final String TOKEN = "AstraCS:client:0123456789abcdef";

  private static LeaseRecord active() {
    Instant now = Instant.parse("2026-12-05T00:00:00Z");
    return LeaseRecord.builder().leaseId("astra/o/r/x").orgId("o").roleName("r").roleId("rid")
        .style(IssueStyle.PER_REQUEST).state(LeaseState.ACTIVE).clientId("client").token(TOKEN).secret("s").generatedOn(now)
        .metadata(Map.of()).description("d").issuedAt(now).ttl(Duration.ofHours(1))
        .expiresAt(now.plusSeconds(3600)).maxExpiresAt(now.plusSeconds(7200)).build();
  }

  @Test
  void noHmacIsComputedWhenEverySinkRecordsNothing() {
    Auditor silent = new Auditor(List.of(AuditSink.noop(), AuditSink.composite(AuditSink.noop())),
        ActorProvider.system(), KEY);
    assertThat(silent.recordsNothing()).isTrue();
    assertThat(silent.ref(active()).tokenHmac()).isNull();
  }

  @Test
  void oneRecordingSinkGetsTheHmac() {
    Auditor auditor = new Auditor(List.of(AuditSink.noop(), event -> {}), ActorProvider.system(), KEY);
    assertThat(auditor.recordsNothing()).isFalse();
    assertThat(auditor.ref(active()).tokenHmac()).isEqualTo(AuditHmac.of(KEY, TOKEN));
    assertThat(AuditSink.composite(AuditSink.noop(), event -> {}).recordsNothing()).isFalse();
  }
}

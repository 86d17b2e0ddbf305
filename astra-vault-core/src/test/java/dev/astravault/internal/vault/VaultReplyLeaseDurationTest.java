package dev.astravault.internal.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.AstraVaultException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A lease's duration is read from Vault's answer only when it is one Vault could have granted, and its warnings,
 * which reach renewals, audit events and the CLI, carry no token.
 */
class VaultReplyLeaseDurationTest {
  private static VaultReply reply(String body) {
    return VaultReply.of("astra/org/token", 200, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aWholeNumberOfSecondsIsTheLeasesDuration() {
    assertThat(reply("{\"lease_duration\":3600}").leaseDuration("issue")).isEqualTo(Duration.ofHours(1));
    assertThat(reply("{\"lease_duration\":\"3600\"}").leaseDuration("issue")).isEqualTo(Duration.ofHours(1));
    assertThat(reply("{\"lease_duration\":" + VaultReply.MAX_LEASE_SECONDS + "}").leaseDuration("issue"))
        .isEqualTo(Duration.ofSeconds(VaultReply.MAX_LEASE_SECONDS));
  }

  /** Vault never grants a lease of 0 s: a missing or zero duration (a 200 with only warnings) grants nothing. */
  @Test
  void noDurationOrZeroIsNotAGrant() {
    for (String body : new String[] {"{}", "{\"lease_duration\":null}", "{\"warnings\":[\"w\"]}"}) {
      assertThatThrownBy(() -> reply(body).leaseDuration("renewing")).as(body).isInstanceOf(AstraVaultException.class)
          .hasMessage("renewing: Vault answered no lease_duration (HTTP 200 on astra/org/token)");
    }
    assertThatThrownBy(() -> reply("{\"lease_duration\":0}").leaseDuration("issuing"))
        .isInstanceOf(AstraVaultException.class).hasMessageContaining("from 1 to");
  }

  /** A renewal capped at the max TTL with under a second left reads 0 (Vault writes whole seconds): an answer. */
  @Test
  void aRenewalMayGrantZeroButMustSayIt() {
    assertThat(reply("{\"lease_duration\":0}").renewedDuration("renewing")).isZero();
    assertThat(reply("{\"lease_duration\":1800}").renewedDuration("renewing")).isEqualTo(Duration.ofMinutes(30));
    for (String body : new String[] {"{}", "{\"warnings\":[\"w\"]}", "{\"lease_duration\":-1}"}) {
      assertThatThrownBy(() -> reply(body).renewedDuration("renewing")).as(body)
          .isInstanceOf(AstraVaultException.class).hasMessageStartingWith("renewing: Vault answered");
    }
  }

  @Test
  void anythingElseIsATypedErrorThatNamesTheFieldAndNotTheValue() {
    for (String value : new String[] {"1.5", "-1", "1e30", "9223372037", "\"AstraCS:abc\"", "true", "[]", "{}",
        "99999999999999999999999"}) {
      assertThatThrownBy(() -> reply("{\"lease_duration\":" + value + "}").leaseDuration("issuing a token"))
          .as(value).isInstanceOf(AstraVaultException.class)
          .hasMessageContaining("issuing a token").hasMessageContaining("lease_duration")
          .hasMessageContaining("astra/org/token").hasMessageNotContaining("AstraCS").hasNoCause();
    }
  }

  @Test
  void warningsAreScrubbedOfTokens() {
    String root = "AstraCS:ZenclKrBpOoLhQxXnAnKaThR:" + "ab".repeat(32);
    VaultReply reply = reply("{\"warnings\":[\"TTL capped\",\"bad value " + root + "\",\"token hvs.CAESIabcdefghijkl"
        + "mnopqrstuvwxyz0123456789\"]}");
    assertThat(reply.warnings()).hasSize(3).first().isEqualTo("TTL capped");
    assertThat(String.join(" ", reply.warnings())).doesNotContain("ab".repeat(32))
        .doesNotContain("abcdefghijklmnopqrstuvwxyz0123456789").contains("bad value");
  }
}

package dev.astravault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.audit.JdbcAuditSink;
import dev.astravault.store.JdbcLeaseStore;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Bad input fails fast, with a message that names the field and never echoes a secret. */
class ValuesTest {
  static final String ROOT = "AstraCS:ZenclKrBpOoLhQxXnAnKaThR:" + "0123456789abcdef".repeat(4);

  @Test
  void roleSpecsRefuseTheNamesReservedForCustomRoles() {
    for (String name : List.of("astra-vault-0123456789abcdef", "Astra-Vault-x")) {
      assertThatThrownBy(() -> RoleSpec.builder().org("o-1").name(name).roleId("r-1").build())
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved for the custom roles");
    }
    assertThat(RoleSpec.builder().org("o-1").name("astra-vaults").roleId("r-1").build().name())
        .isEqualTo("astra-vaults");
  }

  @Test
  void orgConfigValidatesEveryFieldAndHidesTheRootToken() {
    OrgConfig org = OrgConfig.builder().orgId("o-1").rootToken("  " + ROOT + "\n").build();
    assertThat(org.rootToken()).isEqualTo(ROOT);
    assertThat(org.logicalName()).isEqualTo("o-1");
    assertThat(org.url()).isEqualTo(OrgConfig.DEFAULT_URL);
    assertThat(org.toString()).doesNotContain(ROOT).contains("██");
    assertThat(org.toOrg()).isEqualTo(new Org("o-1", "o-1", OrgConfig.DEFAULT_URL));
    assertThat(org.toBuilder().build()).isEqualTo(org);

    assertThatThrownBy(() -> OrgConfig.builder().rootToken(ROOT).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("orgId is required");
    assertThatThrownBy(() -> OrgConfig.builder().orgId("o").rootToken("AstraCS:short").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rootToken is not an Astra")
        .hasMessageNotContaining("short");
    assertThatThrownBy(() -> OrgConfig.builder().orgId("o").rootToken(ROOT).url(URI.create("ftp://x")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("url");
    assertThatThrownBy(() -> OrgConfig.builder().orgId("o o").rootToken(ROOT).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("orgId");
  }

  @Test
  void orgConfigUrlsCarryNoCredentialsAndErrorsNeverEchoThem() {
    // The URL is printed by toString, Org, the OrgConfigWritten audit event and the CLI: credentials (user info, a
    // query such as ?apikey=) must be refused, and the refusal must not quote them.
    for (String url : List.of("https://admin:hunter2@api.example", "https://api.example/v2?apikey=hunter2",
        "https://api.example/#hunter2", "ftp://admin:hunter2@api.example", "https://admin:hunter2@/v2")) {
      assertThatThrownBy(() -> OrgConfig.builder().orgId("o").rootToken(ROOT).url(URI.create(url)).build())
          .as(url).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("url")
          .hasMessageNotContaining("hunter2");
    }
    assertThat(OrgConfig.builder().orgId("o").rootToken(ROOT).url(URI.create("http://gw:8080/astra/v2")).build()
        .url()).isEqualTo(URI.create("http://gw:8080/astra/v2"));
  }

  @Test
  void aTokenGivenAsTheAuditTableIsRefusedUnquoted() {
    DataSource unused = (DataSource) Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          throw new UnsupportedOperationException(method.getName());
        });
    assertThatThrownBy(() -> JdbcAuditSink.builder(unused).table(ROOT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table")
        .hasMessageNotContaining(ROOT.substring(ROOT.lastIndexOf(':') + 1));
  }

  /** A long or multi-line table name is quoted on one line and cut; it was quoted whole (here 10 MB). */
  @Test
  void aHostileAuditTableIsQuotedOnOneLineAndCut() {
    DataSource unused = (DataSource) Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          throw new UnsupportedOperationException(method.getName());
        });
    for (String table : List.of("audit\nDROP TABLE leases", "audit ".repeat(1_700_000))) {
      assertThatThrownBy(() -> JdbcAuditSink.builder(unused).table(table)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("table must be an unquoted SQL identifier")
          .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200).doesNotContain("\n"));
    }
  }

  /** Pins what was already right: thousands of entries are refused by count, before any is read. */
  @Test
  void metadataWithThousandsOfEntriesIsRefusedByCount() {
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 5_000; i++) {
      many.put("key" + i, "v");
    }
    assertThatThrownBy(() -> TokenRequest.forRole("r").org("o").logicalName("l").metadata(many).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("metadata has 5000 entries; at most 32 are allowed");
  }

  /** Overflowing durations and a null map are refused naming the parameter, not by a raw exception of the JDK. */
  @Test
  void storeAndRequestBuildersNameTheBadParameter() {
    assertThatThrownBy(() -> JdbcLeaseStore.builder().busyTimeout(Duration.ofSeconds(Long.MAX_VALUE)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("busyTimeout out of range");
    assertThatThrownBy(() -> JdbcLeaseStore.builder().busyTimeout(Duration.ofMillis(Integer.MAX_VALUE + 1L)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("busyTimeout out of range");
    JdbcLeaseStore.builder().busyTimeout(Duration.ofMillis(Integer.MAX_VALUE));
    assertThatThrownBy(() -> TokenRequest.forRole("r").metadata((Map<String, String>) null))
        .isInstanceOf(NullPointerException.class).hasMessage("entries");
  }

  @Test
  void tokenRequestsNormaliseAndValidate() {
    TokenRequest r = TokenRequest.forRole("Reader").org("acme").logicalName("Orders").metadata("owner", "me")
        .ttl(Duration.ofMinutes(5)).build();
    assertThat(r.role()).isEqualTo("reader");
    assertThat(r.logicalName()).contains("orders");
    assertThat(r.style()).isEqualTo(IssueStyle.UNIQUE);
    assertThat(r.toBuilder().build().toString()).isEqualTo(r.toString());

    assertThatThrownBy(() -> TokenRequest.forRole("r").org("acme").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("logicalName is required");
    assertThat(TokenRequest.forRole("r").org("acme").perRequest().build().logicalName()).isEmpty();
    assertThatThrownBy(() -> TokenRequest.forRole("r").org("acme").logicalName("a:b").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("logicalName");
    assertThatThrownBy(() -> TokenRequest.forRole("r").org("acme").logicalName("x").metadata("bad key", "v")
        .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metadata key");
    assertThatThrownBy(() -> TokenRequest.forRole("r").org("acme").logicalName("x").metadata("k", "a\nb")
        .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metadata value for 'k'");
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 33; i++) {
      many.put("k" + i, "v");
    }
    assertThatThrownBy(() -> TokenRequest.forRole("r").org("acme").logicalName("x").metadata(many).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("33 entries");
    assertThatThrownBy(() -> TokenRequest.forRole("r").org("acme").logicalName("x").ttl(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
    assertThatThrownBy(() -> TokenRequest.forRole("r").org("acme").logicalName("x").issue())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("TokenManager.request()");
  }

  @Test
  void leasesAndRolesCheckTheirInvariants() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    Lease lease = Lease.issued("l", now, Duration.ofHours(1), Duration.ofHours(2));
    assertThat(lease.expiresAt()).isEqualTo(now.plusSeconds(3600));
    assertThat(lease.isExpired(now.plusSeconds(3600))).isTrue();
    assertThat(lease.lastRenewal()).isEmpty();
    assertThatThrownBy(() -> Lease.issued("l", now, Duration.ofHours(3), Duration.ofHours(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxExpiresAt");
    assertThatThrownBy(() -> new Role("o", "r", "id", Duration.ofHours(2), Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds maxTtl");
  }

  @Test
  void theBuilderFailsFastOnOptionsSetTwiceAndBadValues() {
    TokenManagerBuilder builder = TokenManager.builder().leaseStore(LeaseStore.inMemory());
    assertThatThrownBy(() -> builder.leaseStore(LeaseStore.inMemory())).isInstanceOf(IllegalStateException.class)
        .hasMessage("leaseStore was already set");
    assertThatThrownBy(() -> builder.callTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("callTimeout");
    assertThatThrownBy(() -> builder.auditHmacKey(new byte[4])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16 bytes");
  }

  @Test
  void astraTokensAndRecordsNeverPrintSecrets() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    String token = "AstraCS:ZenclKrBpOoLhQxXnAnKaThR:" + "ab".repeat(32);
    LeaseRecord record = LeaseRecord.builder().leaseId("l").orgId("o").roleName("r").roleId("id")
        .logicalName("x").state(LeaseState.ACTIVE).clientId("ZenclKrBpOoLhQxXnAnKaThR").token(token)
        .secret("s3cr3t,+.-_").generatedOn(now).description("d").issuedAt(now).ttl(Duration.ofHours(1))
        .expiresAt(now.plusSeconds(3600)).maxExpiresAt(now.plusSeconds(7200)).build();
    AstraToken astraToken = new AstraToken(record.toTokenInfo(), token, "s3cr3t,+.-_");
    assertThat(record.toString()).doesNotContain(token).doesNotContain("s3cr3t");
    assertThat(astraToken.toString()).doesNotContain(token).doesNotContain("s3cr3t").contains("AstraCS:Zencl…");
    assertThat(astraToken.redacted()).isEqualTo("AstraCS:Zencl…");
    assertThat(record.next().build().version()).isEqualTo(2);
    assertThatThrownBy(() -> record.toBuilder().state(LeaseState.ACTIVE).token(null).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token and secret must be both present or both absent");
  }
}

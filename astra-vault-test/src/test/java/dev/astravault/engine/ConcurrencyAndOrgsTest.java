package dev.astravault.engine;
import static dev.astravault.engine.EngineFixture.ORG;
import static dev.astravault.engine.EngineFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.AstraToken;
import dev.astravault.AstraVaultException;
import dev.astravault.ConflictException;
import dev.astravault.Org;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.RecordedCall;
import dev.astravault.test.vault.PluginBehaviour;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class ConcurrencyAndOrgsTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @Parameter Backend backend;

  EngineFixture f;

  @BeforeEach
  void setUp() {
    f = new EngineFixture(astra, backend);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void twoHundredThreadsIssuingOneTripleMakeExactlyOnePost() throws Exception {
    int threads = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<AstraToken>> results = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      results.add(pool.submit(() -> {
        go.await();
        return f.tokens.request().org(ORG).role(ROLE).logicalName("orders").issue();
      }));
    }
    go.countDown();
    int won = 0;
    int refused = 0;
    for (Future<AstraToken> result : results) {
      try {
        result.get(30, TimeUnit.SECONDS);
        won++;
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(TokenAlreadyExistsException.class);
        refused++;
      }
    }
    pool.shutdown();
    assertThat(won).isEqualTo(1);
    assertThat(refused).isEqualTo(threads - 1);
    assertThat(f.posts()).isEqualTo(1);
    assertThat(astra.liveTokens()).hasSize(1);
  }

  @Test
  void eachOrgUsesItsOwnUrlAndCredentials() {
    FakeOrg second = astra.addOrg();
    f.tokens.writeOrg(OrgConfig.builder().orgId(second.orgId()).rootToken(second.rootToken())
        .url(astra.url().uri()).logicalName("second").build());
    f.tokens.writeRole(RoleSpec.builder().org("second").name(ROLE)
        .roleId(astra.roleId(second, "API RO Svc Acct")).build());

    // Interleave the orgs: the plugin would reuse the first org's client for the second.
    AstraToken a = f.tokens.request().org(ORG).role(ROLE).logicalName("x").issue();
    if (backend.plugin == PluginBehaviour.V2_0_0) {
      // v2.0.0 does reuse it: it asks the first org for the second org's role id, which Astra does not know there.
      // A typed error naming both causes; no token, lease or record is left for the second org.
      assertThatThrownBy(() -> f.tokens.request().org("second").role(ROLE).logicalName("x").issue())
          .isInstanceOf(AstraVaultException.class).hasMessageContaining("Role ID not found")
          .hasMessageContaining("cross-org client cache");
      assertThat(f.tokens.leases("astra/" + second.orgId())).isEmpty();
      assertThat(astra.liveTokens()).extracting(t -> t.orgId()).containsOnly(f.fakeOrg.orgId());
      assertThat(f.vault.leases()).hasSize(1);
      return;
    }
    AstraToken b = f.tokens.request().org("second").role(ROLE).logicalName("x").issue();
    AstraToken a2 = f.tokens.request().org(ORG).role(ROLE).logicalName("y").issue();
    assertThat(a.orgId()).isEqualTo(f.fakeOrg.orgId());
    assertThat(b.orgId()).isEqualTo(second.orgId());
    assertThat(astra.token(b.clientId()).orElseThrow().orgId()).isEqualTo(second.orgId());
    assertThat(astra.token(a2.clientId()).orElseThrow().orgId()).isEqualTo(f.fakeOrg.orgId());

    f.tokens.revoke(b.lease().leaseId());
    List<RecordedCall> deletes = astra.requests().stream().filter(c -> c.method().equals("DELETE")).toList();
    assertThat(deletes).singleElement().satisfies(c ->
        assertThat(c.header("Authorization")).contains("Bearer " + second.rootToken()));
    assertThat(astra.isLive(b.token())).isFalse();
    assertThat(astra.isLive(a.token())).isTrue();
  }

  @Test
  void orgsAreFoundByIdOrUniqueLogicalNameAndNeverShowTheRootToken() {
    assertThat(f.tokens.org(ORG)).map(Org::orgId).contains(f.fakeOrg.orgId());
    assertThat(f.tokens.org(f.fakeOrg.orgId())).map(Org::logicalName).contains(ORG);
    FakeOrg second = astra.addOrg();
    assertThatThrownBy(() -> f.tokens.writeOrg(OrgConfig.builder().orgId(second.orgId())
        .rootToken(second.rootToken()).url(astra.url().uri()).logicalName(ORG).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("logicalName 'acme' is already used");
    assertThat(f.tokens.orgs()).hasSize(1);
    assertThat(f.tokens.orgs().toString()).doesNotContain(f.fakeOrg.rootToken());
    assertThat(f.org.toString()).doesNotContain(f.fakeOrg.rootToken());
  }

  @Test
  void anOrgWithLeasesCannotBeDeletedSoItsTokensCanAlwaysBeRevoked() {
    AstraToken token = f.tokens.request().org(ORG).role(ROLE).logicalName("x").issue();
    assertThatThrownBy(() -> f.tokens.deleteOrg(ORG)).isInstanceOf(ConflictException.class)
        .isInstanceOf(AstraVaultException.class).hasMessageContaining("1 lease");
    assertThat(f.tokens.org(ORG)).isPresent();
    f.tokens.revoke(token.lease().leaseId());
    f.tokens.deleteOrg(ORG);
    assertThat(f.tokens.orgs()).isEmpty();
  }
}

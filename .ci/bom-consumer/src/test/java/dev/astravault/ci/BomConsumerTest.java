package dev.astravault.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.astravault.AstraToken;
import dev.astravault.OrgConfig;
import dev.astravault.TokenManager;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import org.junit.jupiter.api.Test;

/** A token issue through the BOM-managed class path, with Moshi 1.15.2 declared ahead of astra-vault-core. */
class BomConsumerTest {

  @Test
  void issuesATokenAgainstFakeAstraWithMoshi1152OnTheClassPath() {
    try (FakeAstra astra = FakeAstra.create().start()) {
      FakeOrg fakeOrg = astra.defaultOrg();
      OrgConfig org = OrgConfig.builder().orgId(fakeOrg.orgId()).rootToken(fakeOrg.rootToken())
          .url(astra.url().uri()).logicalName("consumer").build();
      try (TokenManager tokens = TokenManager.builder().build()) {
        tokens.writeOrg(org);
        tokens.syncRoles("consumer");
        AstraToken token = tokens.request().org("consumer").role("api_ro_svc_acct").logicalName("bom-consumer")
            .metadata("owner", "ci").issue();
        assertFalse(token.token().isEmpty());
        assertTrue(astra.token(token.clientId()).isPresent(), "FakeAstra holds the issued token");
      }
    }
  }

  @Test
  void theBomWinsOverMoshisOkioAndKotlin() {
    assertEquals("moshi-1.15.2.jar", jarOf(com.squareup.moshi.Moshi.class));
    // Moshi 1.15.2 asks for okio 3.7.0 and Kotlin 1.8.21; the BOM must have replaced both with the versions OkHttp 5
    // and astra-vault are built with (the parent pom's okio.version and kotlin.version, passed in by .ci/run).
    assertEquals("okio-jvm-" + System.getProperty("expected.okio.version") + ".jar", jarOf(okio.Buffer.class));
    assertEquals("kotlin-stdlib-" + System.getProperty("expected.kotlin.version") + ".jar", jarOf(kotlin.Unit.class));
  }

  private static String jarOf(Class<?> type) {
    String location = type.getProtectionDomain().getCodeSource().getLocation().getPath();
    return location.substring(location.lastIndexOf('/') + 1);
  }
}

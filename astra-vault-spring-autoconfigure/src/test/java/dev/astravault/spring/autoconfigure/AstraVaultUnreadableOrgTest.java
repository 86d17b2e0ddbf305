package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.OrgConfig;
import dev.astravault.store.JdbcLeaseStore;
import dev.astravault.test.FakeAstra;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Properties that leave the org out take "the only org". An org config the store holds but this instance cannot
 * read (sealed under a key it lacks) still counts: picking the one readable org would act on the other's absence.
 */
class AstraVaultUnreadableOrgTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  private static final String OTHER_ROOT_TOKEN = "AstraCS:otherOrgRootTokenAbcdefg:" + "a".repeat(64);

  @Test
  void anUnreadableStoredOrgMeansThereIsNoOnlyOrgAndStartupNamesIt(@TempDir Path dir) throws Exception {
    Path db = dir.resolve("leases.db");
    // Another org, written by an instance holding another key.
    try (JdbcLeaseStore other = JdbcLeaseStore.builder().jdbcUrl("jdbc:sqlite:" + db)
        .keyProvider(KeyProvider.of(EncryptionKey.generate())).build()) {
      other.putOrg(OrgConfig.builder().orgId("other-org").rootToken(OTHER_ROOT_TOKEN)
          .url(URI.create("https://api.astra.datastax.com")).build());
    }
    Path keyFile = dir.resolve("store.key");
    Files.writeString(keyFile, EncryptionKey.generate().toBase64() + "\n");
    // The org of the startup token and of the role are left out.
    String[] properties = Arrays.stream(FakeAstraContext.properties(astra))
        .filter(p -> !p.startsWith("astra.vault.roles[0]")).toArray(String[]::new);
    FakeAstraContext.runner().withUserConfiguration(FakeAstraContext.ManualTime.class)
        .withPropertyValues(properties)
        .withPropertyValues("astra.vault.store.type=sqlite", "astra.vault.store.sqlite-file=" + db,
            "astra.vault.store.key-file=" + keyFile)
        .run(context -> {
          FailureAnalysis a = FakeAstraContext.analysis(context, astra);
          assertThat(a.getDescription()).contains("astra.vault.token.org is not set", "there are 2 orgs",
              "other-org stored but unreadable by this instance").doesNotContain(OTHER_ROOT_TOKEN);
          assertThat(a.getAction()).contains("an org config that no longer loads");
        });
  }
}

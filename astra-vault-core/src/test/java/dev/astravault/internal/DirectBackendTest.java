package dev.astravault.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.OrgConfig;
import dev.astravault.internal.astra.AstraDevOps;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectBackendTest {
  private final List<OrgConfig> built = new ArrayList<>();
  private final DirectBackend backend = new DirectBackend(org -> {
    built.add(org);
    return (AstraDevOps) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AstraDevOps.class},
        (proxy, method, args) -> method.getName().equals("toString") ? "client for " + org.orgId() : null);
  });

  private static OrgConfig org(String rootSuffix, String url) {
    return OrgConfig.builder().orgId("11111111-2222-3333-4444-555555555555")
        .rootToken("AstraCS:" + "A".repeat(24) + ":" + rootSuffix.repeat(64 / rootSuffix.length()))
        .url(URI.create(url)).build();
  }

  @Test
  void aClientIsBuiltOncePerConfigAndRebuiltWhenTheConfigChanges() {
    OrgConfig first = org("0", "https://api.astra.datastax.com");
    AstraDevOps client = backend.client(first);
    assertThat(backend.client(first)).isSameAs(client);
    assertThat(backend.client(org("0", "https://api.astra.datastax.com"))).as("an equal config").isSameAs(client);
    assertThat(built).hasSize(1);

    // A new root token or URL for the same org: never the old client (the plugin's cache bug).
    AstraDevOps rotated = backend.client(org("1", "https://api.astra.datastax.com"));
    assertThat(rotated).isNotSameAs(client);
    AstraDevOps moved = backend.client(org("1", "https://other.example"));
    assertThat(moved).isNotSameAs(rotated);
    assertThat(backend.client(org("1", "https://other.example"))).isSameAs(moved);
    assertThat(built).hasSize(3);
  }
}

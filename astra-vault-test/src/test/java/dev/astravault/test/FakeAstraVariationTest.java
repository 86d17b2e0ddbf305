package dev.astravault.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;

/** How FakeAstra's variation is chosen, reported and turned off (docs/testing.md); its effects: the conformance. */
class FakeAstraVariationTest {
  private static final OkHttpClient HTTP = new OkHttpClient();

  @Test
  void theSeedComesFromTheBuilderElseTheSystemPropertyElseOnePerJvm() {
    try (FakeAstra seeded = FakeAstra.builder().seed(7).build();
        FakeAstra byDefault = FakeAstra.create();
        FakeAstra strict = FakeAstra.builder().strict().build()) {
      assertThat(seeded.variation()).isEqualTo(Variation.seeded(7));
      assertThat(byDefault.variation().seed()).isEqualTo(Variation.defaultSeed());
      String property = System.getProperty(Variation.SEED_PROPERTY);
      if (property != null) {
        assertThat(Variation.defaultSeed()).isEqualTo(Long.parseLong(property));
      }
      assertThat(byDefault.variation().isStrict()).isEqualTo(Boolean.getBoolean(Variation.STRICT_PROPERTY));
      assertThat(strict.variation().isStrict()).isTrue();
    }
  }

  @Test
  void toStringAndFailureReportsCarryTheSeed() {
    try (FakeAstra fake = FakeAstra.builder().seed(12345).build()) {
      assertThat(fake.toString()).contains("seed 12345").contains("-Dastra.fakes.seed=12345");
      Map<String, String> entries = new LinkedHashMap<>();
      String printed = stderrOf(() -> fake.testFailed(context("myTest()", entries), new AssertionError("boom")));
      assertThat(printed).contains("myTest() failed; FakeAstra answered with seed 12345")
          .contains("rerun with -Dastra.fakes.seed=12345").contains("-Dastra.fakes.strict=true");
      assertThat(entries).containsEntry(Variation.SEED_PROPERTY, "12345");
      // The failure itself carries the seed, so the build log shows it.
      AssertionError failure = new AssertionError("boom");
      assertThatThrownBy(() -> fake.handleTestExecutionException(context("x()", entries), failure)).isSameAs(failure);
      assertThatThrownBy(() -> fake.handleTestExecutionException(context("x()", entries), failure)).isSameAs(failure);
      assertThat(failure.getSuppressed()).singleElement().extracting(Throwable::getMessage).asString()
          .contains("FakeAstra answered with seed 12345 (rerun with -Dastra.fakes.seed=12345");
    }
    try (FakeAstra strict = FakeAstra.builder().strict().build()) {
      assertThat(strict.toString()).contains("strict");
    }
    Map<String, String> entries = new LinkedHashMap<>();
    String printed = stderrOf(() -> new SeedReporter().testFailed(context("other()", entries), null));
    assertThat(printed).contains("other() failed; fakes answered with");
    assertThat(entries).containsKey(Variation.SEED_PROPERTY);
  }

  @Test
  void choicesAreDeterministicPerSeedDimensionAndNumber() {
    Variation a = Variation.seeded(1);
    List<Integer> first = new ArrayList<>();
    List<Integer> again = new ArrayList<>();
    Set<Integer> values = new HashSet<>();
    for (int n = 0; n < 200; n++) {
      first.add(a.pick("dim", n, 4));
      again.add(Variation.seeded(1).pick("dim", n, 4));
      values.add(a.pick("dim", n, 4));
    }
    assertThat(first).isEqualTo(again);
    assertThat(values).containsExactlyInAnyOrder(0, 1, 2, 3);
    long hits = java.util.stream.IntStream.range(0, 1000).filter(n -> a.chance("c", n, 10)).count();
    assertThat(hits).isBetween(50L, 150L);
    assertThat(Variation.strict().pick("dim", 3, 4)).isZero();
    assertThat(Variation.strict().chance("c", 3, 100)).isFalse();
    assertThatThrownBy(() -> a.pick("dim", 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void explicitSettingsPinTheirDimension() throws IOException {
    try (FakeAstra fake = FakeAstra.builder().seed(3).build().start()) {
      fake.deleteStatus(204).roleJsonStyle(RoleJsonStyle.UPPER_CASE);
      Set<Integer> statuses = new HashSet<>();
      for (int i = 0; i < 12; i++) {
        String clientId = create(fake);
        statuses.add(send(fake, "DELETE", "/v2/clientIdSecrets/" + clientId, true));
      }
      assertThat(statuses).containsExactly(204);
      for (int i = 0; i < 12; i++) {
        try (Response r = call(fake, "GET", "/v2/organizations/roles")) {
          if (r.code() == 200) {
            assertThat(r.body().string()).startsWith("[{\"ID\":").contains("\"Type\":").contains("\"policy\":\"{");
          }
        }
      }
    }
  }

  @Test
  void transientFailuresCanBeTurnedOffAloneWhileShapesStillVary() throws IOException {
    try (FakeAstra fake = FakeAstra.builder().seed(5).transientFailures(false).build().start()) {
      Set<Integer> deletes = new HashSet<>();
      for (int i = 0; i < 40; i++) {
        try (Response r = call(fake, "GET", "/v2/currentOrg")) {
          assertThat(r.code()).isEqualTo(200);
        }
        deletes.add(send(fake, "DELETE", "/v2/clientIdSecrets/" + create(fake), false));
      }
      assertThat(deletes).containsExactlyInAnyOrder(200, 204);
    }
  }

  private static String create(FakeAstra fake) throws IOException {
    Request request = new Request.Builder().url(fake.url("/v2/clientIdSecrets"))
        .header("Authorization", "Bearer " + fake.defaultOrg().rootToken())
        .post(okhttp3.RequestBody.create("{\"roles\":[\"" + fake.roleId("API RO User") + "\"]}",
            okhttp3.MediaType.get("application/json"))).build();
    try (Response r = HTTP.newCall(request).execute()) {
      assertThat(r.code()).isEqualTo(200);
      String body = r.body().string();
      int at = body.indexOf("\"clientId\":\"") + 12;
      return body.substring(at, body.indexOf('"', at));
    }
  }

  private static int send(FakeAstra fake, String method, String path, boolean retryTransient) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try (Response r = call(fake, method, path)) {
        if (retryTransient && (r.code() == 429 || r.code() == 503) && attempt < 3) {
          continue;
        }
        return r.code();
      }
    }
  }

  private static Response call(FakeAstra fake, String method, String path) throws IOException {
    return HTTP.newCall(new Request.Builder().url(fake.url(path))
        .header("Authorization", "Bearer " + fake.defaultOrg().rootToken()).method(method, null).build()).execute();
  }

  private static String stderrOf(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  /** The two ExtensionContext methods the reporters use; any other call fails the test. */
  private static ExtensionContext context(String displayName, Map<String, String> entries) {
    return (ExtensionContext) Proxy.newProxyInstance(ExtensionContext.class.getClassLoader(),
        new Class<?>[] {ExtensionContext.class}, (proxy, method, args) -> switch (method.getName()) {
          case "getDisplayName" -> displayName;
          case "publishReportEntry" -> {
            if (args.length == 2) {
              entries.put((String) args[0], (String) args[1]);
              yield null;
            }
            throw new UnsupportedOperationException(method.toString());
          }
          default -> throw new UnsupportedOperationException(method.toString());
        });
  }
}

package dev.astravault.test.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.Variation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the Astra DevOps API answers on the wire, case by case, for {@link FakeAstra} and the real service alike.
 * Extend it and return the endpoint to check:
 *
 * <pre>{@code
 * class FakeAstraConformanceTest extends AstraDevOpsConformance {
 *   @RegisterExtension static final FakeAstra astra = FakeAstra.create();
 *   @Override protected AstraEndpoint endpoint() { return AstraEndpoint.of(astra); }
 * }
 *
 * @EnabledIfEnvironmentVariable(named = "ASTRA_ORG_TOKEN", matches = ".+")
 * class RealAstraConformanceTest extends AstraDevOpsConformance {
 *   @Override protected AstraEndpoint endpoint() { return AstraEndpoint.fromEnvironment().orElseThrow(); }
 * }
 * }</pre>
 *
 * Against the real service the cases create a few tokens with a read-only role and delete them at once. Cases marked
 * "fake only" script faults or count the fake's choices, and are skipped elsewhere. A 429 or 503 on a GET or DELETE
 * is retried at once, up to 5 attempts, since either may come on any call.
 */
public abstract class AstraDevOpsConformance {
  private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  /** Read-only roles first: real tokens made by the cases can do as little as possible. */
  private static final List<String> PREFERRED_ROLES = List.of("API RO Svc Acct", "RO Svc Acct", "RO User");

  private AstraEndpoint astra;

  /**
   * The endpoint to check; called before each case.
   *
   * @return the endpoint
   */
  protected abstract AstraEndpoint endpoint();

  @BeforeEach
  final void resolveEndpoint() {
    astra = endpoint();
  }

  // ---------------------------------------------------------------- wire-true details

  /** A 404 carries Go's standard reason phrase, "404 Not Found" (clients such as the Vault plugin quote it). */
  @Test
  void aNotFoundAnswerSaysNotFound() {
    Http.Answer answer = Http.idempotent("DELETE", astra.url("/v2/clientIdSecrets/" + unknownClientId()), auth());
    assertEquals(404, answer.status(), "DELETE of an unknown clientId");
    assertEquals("Not Found", answer.reason());
  }

  /** Fake only: a 500 says "500 Internal Server Error", not MockWebServer's "Server Error". */
  @Test
  void aServerErrorSaysInternalServerError() {
    FakeAstra fake = fakeOnly();
    fake.fault(Endpoint.LIST_TOKENS).status(500);
    Http.Answer answer = Http.exchange("GET", astra.url("/v2/clientIdSecrets"), auth(), null);
    assertEquals(500, answer.status());
    assertEquals("Internal Server Error", answer.reason());
  }

  /** A method the path does not serve answers 405 with an {@code Allow} header naming the methods it does. */
  @Test
  void aWrongMethodIs405WithAllow() {
    Http.Answer answer = Http.exchange("PUT", astra.url("/v2/clientIdSecrets"), auth(), "{}");
    assertEquals(405, answer.status());
    assertEquals("Method Not Allowed", answer.reason());
    String allow = answer.headers().get("Allow");
    assertNotNull(allow, "405 without an Allow header");
    assertTrue(allow.contains("GET") && allow.contains("POST"), "Allow: " + allow);
  }

  /**
   * Fake only (the notes show only {@code Bearer}, so the fake makes the strict choice): a lower-case
   * {@code bearer} scheme counts as no bearer token (401, ID 340002).
   */
  @Test
  void theBearerSchemeIsSpelledExactly() {
    fakeOnly();
    Http.Answer answer = Http.exchange("GET", astra.url("/v2/currentOrg"),
        Map.of("Authorization", "bearer " + astra.rootToken()), null);
    assertEquals(401, answer.status());
    assertTrue(answer.body().contains("340002"), "expected Astra error 340002");
    Http.Answer right = Http.idempotent("GET", astra.url("/v2/currentOrg"), auth());
    assertEquals(200, right.status(), "the same token with the Bearer scheme");
  }

  // ---------------------------------------------------------------- shapes that vary

  /** A successful DELETE answers 200 (the spec) or 204 (seen in practice), with an empty body; a second one 404. */
  @Test
  void deleteAnswers200Or204ThenNotFound() {
    String clientId = createToken();
    Http.Answer first = Http.idempotent("DELETE", astra.url("/v2/clientIdSecrets/" + clientId), auth());
    assertTrue(first.status() == 200 || first.status() == 204, "DELETE answered " + first);
    assertEquals("", first.body(), "DELETE body");
    Http.Answer second = Http.idempotent("DELETE", astra.url("/v2/clientIdSecrets/" + clientId), auth());
    assertEquals(404, second.status(), "a second DELETE");
  }

  /** Fake only: a varied fake answers DELETE with both 200 and 204; a strict one always with 200. */
  @Test
  void aVariedFakeDeletesWithBoth200And204() {
    FakeAstra fake = fakeOnly();
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 24; i++) {
      String clientId = createToken();
      seen.add(Http.idempotent("DELETE", astra.url("/v2/clientIdSecrets/" + clientId), auth()).status());
    }
    assertEquals(fake.variation().isStrict() ? Set.of(200) : Set.of(200, 204), seen, fake.variation().toString());
  }

  /**
   * Roles come with their keys in either case ({@code id|ID}, {@code name|Name}) and the policy as an object or as
   * a JSON string holding one; each form carries the same role.
   */
  @Test
  void rolesComeInEitherShape() {
    Set<String> shapes = new HashSet<>();
    for (int i = 0; i < (astra.fake().isPresent() ? 40 : 1); i++) {
      Http.Answer answer = Http.idempotent("GET", astra.url("/v2/organizations/roles"), auth());
      assertEquals(200, answer.status());
      List<?> roles = assertInstanceOf(List.class, answer.json());
      assertFalse(roles.isEmpty(), "no roles");
      for (Object entry : roles) {
        Map<?, ?> role = assertInstanceOf(Map.class, entry);
        boolean upper = role.containsKey("ID");
        assertInstanceOf(String.class, upper ? role.get("ID") : role.get("id"), "role id");
        assertInstanceOf(String.class, upper ? role.get("Name") : role.get("name"), "role name");
        Object policy = role.containsKey("Policy") ? role.get("Policy") : role.get("policy");
        if (policy instanceof String text) {
          assertInstanceOf(Map.class, new Http.Answer(200, "", okhttp3.Headers.of(), text).json(), "policy text");
        } else {
          assertInstanceOf(Map.class, policy, "policy");
        }
        shapes.add((upper ? "upper" : "lower") + "/" + (policy instanceof String ? "string" : "object"));
      }
    }
    astra.fake().ifPresent(fake -> assertEquals(fake.variation().isStrict() ? Set.of("lower/object")
        : Set.of("lower/object", "lower/string", "upper/object", "upper/string"), shapes, fake.variation().toString()));
  }

  /** Bodies may carry fields no client knows; the known ones are always there. Fake: only when varied. */
  @Test
  void bodiesMayCarryUnknownFields() {
    Set<String> unknown = new HashSet<>();
    for (int i = 0; i < (astra.fake().isPresent() ? 12 : 1); i++) {
      Http.Answer org = Http.idempotent("GET", astra.url("/v2/currentOrg"), auth());
      assertEquals(200, org.status());
      Map<String, Object> body = org.object();
      assertInstanceOf(String.class, body.get("id"), "currentOrg id");
      body.keySet().stream().filter(k -> !Set.of("id", "name").contains(k)).forEach(unknown::add);

      Http.Answer created = Http.exchange("POST", astra.url("/v2/clientIdSecrets"), auth(),
          Http.toJson(Map.of("roles", List.of(roleId()))));
      assertEquals(200, created.status(), "create");
      Map<String, Object> token = created.object();
      for (String known : List.of("clientId", "secret", "orgId", "roles", "token")) {
        assertTrue(token.containsKey(known), "create answer without " + known);
      }
      token.keySet().stream().filter(k -> !Set.of("clientId", "secret", "orgId", "roles", "token", "generatedOn")
          .contains(k)).forEach(unknown::add);
      Http.idempotent("DELETE", astra.url("/v2/clientIdSecrets/" + token.get("clientId")), auth());
    }
    astra.fake().ifPresent(fake -> assertEquals(!fake.variation().isStrict(), !unknown.isEmpty(),
        fake.variation() + " added " + unknown));
  }

  /**
   * Fake only: a varied fake now and then answers a GET or DELETE with 429 or 503 and a {@code Retry-After}, never
   * twice in a row on one endpoint, and never a POST (which is not safe to retry); a strict fake never does.
   */
  @Test
  void transientFailuresComeOnlyOnVerbsSafeToRetry() {
    FakeAstra fake = fakeOnly();
    int transients = 0;
    int previous = 200;
    for (int i = 0; i < 120; i++) {
      Http.Answer answer = Http.exchange("GET", astra.url("/v2/currentOrg"), auth(), null);
      if (answer.status() == 429 || answer.status() == 503) {
        transients++;
        assertNotNull(answer.headers().get("Retry-After"), "a " + answer + " without Retry-After");
        assertFalse(previous == 429 || previous == 503, "two transient answers in a row");
      } else {
        assertEquals(200, answer.status());
      }
      previous = answer.status();
    }
    for (int i = 0; i < 30; i++) {
      Http.Answer created = Http.exchange("POST", astra.url("/v2/clientIdSecrets"), auth(),
          Http.toJson(Map.of("roles", List.of(roleId()))));
      assertEquals(200, created.status(), "a create must never be shed as a transient failure");
    }
    if (fake.variation().isStrict()) {
      assertEquals(0, transients, "a strict fake injected transient failures");
    } else {
      assertTrue(transients > 0, fake.variation() + " injected no 429/503 in 120 GETs");
    }
  }

  /** Fake only: the same seed makes the same choices in the same order; another seed makes others. */
  @Test
  void theSameSeedMakesTheSameChoices() {
    fakeOnly();
    List<String> first = choices(Variation.seeded(42));
    assertEquals(first, choices(Variation.seeded(42)));
    assertNotEquals(first, choices(Variation.seeded(43)));
    List<String> strict = choices(Variation.strict());
    assertEquals(Set.of("200:[id, name, policy]"), new HashSet<>(strict), "strict answers");
  }

  private static List<String> choices(Variation variation) {
    List<String> seen = new ArrayList<>();
    try (FakeAstra fake = FakeAstra.builder().variation(variation).build().start()) {
      AstraEndpoint endpoint = AstraEndpoint.of(fake);
      for (int i = 0; i < 16; i++) {
        Http.Answer answer = Http.exchange("GET", endpoint.url("/v2/organizations/roles"),
            Map.of("Authorization", "Bearer " + endpoint.rootToken()), null);
        String keys = answer.status() == 200
            ? String.valueOf(((Map<?, ?>) ((List<?>) answer.json()).get(0)).keySet().stream().sorted().toList())
            : "-";
        seen.add(answer.status() + ":" + keys);
      }
    }
    return seen;
  }

  // ---------------------------------------------------------------- helpers

  private Map<String, String> auth() {
    return Map.of("Authorization", "Bearer " + astra.rootToken());
  }

  private FakeAstra fakeOnly() {
    assumeTrue(astra.fake().isPresent(), "this case scripts the fake; it runs against FakeAstra only");
    return astra.fake().get();
  }

  private static String unknownClientId() {
    StringBuilder id = new StringBuilder();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < 24; i++) {
      id.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
    }
    return id.toString();
  }

  private @Nullable String roleId;

  /** A read-only role of the org, by name. */
  private String roleId() {
    if (roleId == null) {
      roleId = readOnlyRoleId(astra);
    }
    return roleId;
  }

  static String readOnlyRoleId(AstraEndpoint astra) {
    Http.Answer answer = Http.idempotent("GET", astra.url("/v2/organizations/roles"),
        Map.of("Authorization", "Bearer " + astra.rootToken()));
    assertEquals(200, answer.status(), "GET roles");
    List<?> roles = assertInstanceOf(List.class, answer.json());
    for (String wanted : PREFERRED_ROLES) {
      for (Object entry : roles) {
        Map<?, ?> role = (Map<?, ?>) entry;
        Object name = role.containsKey("Name") ? role.get("Name") : role.get("name");
        if (wanted.equals(name)) {
          return String.valueOf(role.containsKey("ID") ? role.get("ID") : role.get("id"));
        }
      }
    }
    throw new AssertionError("the org has none of the roles " + PREFERRED_ROLES);
  }

  private String createToken() {
    Http.Answer created = Http.exchange("POST", astra.url("/v2/clientIdSecrets"), auth(),
        Http.toJson(Map.of("roles", List.of(roleId()))));
    assertEquals(200, created.status(), "create");
    return String.valueOf(created.object().get("clientId"));
  }
}

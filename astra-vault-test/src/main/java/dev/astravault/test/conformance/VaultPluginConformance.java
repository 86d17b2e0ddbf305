package dev.astravault.test.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.vault.PluginBehaviour;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a Vault running DataStax's Astra plugin answers, case by case, for {@code FakeVault} (in either
 * {@link PluginBehaviour}) and a real Vault with the released plugin alike. Extend it and return the endpoint:
 *
 * <pre>{@code
 * class FakeVaultConformanceTest extends VaultPluginConformance {
 *   @RegisterExtension static final FakeAstra astra = FakeAstra.create();
 *   @RegisterExtension static final FakeVault vault = FakeVault.create();
 *   @Override protected VaultEndpoint endpoint() { return VaultEndpoint.of(vault, AstraEndpoint.of(astra)); }
 * }
 * }</pre>
 *
 * Each case writes a config and a role under a fresh {@code org_id} label and deletes them afterwards; tokens it
 * issues are deleted in Astra and their leases force-revoked. Cases marked "fake only" script faults in FakeAstra.
 */
public abstract class VaultPluginConformance {
  private static final String ROLE = "conformance";

  private VaultEndpoint vault;
  private String org;
  private final List<String> leases = new ArrayList<>();
  private final List<String> clientIds = new ArrayList<>();

  /**
   * The endpoint to check; called before each case.
   *
   * @return the endpoint
   */
  protected abstract VaultEndpoint endpoint();

  @BeforeEach
  final void resolveEndpoint() {
    vault = endpoint();
    org = "conformance-" + UUID.randomUUID();
  }

  @AfterEach
  final void cleanUp() {
    for (String clientId : clientIds) {
      Http.idempotent("DELETE", vault.astra().url("/v2/clientIdSecrets/" + clientId), astraAuth());
    }
    for (String lease : leases) {
      Http.exchange("POST", vault.url("sys/leases/revoke-force/" + lease), auth(), null);
    }
    Http.exchange("DELETE", query(mount("role"), Map.of("role_name", ROLE, "org_id", org)), auth(), null);
    Http.exchange("DELETE", query(mount("config"), Map.of("org_id", org)), auth(), null);
  }

  // ---------------------------------------------------------------- wire-true details

  /** Status lines carry Go's standard reason phrases: "403 Forbidden", "404 Not Found", "400 Bad Request". */
  @Test
  void statusLinesCarryTheStandardReasonPhrases() {
    Http.Answer forbidden = Http.exchange("GET", vault.url("auth/token/lookup-self"), Map.of(), null);
    assertEquals(403, forbidden.status());
    assertEquals("Forbidden", forbidden.reason());
    Http.Answer notFound = Http.exchange("GET", query(mount("role"), Map.of("role_name", "none", "org_id", org)),
        auth(), null);
    assertEquals(404, notFound.status(), "a missing role");
    assertEquals("Not Found", notFound.reason());
    Http.Answer bad = Http.exchange("POST", mount("config"), auth(), "{not json");
    assertEquals(400, bad.status());
    assertEquals("Bad Request", bad.reason());
  }

  /**
   * PATCH is taken only as a JSON merge patch (http/logical.go): any other Content-Type is 415, naming the media type
   * without its parameters, before the token is looked at; nothing is written.
   */
  @Test
  void aPatchThatIsNotAMergePatchIs415() {
    for (Map<String, String> headers : List.of(auth(), Map.<String, String>of())) {
      Http.Answer answer = Http.exchange("PATCH", mount("config"), headers, Http.toJson(Map.of("org_id", org)));
      assertEquals(415, answer.status());
      assertEquals("Unsupported Media Type", answer.reason());
      assertEquals(List.of("PATCH requires Content-Type of application/merge-patch+json, provided application/json"),
          answer.object().get("errors"));
    }
    Http.Answer config = Http.exchange("GET", query(mount("config"), Map.of("org_id", org)), auth(), null);
    // No config was written: a missing one is 500 in v2.0.0, 404 fixed (aMissingConfigIsNamed).
    assertEquals(vault.behaviour() == PluginBehaviour.V2_0_0 ? 500 : 404, config.status());
  }

  /** {@code sys/seal-status} answers GET only (http/sys_seal.go): any other method is 405 with no error text. */
  @Test
  void sealStatusAnswersGetOnly() {
    for (String method : List.of("POST", "PUT", "DELETE")) {
      Http.Answer answer = Http.exchange(method, vault.url("sys/seal-status"), Map.of(), method.equals("DELETE")
          ? null : "{}");
      assertEquals(405, answer.status(), method);
      assertEquals(Map.of("errors", List.of()), answer.object(), method);
    }
    assertEquals(200, Http.exchange("GET", vault.url("sys/seal-status"), Map.of(), null).status());
  }

  /**
   * A request without a token, or with one Vault does not know, is refused with 403 and {@code permission denied}
   * (an unknown token on Vault 1.17+ also says {@code invalid token}, PR #26687; older versions answer as for a
   * missing token): never a 401, never a 404 that would let a client think the path is simply empty.
   */
  @Test
  void aMissingOrUnknownTokenIs403PermissionDenied() {
    HttpUrl role = query(mount("role"), Map.of("role_name", ROLE, "org_id", org));
    Http.Answer missing = Http.exchange("GET", role, Map.of(), null);
    assertEquals(403, missing.status());
    assertEquals(List.of("permission denied"), missing.object().get("errors"));
    Http.Answer unknown = Http.exchange("GET", role, Map.of("X-Vault-Token", "hvs.unknown" + UUID.randomUUID()), null);
    assertEquals(403, unknown.status());
    List<?> errors = assertInstanceOf(List.class, unknown.object().get("errors"));
    assertEquals(1, errors.size(), () -> "errors: " + errors);
    String error = String.valueOf(errors.get(0));
    assertTrue(error.equals("permission denied")
        || error.equals("2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n"), error);
  }

  /**
   * {@code metadata} is Vault's TypeKVPairs: a string is one pair cut at its first '=', never split on commas, so
   * {@code "a=1,b=2"} is the key {@code a} with the value {@code 1,b=2}.
   */
  @Test
  void aMetadataStringIsOnePair() {
    configure(vault.astra().baseUrl());
    Map<String, Object> data = issue(Map.of("metadata", "a=1,b=2"));
    assertEquals(Map.of("a", "1,b=2"), data.get("metadata"));
  }

  /** A pair with an empty key is refused before the plugin runs: 400 {@code invalid key pair "=alice"}. */
  @Test
  void aMetadataPairWithAnEmptyKeyIsRefused() {
    configure(vault.astra().baseUrl());
    Http.Answer answer = writeToken(Map.of("metadata", "=alice"));
    assertEquals(400, answer.status());
    assertEquals(List.of("Field validation failed: error converting input =alice for field \"metadata\": "
        + "invalid key pair \"=alice\""), answer.object().get("errors"));
  }

  /** An unreachable Astra is reported with Go's own words: {@code dial tcp 127.0.0.1:PORT: connect: ...}. */
  @Test
  void anUnreachableAstraIsReportedAsGoReportsIt() {
    int port = closedPort();
    String url = "http://127.0.0.1:" + port;
    configure(url);
    Http.Answer answer = writeToken(Map.of());
    assertEquals(500, answer.status());
    String error = firstError(answer);
    String expected = "error creating Astra token: error sending request Post \"" + url
        + "/v2/clientIdSecrets\": dial tcp 127.0.0.1:" + port + ": connect: connection refused";
    assertTrue(error.contains(expected), "expected <" + expected + "> in <" + error + ">");
  }

  /** Fake only: a truncated create answer is reported with Go's {@code unexpected end of JSON input}. */
  @Test
  void aTruncatedAstraAnswerIsReportedAsGoReportsIt() {
    FakeAstra astra = fakeAstraOnly();
    configure(vault.astra().baseUrl());
    astra.fault(Endpoint.CREATE_TOKEN).malformedBody();
    Http.Answer answer = writeToken(Map.of());
    assertEquals(500, answer.status());
    String error = firstError(answer);
    assertTrue(error.contains("failed to decode JSON response '{\"clientId\":\"trunc', caused by unexpected end of "
        + "JSON input"), error);
  }

  /**
   * A config that does not exist is named in the answer: v2.0.0 says so in a 500 ({@code unable to find config for
   * org ID <org>}, and {@code org ID<org>}, without the space, on the token path); fixed, a 404 with the same
   * message, spaced.
   */
  @Test
  void aMissingConfigIsNamed() {
    Http.Answer config = Http.exchange("GET", query(mount("config"), Map.of("org_id", org)), auth(), null);
    Http.Answer token = Http.exchange("GET", query(mount("org/token"),
        Map.of("org_id", org, "role_name", ROLE, "logical_name", "x")), auth(), null);
    if (vault.behaviour() == PluginBehaviour.V2_0_0) {
      assertEquals(500, config.status());
      assertEquals("unable to find config for org ID " + org, firstError(config));
      assertEquals(500, token.status());
      assertEquals("unable to find config for org ID" + org, firstError(token));
    } else {
      assertEquals(404, config.status());
      assertEquals(List.of("unable to find config for org ID " + org), config.object().get("errors"));
      assertEquals(404, token.status());
      assertEquals(List.of("unable to find config for org ID " + org), token.object().get("errors"));
    }
  }

  /**
   * Revoking the lease of a token already deleted in Astra: v2.0.0 fails with Astra's status line quoted,
   * {@code unable to delete token in astra; 404 Not Found}, and keeps the lease; fixed, the lease is revoked.
   */
  @Test
  void revokingATokenAlreadyGoneFromAstra() {
    configure(vault.astra().baseUrl());
    Map<String, Object> data = issue(Map.of());
    Http.Answer deleted = Http.idempotent("DELETE",
        vault.astra().url("/v2/clientIdSecrets/" + data.get("clientId")), astraAuth());
    assertTrue(deleted.status() == 200 || deleted.status() == 204, "deleting in Astra: " + deleted);
    String lease = leases.get(leases.size() - 1);
    Http.Answer revoke = revokeOnce(lease);
    if (vault.behaviour() == PluginBehaviour.V2_0_0) {
      assertEquals(400, revoke.status());
      String error = firstError(revoke);
      assertTrue(error.contains("unable to delete token in astra; 404 Not Found"), error);
    } else {
      assertEquals(204, revoke.status(), () -> "revoke: " + revoke.body());
    }
  }

  // ---------------------------------------------------------------- helpers

  /** One sync revoke; again if Astra shed the plugin's DELETE with a 429 or 503 (Vault itself would retry). */
  private Http.Answer revokeOnce(String lease) {
    Http.Answer answer = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      answer = Http.exchange("POST", vault.url("sys/leases/revoke"), auth(), Http.toJson(Map.of("lease_id", lease)));
      if (answer.status() != 400 || !(firstError(answer).contains("; 429 ") || firstError(answer).contains("; 503 "))) {
        return answer;
      }
    }
    return answer;
  }

  private void configure(String astraUrl) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("org_id", org);
    config.put("astra_token", vault.astra().rootToken());
    config.put("url", astraUrl);
    config.put("logical_name", "conformance");
    config.put("caller_mode", "standard");
    Http.Answer answer = Http.exchange("POST", mount("config"), auth(), Http.toJson(config));
    assertEquals(204, answer.status(), () -> "config write: " + answer.body());
    String roleId = AstraDevOpsConformance.readOnlyRoleId(vault.astra());
    Http.Answer role = Http.exchange("POST", mount("role"), auth(), Http.toJson(Map.of("role_name", ROLE,
        "org_id", org, "role_id", roleId, "ttl", "1h", "max_ttl", "2h")));
    assertEquals(204, role.status(), () -> "role write: " + role.body());
  }

  private Http.Answer writeToken(Map<String, Object> extra) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("org_id", org);
    body.put("role_name", ROLE);
    body.put("logical_name", "c" + UUID.randomUUID());
    body.putAll(extra);
    Http.Answer answer = Http.exchange("POST", mount("org/token"), auth(), Http.toJson(body));
    if (answer.status() == 200) {
      Map<String, Object> envelope = answer.object();
      leases.add(String.valueOf(envelope.get("lease_id")));
      Map<?, ?> data = assertInstanceOf(Map.class, envelope.get("data"));
      clientIds.add(String.valueOf(data.get("clientId")));
    }
    return answer;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> issue(Map<String, Object> extra) {
    Http.Answer answer = writeToken(extra);
    assertEquals(200, answer.status(), () -> "token write: " + firstError(answer));
    return (Map<String, Object>) answer.object().get("data");
  }

  private static String firstError(Http.Answer answer) {
    Object errors = answer.object().get("errors");
    assertTrue(errors instanceof List<?> l && !l.isEmpty(), "no errors in the answer (HTTP " + answer.status() + ")");
    String first = String.valueOf(((List<?>) errors).get(0));
    // A plain Go error comes wrapped by go-multierror.
    return first.startsWith("1 error occurred:\n\t* ") ? first.substring(20).strip() : first;
  }

  private FakeAstra fakeAstraOnly() {
    assumeTrue(vault.astra().fake().isPresent(), "this case scripts FakeAstra; it runs against the fakes only");
    return vault.astra().fake().get();
  }

  private HttpUrl mount(String path) {
    return vault.url(vault.astraMount() + path);
  }

  private static HttpUrl query(HttpUrl url, Map<String, String> params) {
    HttpUrl.Builder b = url.newBuilder();
    params.forEach(b::addQueryParameter);
    return b.build();
  }

  private Map<String, String> auth() {
    return Map.of("X-Vault-Token", vault.token());
  }

  private Map<String, String> astraAuth() {
    return Map.of("Authorization", "Bearer " + vault.astra().rootToken());
  }

  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.astravault.test;

import dev.astravault.TokenInfo;
import dev.astravault.TokenManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ListAssert;

/**
 * AssertJ assertions on a {@link FakeAstra}, made by {@link AstraAssertions#assertThatAstra(FakeAstra)}. Every check
 * reads the fake's state at the moment it runs, by the fake's clock (a {@link MutableClock} given to
 * {@link FakeAstra#useClock} makes expiry follow the test's time).
 */
public final class FakeAstraAssert extends AbstractAssert<FakeAstraAssert, FakeAstra> {
  private static final String TAG = "astra-vault ";
  private static final String LEASE = "lease=";
  private static final String NAME = " name=";

  FakeAstraAssert(FakeAstra actual) {
    super(Objects.requireNonNull(actual, "astra"), FakeAstraAssert.class);
  }

  /**
   * The fake holds exactly {@code count} live tokens (issued, neither revoked nor expired), across all orgs.
   *
   * @param count the expected number
   * @return this
   */
  public FakeAstraAssert hasLiveTokens(int count) {
    List<IssuedToken> live = actual.liveTokens();
    if (live.size() != count) {
      failWithMessage("expected %s live token(s) in FakeAstra but found %s: %s", count, live.size(), describe(live));
    }
    return this;
  }

  /**
   * No token is live: everything issued was revoked or has expired (say, after the application context closed).
   *
   * @return this
   */
  public FakeAstraAssert hasNoLiveTokens() {
    return hasLiveTokens(0);
  }

  /**
   * Exactly {@code count} live tokens hold the role {@code role}: its role id, its Astra name ({@code "API RO User"})
   * or the local name role sync gives it ({@code api_ro_user}).
   *
   * @param role the role's id or name
   * @param count the expected number
   * @return this
   */
  public FakeAstraAssert hasLiveTokensForRole(String role, int count) {
    Objects.requireNonNull(role, "role");
    List<IssuedToken> live = actual.liveTokens();
    List<IssuedToken> matching = live.stream().filter(t -> {
      Set<String> ids = actual.roleIdsNamed(t.orgId(), role);
      return t.roles().stream().anyMatch(ids::contains);
    }).toList();
    if (matching.size() != count) {
      failWithMessage("expected %s live token(s) with role '%s' but found %s; live tokens: %s", count, role,
          matching.size(), describe(live));
    }
    return this;
  }

  /**
   * Exactly {@code count} live tokens were issued by astra-vault for the logical name {@code logicalName} (the name
   * in the description astra-vault sends with each token).
   *
   * @param logicalName the logical name
   * @param count the expected number
   * @return this
   */
  public FakeAstraAssert hasLiveTokensForLogicalName(String logicalName, int count) {
    Objects.requireNonNull(logicalName, "logicalName");
    List<IssuedToken> live = actual.liveTokens();
    long matching = live.stream().filter(t -> logicalName.equals(logicalName(t.description()))).count();
    if (matching != count) {
      failWithMessage("expected %s live token(s) for logical name '%s' but found %s; live tokens: %s", count,
          logicalName, matching, describe(live));
    }
    return this;
  }

  /**
   * Exactly {@code count} tokens were revoked through {@code DELETE}.
   *
   * @param count the expected number
   * @return this
   */
  public FakeAstraAssert hasRevokedTokens(int count) {
    List<IssuedToken> revoked = actual.revokedTokens();
    if (revoked.size() != count) {
      failWithMessage("expected %s revoked token(s) but found %s: %s", count, revoked.size(), describe(revoked));
    }
    return this;
  }

  /**
   * No two live tokens were created for the same astra-vault lease: an ambiguous create (the token made, the answer
   * lost) that the client retried without settling leaves such a duplicate alive and unknown to anyone. Tokens that
   * astra-vault did not tag (made by another client) are not judged.
   *
   * @return this
   */
  public FakeAstraAssert hasNoOrphans() {
    Map<String, List<IssuedToken>> byLease = new HashMap<>();
    for (IssuedToken t : actual.liveTokens()) {
      String lease = leaseId(t.description());
      if (lease != null) {
        byLease.computeIfAbsent(lease, k -> new ArrayList<>()).add(t);
      }
    }
    Map<String, List<IssuedToken>> duplicated = byLease.entrySet().stream().filter(e -> e.getValue().size() > 1)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    if (!duplicated.isEmpty()) {
      failWithMessage("expected no orphaned tokens but these leases have more than one live token: %s",
          duplicated.entrySet().stream().map(e -> e.getKey() + "=" + describe(e.getValue())).toList());
    }
    return this;
  }

  /**
   * Every live token in the fake is one that {@code tokens} knows ({@link TokenManager#tokens()}): nothing was left
   * alive in Astra behind the manager's back. Use it with the application's own manager.
   *
   * @param tokens the token manager
   * @return this
   */
  public FakeAstraAssert hasNoOrphansOf(TokenManager tokens) {
    Objects.requireNonNull(tokens, "tokens");
    Set<String> known = new HashSet<>();
    for (TokenInfo info : tokens.tokens()) {
      known.add(info.clientId());
    }
    List<IssuedToken> unknown = actual.liveTokens().stream().filter(t -> !known.contains(t.clientId())).toList();
    if (!unknown.isEmpty()) {
      failWithMessage("expected every live token to be known to the TokenManager but these are not: %s",
          describe(unknown));
    }
    return this;
  }

  /**
   * Exactly {@code count} requests had {@code method} and a path starting with {@code pathPrefix} (see
   * {@link FakeAstra#requestCount}), e.g. {@code ("POST", "/v2/clientIdSecrets")} for token creations.
   *
   * @param method the HTTP method
   * @param pathPrefix the start of the path
   * @param count the expected number
   * @return this
   */
  public FakeAstraAssert hasReceived(String method, String pathPrefix, int count) {
    int got = actual.requestCount(method, pathPrefix);
    if (got != count) {
      failWithMessage("expected %s %s request(s) to %s* but FakeAstra received %s", count, method, pathPrefix, got);
    }
    return this;
  }

  /**
   * The live tokens, for AssertJ's list assertions ({@code .liveTokens().singleElement()...}).
   *
   * @return a list assertion on {@link FakeAstra#liveTokens()}
   */
  public ListAssert<IssuedToken> liveTokens() {
    return Assertions.assertThat(actual.liveTokens());
  }

  private static String describe(List<IssuedToken> tokens) {
    return tokens.stream().map(t -> t.clientId() + "{roles=" + t.roles() + ", description='" + t.description() + "'}")
        .toList().toString();
  }

  /** The lease id in astra-vault's description tag, or null. */
  private static String leaseId(String description) {
    int at = description.startsWith(TAG) ? description.indexOf(LEASE) : -1;
    if (at < 0) {
      return null;
    }
    int end = description.indexOf(' ', at);
    return description.substring(at + LEASE.length(), end < 0 ? description.length() : end);
  }

  /** The logical name in astra-vault's description tag, or null. */
  private static String logicalName(String description) {
    int at = description.startsWith(TAG) ? description.indexOf(NAME) : -1;
    return at < 0 ? null : description.substring(at + NAME.length());
  }
}

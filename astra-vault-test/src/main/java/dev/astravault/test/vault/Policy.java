package dev.astravault.test.vault;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A named Vault ACL policy: path patterns with capabilities.
 *
 * <p>Patterns are Vault's: an exact path; a prefix ending in {@code *} (a {@code *} anywhere else is a literal
 * character); and {@code +} as a whole path segment, which matches exactly one segment ({@code astra/+/creds}),
 * also before a trailing {@code *} ({@code secret/data/+/astra-vault/*}). A {@code +} inside a segment
 * ({@code a+b}) is a literal character. As in Vault, a token's policies are merged into one ACL first (the same
 * pattern in several policies unites their capabilities, and {@link Capability#DENY} there leaves only deny); then
 * one rule decides: an exact match, else the highest-priority wildcard match by Vault's documented order (the first
 * {@code +} or {@code *} later, no trailing {@code *}, fewer {@code +} segments, longer, lexically greater).
 *
 * <pre>{@code
 * Policy app = Policy.builder("app")
 *     .path("secret/data/+/app/*", Capability.READ, Capability.CREATE, Capability.UPDATE)
 *     .path("astra/+/token", Capability.UPDATE)
 *     .build();
 * }</pre>
 */
public final class Policy {
  /** The name of Vault's built-in policy that grants everything. */
  public static final String ROOT = "root";
  /** The name of Vault's built-in policy attached to every non-root token. */
  public static final String DEFAULT = "default";

  private final String name;
  private final Map<String, Set<Capability>> rules;

  private Policy(String name, Map<String, Set<Capability>> rules) {
    this.name = name;
    this.rules = rules;
  }

  /**
   * Starts a policy called {@code name}.
   *
   * @param name the policy's name
   * @return the builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Vault's {@code default} policy, reduced to the paths this fake serves: the token's own lookup, renewal and
   * revocation, and lease lookup and renewal.
   *
   * @return the default policy
   */
  public static Policy defaultPolicy() {
    return builder(DEFAULT)
        .path("auth/token/lookup-self", Capability.READ)
        .path("auth/token/renew-self", Capability.UPDATE)
        .path("auth/token/revoke-self", Capability.UPDATE)
        .path("sys/leases/renew", Capability.UPDATE)
        .path("sys/leases/lookup", Capability.UPDATE)
        .build();
  }

  /** {@return this policy's name} */
  public String name() {
    return name;
  }

  /** {@return the rules, pattern to capabilities, in the order they were added} */
  public Map<String, Set<Capability>> rules() {
    Map<String, Set<Capability>> copy = new LinkedHashMap<>();
    rules.forEach((k, v) -> copy.put(k, EnumSet.copyOf(v)));
    return copy;
  }

  /** Vault's test for a segment-wildcard rule (vault/policy.go): {@code +} alone, after any '/', or leading one. */
  static boolean hasSegmentWildcards(String pattern) {
    return pattern.equals("+") || pattern.contains("/+") || pattern.startsWith("+/");
  }

  @Override
  public String toString() {
    return "Policy[" + name + ", " + rules + "]";
  }

  /** Builds a {@link Policy}. */
  public static final class Builder {
    private final String name;
    private final Map<String, Set<Capability>> rules = new LinkedHashMap<>();

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("policy name is empty");
      }
    }

    /**
     * Grants {@code capabilities} on {@code pattern}; a second rule for the same pattern adds to the first.
     *
     * @param pattern the path pattern: exact, ending in {@code *}, or with {@code +} segments
     * @param capabilities the capabilities granted
     * @return this builder
     * @throws IllegalArgumentException for a pattern Vault refuses ({@code +*}), one the fake cannot follow
     *     (identity templating, {@code {{...}}}), or a leading {@code /} (which Vault would strip)
     */
    public Builder path(String pattern, Capability... capabilities) {
      Objects.requireNonNull(pattern, "pattern");
      if (pattern.startsWith("/")) {
        throw new IllegalArgumentException("pattern must not start with '/': " + pattern);
      }
      if (pattern.contains("+*")) {
        // Vault refuses the policy when it is written (vault/policy.go parsePaths).
        throw new IllegalArgumentException("path \"" + pattern + "\": invalid use of wildcards ('+*' is forbidden)");
      }
      if (pattern.contains("{{")) {
        // Vault fills these in from the token's identity; matched literally here they would silently grant nothing.
        throw new IllegalArgumentException("path \"" + pattern + "\": templated policy paths are not supported");
      }
      if (capabilities.length == 0) {
        throw new IllegalArgumentException("no capabilities for " + pattern);
      }
      rules.computeIfAbsent(pattern, p -> EnumSet.noneOf(Capability.class)).addAll(Arrays.asList(capabilities));
      return this;
    }

    /** {@return the policy} */
    public Policy build() {
      Map<String, Set<Capability>> copy = new LinkedHashMap<>();
      rules.forEach((k, v) -> copy.put(k, EnumSet.copyOf(v)));
      return new Policy(name, copy);
    }
  }

  static List<String> names(List<Policy> policies) {
    List<String> names = new ArrayList<>();
    for (Policy p : policies) {
      names.add(p.name);
    }
    return names;
  }
}

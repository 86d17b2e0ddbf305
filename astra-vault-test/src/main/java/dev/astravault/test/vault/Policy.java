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
 * <p>A pattern is an exact path, or a prefix ending in {@code *}. As in Vault, for each policy the most specific
 * matching rule applies (an exact match beats any glob, a longer glob beats a shorter one); the capabilities of all
 * of a token's policies are then united, and {@link Capability#DENY} in any of them wins.
 *
 * <pre>{@code
 * Policy app = Policy.builder("app")
 *     .path("secret/data/app/*", Capability.READ, Capability.CREATE, Capability.UPDATE)
 *     .path("astra/org/token", Capability.UPDATE)
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

  /** The capabilities of the most specific rule matching {@code path}, or an empty set. */
  Set<Capability> capabilities(String path) {
    String best = null;
    for (String pattern : rules.keySet()) {
      boolean glob = pattern.endsWith("*");
      boolean matches = glob ? path.startsWith(pattern.substring(0, pattern.length() - 1)) : path.equals(pattern);
      if (!matches) {
        continue;
      }
      if (!glob) {
        best = pattern;
        break;
      }
      if (best == null || pattern.length() > best.length()) {
        best = pattern;
      }
    }
    return best == null ? EnumSet.noneOf(Capability.class) : rules.get(best);
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
     * @param pattern the path pattern
     * @param capabilities the capabilities granted
     * @return this builder
     */
    public Builder path(String pattern, Capability... capabilities) {
      Objects.requireNonNull(pattern, "pattern");
      if (pattern.startsWith("/")) {
        throw new IllegalArgumentException("pattern must not start with '/': " + pattern);
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

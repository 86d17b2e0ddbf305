package dev.astravault.test.vault;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A token's policies merged into one ACL and matched as Vault does (vault/acl.go {@code NewACL},
 * {@code AllowOperation}, {@code CheckAllowedFromNonExactPaths}; the "Priority matching" rules of Vault's policy docs).
 *
 * <p>Rules with the same pattern are merged first (their capabilities united; {@code deny} in any of them leaves
 * only {@code deny}), and only then is one rule chosen for a path: an exact rule if there is one, else the
 * highest-priority of the longest matching {@code *} rule and the matching {@code +} rules. A lower-priority rule
 * never adds to, nor takes from, the chosen one.
 */
final class Acl {
  /**
   * Lowest priority first, as Vault's docs list the rules: the first {@code +} or {@code *} later, no trailing
   * {@code *}, fewer {@code +} segments, longer, then lexically greater wins. Positions and lengths are Go's byte
   * counts.
   */
  private static final Comparator<Candidate> PRIORITY = Comparator.comparingInt(Candidate::firstWildcard)
      .thenComparing(c -> !c.prefix())
      .thenComparing(Comparator.comparingInt(Candidate::wildcards).reversed())
      .thenComparingInt(c -> utf8(c.wcPath()).length)
      .thenComparing((a, b) -> Arrays.compareUnsigned(utf8(a.wcPath()), utf8(b.wcPath())));

  /** Exact rules, by path. */
  private final Map<String, Set<Capability>> exact = new TreeMap<>();
  /** Rules ending in {@code *} without segment wildcards, by the path before the {@code *}. */
  private final Map<String, Set<Capability>> prefix = new TreeMap<>();
  /** Rules with {@code +} segments, by the pattern as written (a trailing {@code *} kept). */
  private final Map<String, Set<Capability>> segment = new TreeMap<>();

  Acl(Collection<Policy> policies) {
    for (Policy p : policies) {
      p.rules().forEach(this::add);
    }
  }

  private void add(String pattern, Set<Capability> caps) {
    if (Policy.hasSegmentWildcards(pattern)) {
      merge(segment, pattern, caps);
    } else if (pattern.endsWith("*")) {
      merge(prefix, pattern.substring(0, pattern.length() - 1), caps);
    } else {
      merge(exact, pattern, caps);
    }
  }

  private static void merge(Map<String, Set<Capability>> rules, String key, Set<Capability> caps) {
    Set<Capability> merged = rules.computeIfAbsent(key, k -> EnumSet.noneOf(Capability.class));
    merged.addAll(caps);
    if (merged.contains(Capability.DENY)) {
      merged.retainAll(EnumSet.of(Capability.DENY));
    }
  }

  /**
   * The capabilities of the one rule that applies to {@code path}, or an empty set. A list operation's path ends in
   * '/', and Vault (acl.go {@code AllowOperation}) also tries it without that slash: first an exact rule (PR #5197,
   * 0.11), then the wildcard rules (PR #23874, late 2023, backported to 1.13-1.15), and only then the wildcard rules
   * against the path as it is. So rules {@code foo}, {@code +} and {@code fo*} each grant a list of {@code foo/}.
   */
  Set<Capability> capabilities(String path, boolean list) {
    boolean trailing = list && path.endsWith("/");
    String trimmed = trailing ? path.substring(0, path.length() - 1) : path;
    Set<Capability> caps = exact.get(path);
    if (caps == null && trailing) {
      caps = exact.get(trimmed);
    }
    if (caps == null && trailing) {
      caps = bestWildcard(trimmed);
    }
    if (caps == null) {
      caps = bestWildcard(path);
    }
    return caps == null ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(caps);
  }

  /** Vault's {@code CheckAllowedFromNonExactPaths}: the highest-priority matching wildcard rule, or null. */
  private @Nullable Set<Capability> bestWildcard(String path) {
    Candidate best = null;
    for (Candidate c : candidates(path)) {
      if (best == null || PRIORITY.compare(c, best) > 0) {
        best = c;
      }
    }
    return best == null ? null : best.caps();
  }

  private List<Candidate> candidates(String path) {
    List<Candidate> found = new ArrayList<>();
    String longest = null;
    for (String p : prefix.keySet()) {
      if (path.startsWith(p) && (longest == null || p.length() > longest.length())) {
        longest = p;
      }
    }
    if (longest != null) {
      found.add(new Candidate(utf8(longest).length, true, 0, longest, prefix.get(longest)));
    }
    String[] parts = split(path);
    for (Map.Entry<String, Set<Capability>> rule : segment.entrySet()) {
      Candidate c = matchSegments(rule.getKey(), rule.getValue(), parts);
      if (c != null) {
        found.add(c);
      }
    }
    return found;
  }

  /** A {@code +} rule against a path's segments: {@code +} is one whole segment (maybe empty), others literal. */
  private static @Nullable Candidate matchSegments(String pattern, Set<Capability> caps, String[] parts) {
    boolean isPrefix = pattern.endsWith("*");
    String wcPath = isPrefix ? pattern.substring(0, pattern.length() - 1) : pattern;
    String[] acl = split(wcPath);
    if (parts.length < acl.length || (!isPrefix && parts.length != acl.length)) {
      return null;
    }
    int wildcards = 0;
    for (int i = 0; i < acl.length; i++) {
      if (acl[i].equals("+")) {
        wildcards++;
      } else if (!acl[i].equals(parts[i])
          && !(isPrefix && i == acl.length - 1 && parts[i].startsWith(acl[i]))) {
        return null;
      }
    }
    // Vault takes the first '+' anywhere in the pattern, even one inside a segment, which matches literally.
    int first = utf8(pattern.substring(0, pattern.indexOf('+'))).length;
    return new Candidate(first, isPrefix, wildcards, wcPath, caps);
  }

  /**
   * Vault's {@code hasMountAccess} (vault/logical_system.go): a capability other than deny on {@code mount} itself,
   * or on any exact or {@code *} rule under it, or a {@code +} rule whose leading segments match the mount's.
   */
  boolean hasMountAccess(String mount) {
    Set<Capability> onMount = capabilities(mount, true);
    if (!onMount.isEmpty() && !onMount.contains(Capability.DENY)) {
      return true;
    }
    for (Map<String, Set<Capability>> rules : List.of(exact, prefix)) {
      for (Map.Entry<String, Set<Capability>> rule : rules.entrySet()) {
        if (rule.getKey().startsWith(mount) && !rule.getValue().contains(Capability.DENY)) {
          return true;
        }
      }
    }
    String[] parts = split(mount);
    int last = parts.length - 2;  // a mount ends with '/', so its last part is empty
    for (Map.Entry<String, Set<Capability>> rule : segment.entrySet()) {
      if (!rule.getValue().contains(Capability.DENY) && last >= 0
          && segmentsCover(rule.getKey(), mount, parts, last)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the {@code +} rule's first {@code last + 1} segments, filled in from the mount's, start with it. */
  private static boolean segmentsCover(String pattern, String mount, String[] parts, int last) {
    boolean isPrefix = pattern.endsWith("*");
    String[] acl = split(isPrefix ? pattern.substring(0, pattern.length() - 1) : pattern);
    if (acl.length <= last) {
      return false;
    }
    List<String> segments = new ArrayList<>();
    for (int i = 0; i <= last; i++) {
      if (acl[i].equals("+") || acl[i].equals(parts[i])) {
        segments.add(parts[i]);
      } else if (isPrefix && i == acl.length - 1 && parts[i].startsWith(acl[i])) {
        segments.addAll(Arrays.asList(parts).subList(i, parts.length));
      }
    }
    String joined = String.join("/", segments) + "/";
    return joined.startsWith(mount);
  }

  /** Go's {@code strings.Split(s, "/")}: empty parts kept, at both ends too. */
  private static String[] split(String s) {
    return s.split("/", -1);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private record Candidate(int firstWildcard, boolean prefix, int wildcards, String wcPath, Set<Capability> caps) {}
}

package dev.astravault.internal.vault;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Where {@link dev.astravault.vault.VaultKvLeaseStore} keeps each entry under its prefix (the layout its Javadoc
 * documents): {@code leases/}, {@code triples/}, {@code clients/}, {@code holders/}, {@code orgs/} and {@code roles/},
 * every segment after the kind {@link #escape escaped}. Paths are relative to the mount.
 */
public final class KvPaths {
  private final String prefix;

  public KvPaths(String prefix) {
    this.prefix = prefix;
  }

  public String prefix() {
    return prefix;
  }

  /** The folder of the lease entries, for a LIST. */
  public String leases() {
    return prefix + "/leases";
  }

  public String lease(String leaseId) {
    return path("leases", leaseId);
  }

  /** The claim entry of an (org, role, logical name) key: its primary's, or its successor's. */
  public String claim(String orgId, String roleName, String logicalName, boolean successor) {
    return path("triples", orgId, roleName, logicalName) + (successor ? "/successor" : "/primary");
  }

  public String client(String clientId) {
    return path("clients", clientId);
  }

  /** The folder of the leases that carry an Astra role id, for a LIST. */
  public String holders(String orgId, String roleId) {
    return path("holders", orgId, roleId);
  }

  public String holder(String orgId, String roleId, String leaseId) {
    return path("holders", orgId, roleId, leaseId);
  }

  /** The folder of the org entries, for a LIST. */
  public String orgs() {
    return prefix + "/orgs";
  }

  public String org(String orgId) {
    return path("orgs", orgId);
  }

  /** The folder of the per-org role folders, for a LIST. */
  public String roles() {
    return prefix + "/roles";
  }

  /** An org's folder of role entries, for a LIST. */
  public String roles(String orgId) {
    return path("roles", orgId);
  }

  public String role(String orgId, String name) {
    return path("roles", orgId, name);
  }

  private String path(String kind, String... segments) {
    StringBuilder sb = new StringBuilder(prefix).append('/').append(kind);
    for (String s : segments) {
      sb.append('/').append(escape(s));
    }
    return sb.toString();
  }

  /** Keeps [A-Za-z0-9_-]; every other UTF-8 byte becomes {@code ~XX}, so ids never split or form "." segments. */
  public static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
        sb.append(c);
      } else {
        sb.append('~').append(String.format("%02X", b & 0xff));
      }
    }
    return sb.toString();
  }

  /**
   * Whether a listed key can be one this store wrote: not a folder, not empty, and an exact {@link #escape} of some
   * text. Keys written by hand under the prefix are skipped, not read under a different name or failed on. No entry
   * has an empty segment (ids and names are never empty), and "" is what {@link KvEntries#roleOrgIds} makes of a
   * plain key listed beside the per-org folders under {@code roles/}: it must not read as an org named "".
   */
  public static boolean written(String key) {
    if (key.isEmpty() || key.endsWith("/")) {
      return false;
    }
    try {
      return escape(unescape(key)).equals(key);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public static String unescape(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '~' && i + 2 < s.length()) {
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}

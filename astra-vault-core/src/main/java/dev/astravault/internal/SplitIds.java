package dev.astravault.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Lease ids held in two parts: the prefix every lease of a role shares ({@code astra/<org>/<role>/}, kept once in its
 * {@link RoleIdentity}) and the lease's own characters after it, as Latin-1 bytes. A {@link dev.astravault.LeaseRecord}
 * keeps an id this way when it has that shape (every id {@link LeaseIds} makes): its 24 letters cost a 40-byte array,
 * where the whole id cost a {@code String} and its ~96-byte array (issue 15, P3). Any other id (an older store's, one
 * with characters beyond Latin-1) stays the {@code String} it was given.
 *
 * <p>A held id is an {@code Object}: that {@code String}, or the suffix bytes read against a role's prefix. Everything
 * here reads the two forms as the one string they stand for, so equality, hashing and ordering are exactly
 * {@link String}'s: an id that two roles would both produce (org {@code a/b} role {@code c}, org {@code a} role
 * {@code b/c}) is equal across them.
 */
public final class SplitIds {
  // The last split id made whole, and the string it was made from or into: a record's id is read several times while
  // one thread issues or renews it (store lookups, index entries, the description tag), and each read would otherwise
  // copy 80 characters. Records copied from one another share their suffix array, so they hit the same entry.
  private record Whole(String prefix, byte[] suffix, String text) {}

  private static volatile @Nullable Whole last;

  private SplitIds() {}

  /**
   * {@return {@code leaseId}'s suffix bytes after {@code prefix} (the role's {@link RoleIdentity#leasePrefix()}), or
   * {@code leaseId} itself when it does not start with it or a later character is beyond Latin-1}
   */
  public static Object split(String leaseId, @Nullable String prefix) {
    if (prefix == null || !leaseId.startsWith(prefix)) {
      return leaseId;
    }
    int from = prefix.length();
    byte[] suffix = new byte[leaseId.length() - from];
    for (int i = 0; i < suffix.length; i++) {
      char c = leaseId.charAt(from + i);
      if (c > 0xFF) {
        return leaseId;
      }
      suffix[i] = (byte) c;
    }
    last = new Whole(prefix, suffix, leaseId);   // its first reads come next: the string the caller holds
    return suffix;
  }

  /** {@return the whole id {@code id} stands for, read against {@code role}'s prefix} */
  public static String text(RoleIdentity role, Object id) {
    if (id instanceof String s) {
      return s;
    }
    byte[] suffix = (byte[]) id;
    String prefix = prefixOf(role);
    Whole w = last;
    if (w != null && w.suffix == suffix && w.prefix == prefix) {
      return w.text;
    }
    String text = prefix.concat(new String(suffix, StandardCharsets.ISO_8859_1));   // concat copies once
    last = new Whole(prefix, suffix, text);
    return text;
  }

  /** {@return {@code text(role, id).hashCode()}, without making the string} */
  public static int hash(RoleIdentity role, Object id) {
    if (id instanceof String s) {
      return s.hashCode();
    }
    // String's hash continued over the suffix from the prefix's (cached in it); four characters a step (31^4, 31^3,
    // 31^2), a quarter of the chain of multiplications: the store hashes a record on every write and every move.
    byte[] suffix = (byte[]) id;
    int h = prefixOf(role).hashCode();
    int i = 0;
    for (; i + 4 <= suffix.length; i += 4) {
      h = h * 923_521 + (suffix[i] & 0xFF) * 29_791 + (suffix[i + 1] & 0xFF) * 961 + (suffix[i + 2] & 0xFF) * 31
          + (suffix[i + 3] & 0xFF);
    }
    for (; i < suffix.length; i++) {
      h = 31 * h + (suffix[i] & 0xFF);
    }
    return h;
  }

  /** {@return {@code text(role, id).equals(other)}, without making the string} */
  public static boolean is(RoleIdentity role, Object id, String other) {
    if (id instanceof String s) {
      return s.equals(other);
    }
    byte[] suffix = (byte[]) id;
    String prefix = prefixOf(role);
    int from = prefix.length();
    if (other.length() != from + suffix.length || !other.startsWith(prefix)) {
      return false;
    }
    for (int i = 0; i < suffix.length; i++) {
      if (other.charAt(from + i) != (char) (suffix[i] & 0xFF)) {
        return false;
      }
    }
    return true;
  }

  /** {@return {@code text(role, id).startsWith(start)}, without making the string} */
  public static boolean startsWith(RoleIdentity role, Object id, String start) {
    if (id instanceof String s) {
      return s.startsWith(start);
    }
    if (start.length() > length(role, id)) {
      return false;
    }
    for (int i = 0; i < start.length(); i++) {
      if (charAt(role, id, i) != start.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** {@return {@code text(ra, a).equals(text(rb, b))}, without making either string} */
  public static boolean same(RoleIdentity ra, Object a, RoleIdentity rb, Object b) {
    if (a instanceof String s) {
      return is(rb, b, s);
    }
    if (b instanceof String s) {
      return is(ra, a, s);
    }
    if (prefixOf(ra).equals(prefixOf(rb))) {   // the same string for every record of a role: one reference check
      return Arrays.equals((byte[]) a, (byte[]) b);
    }
    return compare(ra, a, rb, b) == 0;
  }

  /** {@return the sign of {@code text(ra, a).compareTo(text(rb, b))}, without making either string} */
  public static int compare(RoleIdentity ra, Object a, RoleIdentity rb, Object b) {
    if (a instanceof String x && b instanceof String y) {
      return x.compareTo(y);
    }
    if (a instanceof byte[] x && b instanceof byte[] y && prefixOf(ra).equals(prefixOf(rb))) {
      return Arrays.compareUnsigned(x, y);   // Latin-1 bytes as chars: String's order, as a sign
    }
    int la = length(ra, a);
    int lb = length(rb, b);
    for (int i = 0, n = Math.min(la, lb); i < n; i++) {
      int c = charAt(ra, a, i) - charAt(rb, b, i);
      if (c != 0) {
        return c;
      }
    }
    return la - lb;
  }

  private static int length(RoleIdentity role, Object id) {
    return id instanceof String s ? s.length() : prefixOf(role).length() + ((byte[]) id).length;
  }

  private static char charAt(RoleIdentity role, Object id, int i) {
    if (id instanceof String s) {
      return s.charAt(i);
    }
    String prefix = prefixOf(role);
    return i < prefix.length() ? prefix.charAt(i) : (char) (((byte[]) id)[i - prefix.length()] & 0xFF);
  }

  private static String prefixOf(RoleIdentity role) {
    String prefix = role.leasePrefix();
    if (prefix == null) {
      throw new IllegalStateException("a split lease id of a role without a Latin-1 prefix: " + role);
    }
    return prefix;
  }
}

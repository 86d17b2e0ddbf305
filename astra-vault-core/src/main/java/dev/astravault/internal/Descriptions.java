package dev.astravault.internal;

import org.jspecify.annotations.Nullable;

/**
 * The {@code description} sent with each created token: it names the library, the lease and the logical name, so
 * that a token found in Astra can be traced back (Astra has no creator field) and an ambiguous create settled.
 */
public final class Descriptions {
  public static final String PREFIX = "astra-vault ";

  private Descriptions() {}

  public static String tag(String leaseId, @Nullable String logicalName) {
    return PREFIX + "lease=" + leaseId + (logicalName == null ? "" : " name=" + logicalName);
  }

  /** Whether {@code description} is exactly {@code tag(leaseId, logicalName)}; allocates nothing. */
  public static boolean isTag(String description, String leaseId, @Nullable String logicalName) {
    int head = PREFIX.length() + "lease=".length();
    int length = head + leaseId.length() + (logicalName == null ? 0 : " name=".length() + logicalName.length());
    if (description.length() != length || !description.startsWith(PREFIX + "lease=")
        || !description.startsWith(leaseId, head)) {
      return false;
    }
    return logicalName == null
        || description.startsWith(" name=", head + leaseId.length())
        && description.startsWith(logicalName, head + leaseId.length() + " name=".length());
  }

  /** The lease id in a description written by {@link #tag}, or null for any other description. */
  public static @Nullable String leaseId(@Nullable String description) {
    if (description == null || !description.startsWith(PREFIX + "lease=")) {
      return null;
    }
    String rest = description.substring((PREFIX + "lease=").length());
    int space = rest.indexOf(' ');
    return space < 0 ? rest : rest.substring(0, space);
  }
}

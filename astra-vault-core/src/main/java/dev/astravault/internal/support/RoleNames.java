package dev.astravault.internal.support;

import java.util.Locale;
import java.util.regex.Pattern;

/** The role-name rule of the plugin's update_roles.sh, done right: runs of non-alphanumerics become one '_'. */
public final class RoleNames {
  private static final Pattern NON_ALNUM = Pattern.compile("[^\\p{Alnum}]+");

  private RoleNames() {}

  /**
   * {@code "Organization Administrator"} → {@code organization_administrator}, {@code "R/W User!"} →
   * {@code r_w_user_}.
   */
  public static String sanitize(String astraName) {
    String replaced = NON_ALNUM.matcher(astraName.strip()).replaceAll("_").toLowerCase(Locale.ROOT);
    // A name that starts with '_' (e.g. "(legacy) role") is still valid locally once the leading '_' is dropped.
    return replaced.startsWith("_") && replaced.length() > 1 ? replaced.substring(1) : replaced;
  }
}

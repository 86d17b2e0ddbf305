package dev.astravault.internal.support;

import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@code description} sent with each created token: it names the library, the deployment, the lease and the
 * logical name, so that a token found in Astra can be traced back (Astra has no creator field), an ambiguous create
 * settled, and an orphan swept by the deployment that made it and by no other.
 *
 * <p>Two shapes: {@code astra-vault deployment=<id> lease=<leaseId>[ name=<logicalName>]}, written since the orphan
 * sweep exists, and the older {@code astra-vault lease=<leaseId>[ name=<logicalName>]}, still recognized (it carries no
 * deployment, so no sweep ever deletes it; {@code reconcile} does). Lease ids, names and deployment ids contain no
 * spaces, so both parse without ambiguity.
 */
public final class Descriptions {
  public static final String PREFIX = "astra-vault ";
  private static final String DEPLOYMENT = "deployment=";
  private static final String LEASE = "lease=";
  private static final String NAME = " name=";
  /** What a deployment id may be: it must fit in a description between spaces, and be safe in logs. */
  public static final Pattern DEPLOYMENT_ID = Pattern.compile("^[a-z0-9][a-z0-9-]{0,63}$");

  private Descriptions() {}

  /**
   * The description of a custom role's policy (scoped tokens): {@code astra-vault deployment=<id> role=<name>}, or
   * {@code astra-vault role=<name>} without a deployment id. It has no {@code lease=}, so it never reads as a token's
   * tag; a role is only ever deleted when its description is exactly this for the current deployment.
   */
  public static String roleTag(@Nullable String deploymentId, String roleName) {
    return PREFIX + (deploymentId == null ? "" : DEPLOYMENT + deploymentId + " ") + "role=" + roleName;
  }

  /** The tag without a deployment (the older shape). */
  public static String tag(String leaseId, @Nullable String logicalName) {
    return tag(null, leaseId, logicalName);
  }

  public static String tag(@Nullable String deploymentId, String leaseId, @Nullable String logicalName) {
    Tag last = lastTag;
    if (last != null && last.leaseId == leaseId && last.logicalName == logicalName
        && Objects.equals(last.deploymentId, deploymentId)) {
      return last.text;
    }
    // One concatenation per shape: a conditional part inside one would be a string of its own.
    String text;
    if (deploymentId == null) {
      text = logicalName == null ? PREFIX + LEASE + leaseId : PREFIX + LEASE + leaseId + NAME + logicalName;
    } else if (logicalName == null) {
      text = PREFIX + DEPLOYMENT + deploymentId + " " + LEASE + leaseId;
    } else {
      text = PREFIX + DEPLOYMENT + deploymentId + " " + LEASE + leaseId + NAME + logicalName;
    }
    lastTag = new Tag(deploymentId, leaseId, logicalName, text);
    return text;
  }

  /**
   * The last tag built. A {@link dev.astravault.LeaseRecord} derives its tag on every read rather than holding it, and
   * an issue reads it three times in a row (the write-ahead record, the create call, the ACTIVE successor), each time
   * with the same lease id object; the ids are compared by identity, so a miss only costs a rebuild.
   */
  private static volatile @Nullable Tag lastTag;

  private record Tag(@Nullable String deploymentId, String leaseId, @Nullable String logicalName, String text) {}

  /** Whether {@code description} is exactly {@code tag(leaseId, logicalName)}; allocates nothing. */
  public static boolean isTag(String description, String leaseId, @Nullable String logicalName) {
    return isTagFrom(description, PREFIX.length(), leaseId, logicalName);
  }

  /**
   * The deployment id of {@code description} when it is exactly {@code tag(id, leaseId, logicalName)} for some id,
   * else null. Allocates only the returned id, which is interned (records hold it, one string per engine), and only
   * when it is not the last one returned: most calls cost no {@code String.intern}.
   */
  public static @Nullable String taggedDeployment(String description, String leaseId, @Nullable String logicalName) {
    if (!description.startsWith(PREFIX + DEPLOYMENT)) {
      return null;
    }
    int from = (PREFIX + DEPLOYMENT).length();
    int space = description.indexOf(' ', from);
    if (space <= from || !isTagFrom(description, space + 1, leaseId, logicalName)) {
      return null;
    }
    String last = lastDeployment;
    if (last != null && space - from == last.length() && description.startsWith(last, from)) {
      return last;   // the same deployment as the last record built: no substring, no matcher
    }
    if (!isDeploymentId(description, from, space)) {
      return null;
    }
    String id = description.substring(from, space).intern();
    lastDeployment = id;
    return id;
  }

  // The deployment id of the last tag read: an engine has one, and each record built re-reads it.
  private static volatile @Nullable String lastDeployment;

  /** {@link #DEPLOYMENT_ID} on {@code s[from, to)}, without a matcher. */
  private static boolean isDeploymentId(String s, int from, int to) {
    int length = to - from;
    if (length < 1 || length > 64) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      boolean ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' && i > from;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean isTagFrom(String description, int at, String leaseId, @Nullable String logicalName) {
    int head = at + LEASE.length();
    int length = head + leaseId.length() + (logicalName == null ? 0 : NAME.length() + logicalName.length());
    if (description.length() != length || !description.startsWith(PREFIX)
        || !description.startsWith(LEASE, at) || !description.startsWith(leaseId, head)) {
      return false;
    }
    return logicalName == null
        || description.startsWith(NAME, head + leaseId.length())
        && description.startsWith(logicalName, head + leaseId.length() + NAME.length());
  }

  /** The lease id in a description written by either {@link #tag} shape, or null for any other description. */
  public static @Nullable String leaseId(@Nullable String description) {
    int at = leaseAt(description);
    if (at < 0) {
      return null;
    }
    String rest = description.substring(at + LEASE.length());
    int space = rest.indexOf(' ');
    String id = space < 0 ? rest : rest.substring(0, space);
    return id.isEmpty() ? null : id;
  }

  /** The deployment id in a description written by {@link #tag} with one, or null. */
  public static @Nullable String deploymentId(@Nullable String description) {
    if (description == null || !description.startsWith(PREFIX + DEPLOYMENT) || leaseAt(description) < 0) {
      return null;
    }
    int from = (PREFIX + DEPLOYMENT).length();
    String id = description.substring(from, description.indexOf(' ', from));
    return DEPLOYMENT_ID.matcher(id).matches() ? id : null;
  }

  /** Where {@code lease=} starts in a tag of either shape, or -1. */
  private static int leaseAt(@Nullable String description) {
    if (description == null || !description.startsWith(PREFIX)) {
      return -1;
    }
    if (description.startsWith(LEASE, PREFIX.length())) {
      return PREFIX.length();
    }
    if (description.startsWith(DEPLOYMENT, PREFIX.length())) {
      int space = description.indexOf(' ', PREFIX.length() + DEPLOYMENT.length());
      return space > 0 && description.startsWith(LEASE, space + 1) ? space + 1 : -1;
    }
    return -1;
  }
}

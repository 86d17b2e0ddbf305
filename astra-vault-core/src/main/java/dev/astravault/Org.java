package dev.astravault;

import java.net.URI;
import java.util.Objects;

/**
 * The public view of a configured org: everything but its root token.
 *
 * @param orgId the org's Astra id
 * @param logicalName the name the org was configured under
 * @param url the DevOps API base URL used for the org
 */
public record Org(String orgId, String logicalName, URI url) {
  /**
   * Checks that every component is present.
   *
   * @param orgId the org's Astra id
   * @param logicalName the name the org was configured under
   * @param url the DevOps API base URL used for the org
   */
  public Org {
    Objects.requireNonNull(orgId, "orgId");
    Objects.requireNonNull(logicalName, "logicalName");
    Objects.requireNonNull(url, "url");
  }
}

package dev.astravault;

import java.net.URI;
import java.util.Objects;

/** The public view of a configured org: everything but its root token. */
public record Org(String orgId, String logicalName, URI url) {
  /** Checks that every component is present. */
  public Org {
    Objects.requireNonNull(orgId, "orgId");
    Objects.requireNonNull(logicalName, "logicalName");
    Objects.requireNonNull(url, "url");
  }
}

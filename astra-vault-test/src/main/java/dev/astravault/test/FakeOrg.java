package dev.astravault.test;

import java.util.Objects;

/**
 * An organization of a {@link FakeAstra}: its id and its root token (a valid {@code AstraCS:} token that may manage
 * the org's tokens and roles). {@link #toString()} never shows the root token.
 */
public final class FakeOrg {
  private final String orgId;
  private final String rootToken;

  FakeOrg(String orgId, String rootToken) {
    this.orgId = Objects.requireNonNull(orgId, "orgId");
    this.rootToken = Objects.requireNonNull(rootToken, "rootToken");
  }

  /** {@return the org's UUID, as {@code GET /v2/currentOrg} returns it} */
  public String orgId() {
    return orgId;
  }

  /** {@return the org's root token, to configure the client under test with} */
  public String rootToken() {
    return rootToken;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FakeOrg other && other.orgId.equals(orgId);
  }

  @Override
  public int hashCode() {
    return orgId.hashCode();
  }

  @Override
  public String toString() {
    return "FakeOrg[orgId=" + orgId + ", rootToken=██]";
  }
}

package dev.astravault;

import dev.astravault.internal.astra.AstraClientSettings;
import dev.astravault.internal.astra.OkHttpAstraDevOps;
import dev.astravault.internal.support.Validation;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An Astra organization as astra-vault uses it: its id, the root token that mints application tokens, the DevOps
 * API base URL and a logical name that is unique across the orgs of one {@link TokenManager}.
 *
 * <p>A final class rather than a record so that {@link #toString()} cannot print the root token.
 */
public final class OrgConfig {
  /** The production DevOps API. */
  public static final URI DEFAULT_URL = URI.create("https://api.astra.datastax.com");

  private final String orgId;
  private final String rootToken;
  private final URI url;
  private final String logicalName;

  private OrgConfig(Builder builder) {
    this.orgId = Validation.requireId("orgId", builder.orgId);
    this.rootToken = Validation.requireRootToken(builder.rootToken);
    this.url = Validation.requireHttpUrl("url", builder.url == null ? DEFAULT_URL : builder.url);
    this.logicalName = Validation.requireName("logicalName", builder.logicalName == null ? orgId
        : builder.logicalName);
  }

  /** {@return a builder for an org config} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * An org from the environment: {@code ASTRA_ORG_TOKEN} (required), {@code ASTRA_DEVOPS_URL} (optional),
   * {@code ASTRA_ORG_ID} (optional: discovered with {@link #discover} when absent) and {@code ASTRA_ORG_NAME}
   * (optional).
   *
   * @return the org the environment describes
   * @throws IllegalStateException if {@code ASTRA_ORG_TOKEN} is not set
   */
  public static OrgConfig fromEnv() {
    String token = System.getenv("ASTRA_ORG_TOKEN");
    if (token == null || token.isBlank()) {
      throw new IllegalStateException("ASTRA_ORG_TOKEN is not set");
    }
    URI url = Optional.ofNullable(System.getenv("ASTRA_DEVOPS_URL"))
        .map(u -> Validation.parseUrl("ASTRA_DEVOPS_URL", u)).orElse(DEFAULT_URL);
    String orgId = System.getenv("ASTRA_ORG_ID");
    Builder builder = orgId == null || orgId.isBlank() ? discover(token, url).toBuilder()
        : builder().orgId(orgId).rootToken(token).url(url);
    Optional.ofNullable(System.getenv("ASTRA_ORG_NAME")).ifPresent(builder::logicalName);
    return builder.build();
  }

  /**
   * Builds the config of the org that {@code rootToken} belongs to, asking Astra ({@code GET /v2/currentOrg}); the
   * logical name defaults to the org id.
   *
   * @param rootToken the org's root token ({@code AstraCS:...})
   * @param url the DevOps API base URL, e.g. {@link #DEFAULT_URL}
   * @return the org's config, its logical name the org id
   * @throws AstraAuthenticationException if Astra refuses the token
   */
  public static OrgConfig discover(String rootToken, URI url) {
    String token = Validation.requireRootToken(rootToken);
    URI base = Validation.requireHttpUrl("url", url);
    String orgId = OkHttpAstraDevOps.create(
        AstraClientSettings.builder().baseUrl(base).rootToken(token).build())
        .currentOrgId();
    return builder().orgId(orgId).rootToken(token).url(base).build();
  }

  /** {@return the org's id} */
  public String orgId() {
    return orgId;
  }

  /** {@return the org's root token} Handle with care: it is never printed by astra-vault. */
  public String rootToken() {
    return rootToken;
  }

  /** {@return the DevOps API base URL} */
  public URI url() {
    return url;
  }

  /** {@return the name, unique among the manager's orgs, that methods accept in place of the org id} */
  public String logicalName() {
    return logicalName;
  }

  /** {@return the public view, without the root token} */
  public Org toOrg() {
    return new Org(orgId, logicalName, url);
  }

  /** {@return a builder holding this config's values, to derive a changed copy} */
  public Builder toBuilder() {
    return builder().orgId(orgId).rootToken(rootToken).url(url).logicalName(logicalName);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof OrgConfig other && orgId.equals(other.orgId) && rootToken.equals(other.rootToken)
        && url.equals(other.url) && logicalName.equals(other.logicalName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(orgId, url, logicalName);
  }

  @Override
  public String toString() {
    return "OrgConfig[orgId=" + orgId + ", logicalName=" + logicalName + ", url=" + url + ", rootToken=██]";
  }

  /** Builds an {@link OrgConfig}; {@link #build()} fails fast, naming the bad field. */
  public static final class Builder {
    private @Nullable String orgId;
    private @Nullable String rootToken;
    private @Nullable URI url;
    private @Nullable String logicalName;

    private Builder() {}

    /**
     * The org's id, as Astra shows it.
     *
     * @param orgId the org's id
     * @return this builder
     */
    public Builder orgId(String orgId) {
      this.orgId = orgId;
      return this;
    }

    /**
     * The org's root token ({@code AstraCS:…}); surrounding whitespace is trimmed.
     *
     * @param rootToken the root token
     * @return this builder
     */
    public Builder rootToken(String rootToken) {
      this.rootToken = rootToken;
      return this;
    }

    /**
     * The DevOps API base URL; defaults to {@link #DEFAULT_URL}.
     *
     * @param url an http or https URL
     * @return this builder
     */
    public Builder url(URI url) {
      this.url = url;
      return this;
    }

    /**
     * A name unique among the manager's orgs; defaults to the org id.
     *
     * @param logicalName the logical name
     * @return this builder
     */
    public Builder logicalName(String logicalName) {
      this.logicalName = logicalName;
      return this;
    }

    /**
     * Checks every field and builds the config.
     *
     * @return the org config
     * @throws IllegalArgumentException naming the first missing or malformed field
     */
    public OrgConfig build() {
      return new OrgConfig(this);
    }
  }
}

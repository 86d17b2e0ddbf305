package dev.astravault.internal.vault;

import static dev.astravault.internal.vault.PluginWire.answerLost;
import static dev.astravault.internal.vault.PluginWire.expectOk;
import static dev.astravault.internal.vault.PluginWire.expireTime;
import static dev.astravault.internal.vault.PluginWire.gatewayError;
import static dev.astravault.internal.vault.PluginWire.instant;
import static dev.astravault.internal.vault.PluginWire.metadataPairs;
import static dev.astravault.internal.vault.PluginWire.metadataQuery;
import static dev.astravault.internal.vault.PluginWire.notFoundText;
import static dev.astravault.internal.vault.PluginWire.query;
import static dev.astravault.internal.vault.PluginWire.requireSameLease;
import static dev.astravault.internal.vault.PluginWire.unclearIssue;

import dev.astravault.AstraAuthenticationException;
import dev.astravault.AstraVaultException;
import dev.astravault.InvalidTokenResponseException;
import dev.astravault.IssueStyle;
import dev.astravault.LeaseRecord;
import dev.astravault.MaxTtlExceededException;
import dev.astravault.NotFoundException;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.internal.TokenBackend;
import dev.astravault.internal.astra.CreatedToken;
import dev.astravault.internal.astra.RemoteRole;
import dev.astravault.internal.astra.RemoteToken;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.internal.support.LeaseMath;
import dev.astravault.vault.CallerMode;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultResponseTooLargeException;
import dev.astravault.vault.VaultUnavailableException;
import io.github.jopenlibs.vault.json.JsonObject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Vault mode: a client of DataStax's Astra plugin. Tokens are issued by a write (standard caller mode) or a read
 * (sidecar) of {@code <mount>/org/token}; leases are renewed, looked up and revoked through {@code sys/leases};
 * tokens are listed through {@code <mount>/org/tokens}; orgs and roles are written to {@code <mount>/config} and
 * {@code <mount>/role}. Role listing from Astra ({@code syncRoles}) and token validation still talk to Astra with the
 * org's root token when this manager was given one, as the plugin's own {@code update_roles.sh} does.
 *
 * <p>The plugin's quirks become typed errors: its errors arrive as 500s with text, a duplicate triple is a 500
 * ({@link TokenAlreadyExistsException}), a standard-mode read has no lease, renewal is capped with a warning.
 *
 * <p>Why this class is long: each call's failure modes (v2.0.0's texts and status quirks, a lease nobody may hold
 * after a failed issue, revoke retries) sit next to the call they belong to; the pure reading of answers is in
 * {@link PluginWire}.
 */
public final class VaultPluginBackend implements TokenBackend {
  private static final Logger LOG = Redaction.logger(VaultPluginBackend.class);
  private static final Pattern UNKNOWN_ROLE = Pattern.compile("unable to find role (\\S+)");
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private final VaultSession session;
  private final String mount;
  private final CallerMode callerMode;
  private final boolean verifyTokenOrg;
  private final Clock clock;
  private final TokenBackend astra;
  private final SecureRandom random = new SecureRandom();
  private final VaultPluginConfig config;

  /** A token issued with Vault's lease: its id there and the TTL Vault granted. */
  record Issued(CreatedToken token, String authorityLeaseId, Duration ttl) {}

  /**
   * @param astra a direct backend for what the plugin does not offer (listing Astra's roles, validating a token);
   *     used only with orgs whose root token this manager holds
   */
  public VaultPluginBackend(VaultConfig config, Clock clock, TokenBackend astra) {
    this.session = new VaultSession(config, clock);
    this.mount = config.mount();
    this.callerMode = config.callerMode();
    this.verifyTokenOrg = config.verifyTokenOrg();
    this.clock = clock;
    this.astra = astra;
    this.config = new VaultPluginConfig(session, mount, callerMode);
  }

  /** The plugin's org configs and roles, over the same Vault session. */
  VaultPluginConfig config() {
    return config;
  }

  private String path(String rel) {
    return mount + "/" + rel;
  }

  // ------------------------------------------------------------------ tokens and leases

  Issued issue(OrgConfig org, Role role, LeaseRecord pending) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("org_id", org.orgId());
    params.put("role_name", role.name());
    String what = "issuing a token for org " + org.orgId() + ", role " + role.name();
    VaultReply reply;
    String logical = null;   // the name the plugin stores the token under (standard mode)
    try {
      if (callerMode == CallerMode.SIDECAR) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("org_id", org.orgId());
        q.put("role_name", role.name());
        // Sidecar ignores logical_name; an org in standard mode needs it to answer (without a lease) at all.
        pending.logicalName().ifPresent(l -> q.put("logical_name", l));
        String path = path("org/token") + query(q) + metadataQuery(pending.metadata());
        reply = session.read(what, path);
      } else {
        // The plugin needs a logical name and keeps it unique: per-request tokens get a fresh one.
        logical = pending.style() == IssueStyle.UNIQUE && !pending.successor()
            ? pending.logicalName().orElseThrow() : "req-" + randomSuffix();
        params.put("logical_name", logical);
        if (!pending.metadata().isEmpty()) {
          params.put("metadata", metadataPairs(pending.metadata()));
        }
        reply = session.write(what, path("org/token"), params);
      }
    } catch (VaultUnavailableException | VaultResponseTooLargeException e) {
      throw answerLost(e) ? unclearIssue(e, role, logical) : e;
    }
    if (!reply.ok() || reply.status() == 204) {
      AstraVaultException e = issueError(what, org, role, pending, reply);
      throw gatewayError(reply) ? unclearIssue(e, role, logical) : e;
    }
    String leaseId = reply.string("lease_id");
    if (leaseId == null || leaseId.isEmpty()) {
      // Standard caller mode answers a read with the stored token and no lease: nothing we could renew or revoke.
      throw new AstraVaultException(what + ": Vault returned the token without a lease; the org is in "
          + (callerMode == CallerMode.SIDECAR ? "standard caller mode in Vault but this client uses sidecar"
          : "a mode that does not lease on write") + " (set VaultConfig.callerMode to match the org's caller_mode)");
    }
    JsonObject d = reply.data();
    String clientId = VaultReply.string(d, "clientId");
    String token = VaultReply.string(d, "token");
    if (clientId == null || clientId.isEmpty() || token == null || token.isEmpty()) {
      // v2.0.0 leases whatever a 4xx JSON body decodes to: an empty token.
      throw new AstraVaultException(what + ": the plugin returned a lease without a clientId or token (plugin "
          + "v2.0.0 does not check Astra's status); " + revokeQuietly(leaseId));
    }
    if (verifyTokenOrg) {
      verifyOrg(what, org, leaseId, clientId, token);
    }
    Instant generatedOn = instant(VaultReply.string(d, "generatedOn"), clock.instant());
    Duration ttl;
    try {   // a token nobody holds must not outlive the failed issue nor keep its triple
      ttl = reply.leaseDuration(what);
      if (pending.ttl().compareTo(ttl) < 0) {
        // The plugin always grants the role's TTL; a shorter request is a renewal to that increment.
        ttl = renewAt(what, leaseId, pending.ttl()).ttl();
        if (ttl.isZero()) {
          throw new AstraVaultException(what + ": Vault renewed the new lease to 0 s (its max TTL is under a second)");
        }
      }
    } catch (RuntimeException e) {
      e.addSuppressed(new AstraVaultException("the new lease cannot be used; " + revokeQuietly(leaseId)));
      throw e;
    }
    // The plugin never returns the client secret (only the token), so the secret stays empty in Vault mode.
    CreatedToken created = new CreatedToken(clientId, "", org.orgId(), List.of(role.roleId()), token, generatedOn);
    LOG.debug("Vault issued token '{}' with lease {} for {}", clientId, leaseId, ttl);
    return new Issued(created, leaseId, ttl);
  }

  /**
   * Plugin v2.0.0 calls Astra with the client of whichever org it used last: the token may belong to another org. Asks
   * Astra which org the new token is in; a token we cannot place is revoked and never handed out.
   */
  private void verifyOrg(String what, OrgConfig org, String leaseId, String clientId, String token) {
    String actual;
    try {
      actual = astra.validate(org, token);
    } catch (RuntimeException e) {
      String revoked = revokeQuietly(leaseId);
      throw new InvalidTokenResponseException(what + ": could not check the org of new token '" + clientId
          + "' with " + org.url() + "/v2/currentOrg (" + e.getClass().getSimpleName() + "); " + revoked
          + " (VaultConfig.verifyTokenOrg)");
    }
    if (!org.orgId().equals(actual)) {
      String revoked = revokeQuietly(leaseId);
      LOG.error("Vault's Astra plugin issued token '{}' in org {} when asked for org {}: plugin v2.0.0 reuses the "
          + "Astra client of the org it used last", clientId, actual, org.orgId());
      throw new InvalidTokenResponseException(what + ": the plugin issued token '" + clientId + "' in org " + actual
          + ", not " + org.orgId() + ". Plugin v2.0.0 calls Astra with the cached client (URL and root token) of "
          + "the org it used last, whatever the org asked for (its cross-org client cache bug); " + revoked
          + ". Use one plugin mount per org, or a plugin with the fix (see docs/vault.md)");
    }
  }

  private AstraVaultException issueError(String what, OrgConfig org, Role role, LeaseRecord pending,
      VaultReply reply) {
    String text = reply.errorText();
    if (reply.status() == 204) {
      return new AstraVaultException(what + ": the plugin issued nothing (HTTP 204): the role has no role_id or "
          + "the org's caller_mode is undefined in Vault");
    }
    if (text.contains("token already exists")) {
      return new TokenAlreadyExistsException(org.orgId(), role.name(), pending.logicalName().orElse("?"));
    }
    if (text.contains("unable to find config for org ID")) {
      return new NotFoundException(NotFoundException.Kind.ORG, org.orgId());
    }
    Matcher m = UNKNOWN_ROLE.matcher(text);
    if (m.find()) {
      return new NotFoundException(NotFoundException.Kind.ROLE, role.name());
    }
    if (text.contains("Role ID not found")) {
      return new AstraVaultException(VaultErrors.of(what, reply, null).getMessage() + " (Astra does not know role_id "
          + role.roleId() + " in the org the plugin called: check the role, or, with plugin v2.0.0 serving several "
          + "orgs, its cross-org client cache used another org's client; see docs/vault.md)");
    }
    return VaultErrors.of(what, reply, null);
  }

  private record Renewed(Duration ttl, List<String> warnings) {}

  private Renewed renewAt(String what, String leaseId, @Nullable Duration increment) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("lease_id", leaseId);
    if (increment != null) {
      body.put("increment", increment.toSeconds());
    }
    VaultReply reply = session.write(what, "sys/leases/renew", body);
    if (!reply.ok()) {
      throw renewError(what, leaseId, reply);
    }
    requireSameLease(what, leaseId, reply.string("lease_id"), "renewal");
    return new Renewed(reply.renewedDuration(what), reply.warnings());
  }

  private AstraVaultException renewError(String what, String leaseId, VaultReply reply) {
    String text = reply.errorText();
    if (text.contains("past the max TTL")) {
      return new MaxTtlExceededException(leaseId, clock.instant());
    }
    if (text.contains("lease not found") || text.contains("invalid lease")) {
      return new NotFoundException(NotFoundException.Kind.LEASE, leaseId);
    }
    Matcher m = UNKNOWN_ROLE.matcher(text);
    if (m.find()) {
      return new NotFoundException(NotFoundException.Kind.ROLE, m.group(1));
    }
    return VaultErrors.of(what, reply, null);
  }

  LeaseMath.Grant renew(LeaseRecord record, @Nullable Duration increment, Instant maxExpiresAt) {
    String what = "renewing lease " + record.leaseId();
    try {
      Renewed r = renewAt(what, authorityLeaseId(record), increment);
      return new LeaseMath.Grant(r.ttl(), maxExpiresAt, r.warnings());
    } catch (MaxTtlExceededException e) {
      throw new MaxTtlExceededException(record.leaseId(), maxExpiresAt);
    } catch (NotFoundException e) {
      if (e.kind() == NotFoundException.Kind.LEASE) {
        throw new NotFoundException(NotFoundException.Kind.LEASE, record.leaseId());
      }
      throw e;
    }
  }

  Optional<Instant> lookup(LeaseRecord record) {
    VaultReply reply = session.write("looking up lease " + record.leaseId(), "sys/leases/lookup",
        Map.of("lease_id", authorityLeaseId(record)));
    if (reply.status() == 400 && reply.errorText().contains("invalid lease")) {
      return Optional.empty();
    }
    expectOk("looking up lease " + record.leaseId(), reply);
    requireSameLease("looking up lease " + record.leaseId(), authorityLeaseId(record),
        VaultReply.string(reply.data(), "id"), "lookup");
    return Optional.of(expireTime("looking up lease " + record.leaseId(), reply, record.expiresAt(), clock.instant()));
  }

  Set<String> liveClientIds() {
    VaultReply reply = session.list("listing tokens", path("org/tokens"));
    if (reply.status() == 404 || notFoundText(reply) || reply.errorText().contains("no tokens found")) {
      return Set.of();
    }
    // v2.0.0 puts every token, in plaintext, in key_info: only the keys (client ids) are kept.
    reply.data().remove("key_info");
    expectOk("listing tokens", reply);
    return new HashSet<>(VaultReply.strings(reply.data(), "keys"));
  }

  /** Revokes the lease in Vault, which deletes the token in Astra through the plugin. */
  @Override
  public boolean delete(OrgConfig org, LeaseRecord record) {
    String leaseId = authorityLeaseId(record);
    boolean known = lookupQuietly(leaseId);
    VaultReply reply = revokeInVault("revoking lease " + record.leaseId(), leaseId);
    // 202 is an asynchronous revoke (sync=false): accepted. The driver throws on it; the session reports it as a
    // reply with that status.
    if (reply.status() == 204 || reply.status() == 200 || reply.status() == 202) {
      return known;
    }
    AstraVaultException error = VaultErrors.of("revoking lease " + record.leaseId(), reply, null);
    Matcher status = ASTRA_DELETE_STATUS.matcher(reply.errorText());
    if (status.find() && status.group(1).startsWith("2")) {
      // v2.0.0 counts only 204 as deleted; Astra's spec answers 200. The token is gone, Vault's lease is not.
      throw new AstraVaultException(error.getMessage() + ". Astra answered " + status.group(1) + ", which plugin "
          + "v2.0.0 does not accept (only 204): the token " + tokenState(org, record) + ", but Vault keeps the "
          + "lease, retries the revoke and then marks it irrevocable, and the plugin keeps its record (the triple "
          + "stays taken). See docs/vault.md, \"Running against plugin v2.0.0\"");
    }
    throw error;
  }

  private static final Pattern ASTRA_DELETE_STATUS = Pattern.compile("unable to delete token in astra; (\\d{3})");
  private static final int TRANSIENT_REVOKE_ATTEMPTS = 3;

  private static boolean transientAstraStatus(VaultReply reply) {
    if (reply.ok()) {
      return false;
    }
    Matcher status = ASTRA_DELETE_STATUS.matcher(reply.errorText());
    return status.find() && Set.of("429", "502", "503", "504").contains(status.group(1));
  }

  /** Whether Astra still accepts the token: the plugin's revoke error does not say whether Astra deleted it. */
  private String tokenState(OrgConfig org, LeaseRecord record) {
    String token = record.token().orElse("");
    if (token.isEmpty()) {
      return "may already be deleted in Astra";
    }
    try {
      astra.validate(org, token);
      return "still works in Astra";
    } catch (AstraAuthenticationException e) {
      return "no longer authenticates in Astra (Astra deleted it)";
    } catch (RuntimeException e) {
      return "may already be deleted in Astra (checking failed: " + e.getClass().getSimpleName() + ")";
    }
  }

  private boolean lookupQuietly(String leaseId) {
    VaultReply reply = session.write("looking up lease", "sys/leases/lookup", Map.of("lease_id", leaseId));
    return reply.ok();
  }

  /**
   * Asks Vault to revoke {@code leaseId}. The plugin sends its DELETE once: Astra shedding it (429, 502, 503, 504)
   * fails the revoke. Such a DELETE is safe to repeat, so ask Vault again, as the direct client retries its own DELETE.
   */
  private VaultReply revokeInVault(String what, String leaseId) {
    VaultReply reply = session.write(what, "sys/leases/revoke", Map.of("lease_id", leaseId));
    for (int attempt = 1; attempt < TRANSIENT_REVOKE_ATTEMPTS && transientAstraStatus(reply); attempt++) {
      reply = session.write(what, "sys/leases/revoke", Map.of("lease_id", leaseId));
    }
    return reply;
  }

  private String revokeQuietly(String leaseId) {
    try {
      VaultReply reply = revokeInVault("revoking lease", leaseId);
      if (reply.ok()) {
        return "its Vault lease " + leaseId + " was revoked";
      }
      String text = VaultErrors.scrub(reply.errorText());
      LOG.warn("could not revoke Vault lease {}: HTTP {}: {}", leaseId, reply.status(), text);
      return "revoking its Vault lease " + leaseId + " FAILED (HTTP " + reply.status() + ": " + text
          + "); an operator must revoke it";
    } catch (RuntimeException e) {
      LOG.warn("could not revoke Vault lease {}: {}", leaseId, e.getClass().getSimpleName());
      return "revoking its Vault lease " + leaseId + " FAILED (" + e.getClass().getSimpleName()
          + "); an operator must revoke it";
    }
  }

  /** Vault's own lease id, which the engine keeps in the cached record's description. */
  static String authorityLeaseId(LeaseRecord record) {
    return record.description();
  }

  // ------------------------------------------------------------------ what the plugin does not offer

  /** Vault's expiration manager settles leases; there is nothing tagged by description to find in Astra. */
  @Override
  public List<RemoteToken> remoteTokens(OrgConfig org) {
    return List.of();
  }

  @Override
  public List<RemoteRole> remoteRoles(OrgConfig org) {
    return astra.remoteRoles(org);
  }

  @Override
  public String validate(OrgConfig org, String token) {
    return astra.validate(org, token);
  }

  @Override
  public CreatedToken create(OrgConfig org, Role role, @Nullable String description, @Nullable Instant tokenExpiry) {
    throw new UnsupportedOperationException("Vault mode issues through VaultAuthority.mint");
  }

  @Override
  public void close() {
    astra.close();
  }

  private String randomSuffix() {
    char[] c = new char[20];
    for (int i = 0; i < c.length; i++) {
      c[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(c);
  }
}

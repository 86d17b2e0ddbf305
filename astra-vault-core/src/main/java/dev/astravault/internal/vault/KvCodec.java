package dev.astravault.internal.vault;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import dev.astravault.AstraVaultException;
import dev.astravault.IssueStyle;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.internal.crypto.SecretCipher;
import dev.astravault.internal.store.MalformedRowException;
import dev.astravault.internal.store.RowBindings;
import dev.astravault.internal.support.Validation;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The lease, org and role entries of {@link dev.astravault.vault.VaultKvLeaseStore} as KV data maps, both ways, and
 * its tombstones. Secrets are sealed (or, without one, a tag made) under the cipher's current key with the entry's
 * fields as associated data, through {@link RowBindings} as the JDBC store does; decoding opens the seal or checks the
 * tag, so an entry rewritten outside the library is refused. Field names and value formats are the stored format:
 * change none of them.
 */
public final class KvCodec {
  private static final JsonAdapter<Map<String, String>> METADATA = new Moshi.Builder().build()
      .adapter(Types.newParameterizedType(Map.class, String.class, String.class));
  private static final String TOMBSTONE = "deleted";

  private final SecretCipher cipher;

  public KvCodec(SecretCipher cipher) {
    this.cipher = cipher;
  }

  /**
   * What a conditional delete writes in place of an entry. Its nonce makes it this delete's own: a delete whose answer
   * was lost finds out from it whether it won ({@link KvCalls#write}), where two equal tombstones could not tell.
   */
  public static Map<String, Object> tombstone() {
    return Map.of(TOMBSTONE, "true", "nonce", UUID.randomUUID().toString());
  }

  public static boolean isTombstone(VaultKv.Entry e) {
    return "true".equals(e.string(TOMBSTONE));
  }

  // ---- leases

  public Map<String, Object> encode(LeaseRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("lease_id", r.leaseId());
    m.put("org_id", r.orgId());
    m.put("role_name", r.roleName());
    m.put("role_id", r.roleId());
    r.logicalName().ifPresent(v -> m.put("logical_name", v));
    m.put("style", r.style().name());
    m.put("successor", String.valueOf(r.successor()));
    m.put("state", r.state().name());
    r.clientId().ifPresent(v -> m.put("client_id", v));
    // token and secret sealed together (or, without them, a tag), bound to every other field, as JdbcLeaseStore does.
    m.put("secret_ct", RowBindings.sealLease(cipher, r));
    r.generatedOn().ifPresent(v -> m.put("generated_on", v.toString()));
    m.put("metadata", METADATA.toJson(r.metadata()));
    m.put("description", r.description());
    m.put("issued_at", r.issuedAt().toString());
    m.put("ttl", r.ttl().toString());
    m.put("expires_at", r.expiresAt().toString());
    m.put("max_expires_at", r.maxExpiresAt().toString());
    m.put("renewable", String.valueOf(r.renewable()));
    r.lastRenewedAt().ifPresent(v -> m.put("last_renewed_at", v.toString()));
    r.lastError().ifPresent(v -> m.put("last_error", v));
    m.put("revoke_attempts", String.valueOf(r.revokeAttempts()));
    r.stateChangedAt().ifPresent(v -> m.put("state_changed_at", v.toString()));
    m.put("version", String.valueOf(r.version()));
    return m;
  }

  public LeaseRecord decodeLease(String leaseId, VaultKv.Entry e) {
    try {
      LeaseRecord.Builder b = LeaseRecord.builder()
          .leaseId(req(e, "lease_id"))
          .orgId(req(e, "org_id"))
          .roleName(req(e, "role_name"))
          .roleId(req(e, "role_id"))
          .logicalName(e.string("logical_name"))
          .style(IssueStyle.valueOf(req(e, "style")))
          .successor(Boolean.parseBoolean(e.string("successor")))
          .state(LeaseState.valueOf(req(e, "state")))
          .clientId(e.string("client_id"))
          .generatedOn(instant(e.string("generated_on")))
          .metadata(Objects.requireNonNullElse(METADATA.fromJson(req(e, "metadata")), Map.of()))
          .description(req(e, "description"))
          .issuedAt(Instant.parse(req(e, "issued_at")))
          .ttl(Duration.parse(req(e, "ttl")))
          .expiresAt(Instant.parse(req(e, "expires_at")))
          .maxExpiresAt(Instant.parse(req(e, "max_expires_at")))
          .renewable(Boolean.parseBoolean(e.string("renewable")))
          .lastRenewedAt(instant(e.string("last_renewed_at")))
          .lastError(e.string("last_error"))
          .revokeAttempts(Integer.parseInt(req(e, "revoke_attempts")))
          .stateChangedAt(instant(e.string("state_changed_at")))
          .version(Long.parseLong(req(e, "version")));
      if (!leaseId.equals(e.string("lease_id"))) {
        throw RowBindings.malformed("lease " + leaseId, "its lease_id is not the one in its path");
      }
      // Built first without the secret: its fields are the associated data the seal was made with. An entry without
      // a seal is refused: this store writes one on every entry.
      RowBindings.openLease(cipher, e.string("secret_ct"), b.build(), b);
      LeaseRecord r = b.build();
      RowBindings.checkLease(r);
      return r;
    } catch (IOException | RuntimeException ex) {
      if (ex instanceof AstraVaultException a) {
        throw a;
      }
      throw new MalformedRowException("Vault KV lease store: lease " + leaseId + " is malformed ("
          + ex.getClass().getSimpleName() + ")", ex);
    }
  }

  // ---- orgs

  /** An org's entry, its root token sealed afresh under the current key with the org's fields as associated data. */
  public Map<String, Object> encode(OrgConfig org) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("org_id", org.orgId());
    m.put("logical_name", org.logicalName());
    m.put("url", org.url().toString());
    m.put("root_token_ct", cipher.seal(org.rootToken(), RowBindings.orgAad(org.orgId(), org.logicalName(),
        org.url())));
    return m;
  }

  public OrgConfig decodeOrg(String orgId, VaultKv.Entry e) {
    try {
      if (!orgId.equals(e.string("org_id"))) {
        throw new IllegalStateException("its org_id is not the one in its path");
      }
      URI url = Validation.parseUrl("its url", req(e, "url"));
      String logicalName = req(e, "logical_name");
      // The logical name and URL are bound to the root token: one rewritten fails here, before any use.
      String rootToken = RowBindings.openRootToken(cipher, req(e, "root_token_ct"), orgId, logicalName, url);
      return OrgConfig.builder().orgId(orgId).logicalName(logicalName).url(url).rootToken(rootToken).build();
    } catch (RuntimeException ex) {
      if (ex instanceof AstraVaultException a) {
        throw a;
      }
      throw RowBindings.malformed("org " + orgId, String.valueOf(ex.getMessage()));
    }
  }

  // ---- roles

  /** A role's entry, with its tag: sealed afresh on every write (putRole, compareAndSetRole). */
  public Map<String, Object> encode(Role role) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("org_id", role.orgId());
    m.put("name", role.name());
    m.put("role_id", role.roleId());
    m.put("ttl", role.ttl().toString());
    m.put("max_ttl", role.maxTtl().toString());
    m.put("tag", RowBindings.sealRoleTag(cipher, role));
    return m;
  }

  /** A role's fields; its tag (the entry's {@code tag} field) is checked by the caller. */
  public static Role decodeRole(String orgId, String name, VaultKv.Entry e) {
    try {
      return new Role(orgId, name, req(e, "role_id"), Duration.parse(req(e, "ttl")), Duration.parse(req(e, "max_ttl")));
    } catch (RuntimeException ex) {
      // Not ex's message: a DateTimeParseException quotes the text it could not parse.
      throw RowBindings.malformed("role " + name + " of org " + orgId, ex.getClass().getSimpleName());
    }
  }

  private static String req(VaultKv.Entry e, String field) {
    String v = e.string(field);
    if (v == null) {
      throw new IllegalStateException("missing field " + field);
    }
    return v;
  }

  private static @Nullable Instant instant(@Nullable String s) {
    return s == null ? null : Instant.parse(s);
  }
}

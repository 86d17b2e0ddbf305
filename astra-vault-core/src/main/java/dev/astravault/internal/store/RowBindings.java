package dev.astravault.internal.store;

import dev.astravault.LeaseRecord;
import dev.astravault.SecretDecryptionException;
import dev.astravault.StoreException;
import dev.astravault.internal.ClientIds;
import dev.astravault.internal.SecretCipher;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What ties a durable store's plaintext columns to the secret they go with, against someone who can rewrite the
 * database (or Vault KV) but holds no key. A root token is sealed with its org's URL in the associated data: a URL
 * rewritten to another server fails authentication instead of receiving the token. A lease's token and secret are
 * sealed with every other field of its record in the associated data ({@link #leaseAad(LeaseRecord)}): a row whose
 * expiry, state, ttl, org, role, client id, version or any other field was rewritten fails authentication
 * ({@code TAMPERED}) instead of making a short-lived token immortal or the engine revoke another token. Every write
 * seals afresh. A row without a secret (PENDING, or a metadata-only store) has nothing to bind: see docs/stores.md.
 */
public final class RowBindings {
  private static final String LEASE_ROOT = "astra/";

  private RowBindings() {}

  /**
   * The associated data of a lease's sealed token and secret: every field of {@code r} but those two, each
   * length-prefixed ({@code <length>:<value>}, {@code -} for absent), so that no two records encode alike. The
   * version is in it, so a ciphertext cannot be paired with another version's columns; a whole older row written
   * back (ciphertext and columns together) still opens, which no key-holder-free check can tell from the real one.
   * No fallback to the form that bound the lease id alone: the library was not released with it.
   */
  public static String leaseAad(LeaseRecord r) {
    StringBuilder sb = new StringBuilder(256 + r.description().length()).append("astra-vault/lease/2");
    field(sb, r.leaseId());
    field(sb, r.orgId());
    field(sb, r.roleName());
    field(sb, r.roleId());
    field(sb, r.logicalName().orElse(null));
    field(sb, r.style().name());
    field(sb, r.successor() ? "1" : "0");
    field(sb, r.state().name());
    field(sb, r.clientId().orElse(null));
    instant(sb, r.generatedOn().orElse(null));
    // Sorted, so that the map's iteration order (which a store does not keep) does not matter.
    Map<String, String> metadata = r.metadata();
    field(sb, Integer.toString(metadata.size()));
    for (String k : metadata.size() < 2 ? metadata.keySet() : new TreeMap<>(metadata).keySet()) {
      field(sb, k);
      field(sb, metadata.get(k));
    }
    field(sb, r.description());
    instant(sb, r.issuedAt());
    field(sb, r.ttl().getSeconds() + "." + r.ttl().getNano());
    instant(sb, r.expiresAt());
    instant(sb, r.maxExpiresAt());
    field(sb, r.renewable() ? "1" : "0");
    instant(sb, r.lastRenewedAt().orElse(null));
    field(sb, r.lastError().orElse(null));
    field(sb, Integer.toString(r.revokeAttempts()));
    instant(sb, r.stateChangedAt().orElse(null));
    field(sb, Long.toString(r.version()));
    return sb.toString();
  }

  private static void field(StringBuilder sb, @Nullable String v) {
    sb.append('\n');
    if (v == null) {
      sb.append('-');
    } else {
      sb.append(v.length()).append(':').append(v);
    }
  }

  private static void instant(StringBuilder sb, @Nullable Instant v) {
    field(sb, v == null ? null : v.getEpochSecond() + "." + v.getNano());
  }

  public static String orgAad(String orgId, URI url) {
    return "astra-vault/org/" + orgId + "\nurl=" + url;
  }

  /**
   * Opens an org's root token, bound to {@code url}. There is no fallback to the unbound form of earlier snapshots:
   * it would let anyone holding an old ciphertext pair it with a URL of their choosing.
   *
   * @throws SecretDecryptionException when the URL (or anything else) was rewritten
   */
  public static String openRootToken(SecretCipher cipher, String sealed, String orgId, URI url) {
    return cipher.open(sealed, orgAad(orgId, url), "the root token of org " + orgId);
  }

  /** Seals a record's token and secret together (one nonce, one tag), bound to all its other fields. */
  public static String sealLeaseSecret(SecretCipher cipher, LeaseRecord r) {
    return cipher.seal(r.token().orElseThrow() + "\n" + r.secret().orElseThrow(), leaseAad(r));
  }

  /**
   * Opens what {@link #sealLeaseSecret} sealed into {@code b}'s token and secret; {@code fields} is the row read
   * without them ({@code b} built before the secret was set), whose fields must be the ones sealed with it.
   *
   * @throws SecretDecryptionException ({@code TAMPERED}) when any field of the row was rewritten
   * @throws StoreException when the opened value is not a token and a secret
   */
  public static void openLeaseSecret(SecretCipher cipher, String sealed, LeaseRecord fields, LeaseRecord.Builder b) {
    String leaseId = fields.leaseId();
    String plain = cipher.open(sealed, leaseAad(fields), "the secret of lease " + leaseId);
    int nl = plain.indexOf('\n');
    if (nl < 0) {
      throw malformed("lease " + leaseId, "its secret_ct does not hold a token and a secret");
    }
    b.token(plain.substring(0, nl)).secret(plain.substring(nl + 1));
  }

  /**
   * Checks a lease read with its secret against what the secret is bound to.
   *
   * @throws StoreException naming the lease and the column that does not match
   */
  public static void checkLease(LeaseRecord r) {
    String token = r.token().orElse(null);
    if (token == null) {
      return;
    }
    String leaseId = r.leaseId();
    if (leaseId.startsWith(LEASE_ROOT)
        && !leaseId.startsWith(LEASE_ROOT + r.orgId() + "/" + r.roleName() + "/")) {
      throw malformed("lease " + leaseId, "its org_id or role_name is not the one in its lease id");
    }
    // A token that carries a client id (AstraCS:<id>:…) must carry the record's.
    boolean carriesOne = token.startsWith("AstraCS:") && ClientIds.end(token) > ClientIds.START;
    if (carriesOne && !ClientIds.inToken(token, r.clientId().orElse(""))) {
      throw malformed("lease " + leaseId, "its client_id is not its token's");
    }
  }

  /**
   * A row rewritten outside the library: names the row ({@code "lease <id>"}, {@code "org <id>"}, …) and the problem,
   * never a value.
   */
  public static StoreException malformed(String row, String problem) {
    return new MalformedRowException(row + " in the store is malformed (rewritten outside the library?): " + problem,
        null);
  }
}

package dev.astravault.internal.store;

import dev.astravault.LeaseRecord;
import dev.astravault.Role;
import dev.astravault.SecretDecryptionException;
import dev.astravault.StoreException;
import dev.astravault.internal.crypto.SecretCipher;
import dev.astravault.internal.support.ClientIds;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What ties a durable store's plaintext columns to the secret they go with, against someone who can rewrite the
 * database (or Vault KV) but holds no key. A root token is sealed with its org's logical name and URL in the
 * associated data: a URL rewritten to another server fails authentication instead of receiving the token, and a
 * logical name moved to another org fails instead of sending callers there. A role carries a tag over its every
 * field ({@link #roleAad(Role)}): a rewritten ttl, max ttl or Astra role id fails instead of being issued with. A
 * lease's token and secret are sealed with every other field of its record in the associated data
 * ({@link #leaseAad(LeaseRecord)}): a row whose
 * expiry, state, ttl, org, role, client id, version or any other field was rewritten fails authentication
 * ({@code TAMPERED}) instead of making a short-lived token immortal or the engine revoke another token. A lease row
 * without a token (PENDING, or any record written {@link LeaseRecord#withoutSecret() without its secret}) carries a
 * tag in the same place instead: an empty value sealed with the same associated data ({@link #sealLease}), so its
 * fields are bound just as tightly, and a row with neither is refused. Every write seals afresh. A store without a
 * key (a metadata-only {@code JdbcLeaseStore}) binds nothing: see docs/stores.md.
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

  /**
   * The associated data of an org's root token: every other field of the org (id, logical name, URL), each
   * length-prefixed. The engine acts on all three: the URL receives the root token, and the logical name is how
   * callers pick an org, so a rewritten one would send their tokens to another org.
   */
  public static String orgAad(String orgId, String logicalName, URI url) {
    StringBuilder sb = new StringBuilder(64 + orgId.length() + logicalName.length()).append("astra-vault/org/2");
    field(sb, orgId);
    field(sb, logicalName);
    field(sb, url.toString());
    return sb.toString();
  }

  /**
   * Opens an org's root token, bound to its logical name and {@code url}. There is no fallback to the forms of
   * earlier snapshots (unbound, or bound to the URL alone): they would let anyone holding an old ciphertext pair it
   * with a URL or logical name of their choosing.
   *
   * @throws SecretDecryptionException when the logical name, the URL (or anything else) was rewritten
   */
  public static String openRootToken(SecretCipher cipher, String sealed, String orgId, String logicalName, URI url) {
    return cipher.open(sealed, orgAad(orgId, logicalName, url), "the root token of org " + orgId);
  }

  /**
   * The associated data of a role's tag: every field of {@code r}, each length-prefixed like {@link #leaseAad}. A
   * role carries no secret, so its tag is the seal of an empty plaintext with this as associated data: only a key
   * holder can make one, and a rewritten role id, ttl or max ttl (or a role moved to another org or name) fails it.
   */
  public static String roleAad(Role r) {
    StringBuilder sb = new StringBuilder(96 + r.roleId().length()).append("astra-vault/role/1");
    field(sb, r.orgId());
    field(sb, r.name());
    field(sb, r.roleId());
    field(sb, r.ttl().getSeconds() + "." + r.ttl().getNano());
    field(sb, r.maxTtl().getSeconds() + "." + r.maxTtl().getNano());
    return sb.toString();
  }

  /** A fresh tag of {@code r} under the current key (randomised: two tags of one role differ). */
  public static String sealRoleTag(SecretCipher cipher, Role r) {
    return cipher.seal("", roleAad(r));
  }

  /**
   * Checks a stored role against its tag. A role without one (written before role tags, by a metadata-only store,
   * or with its tag removed) is refused too, as {@code TAMPERED} like a lease row whose seal was removed: stripping
   * the tag is the same attack, and there is no fallback that would let a rewritten role through.
   *
   * @throws SecretDecryptionException ({@code TAMPERED}) naming the org and role when a field was rewritten or the
   *     tag removed
   */
  public static Role checkRoleTag(SecretCipher cipher, @Nullable String tag, Role r) {
    String what = "the tag of role " + r.name() + " of org " + r.orgId();
    if (tag == null || tag.isEmpty()) {
      throw new SecretDecryptionException(SecretDecryptionException.Reason.TAMPERED, what + " (it has none: removed, "
          + "or written before role tags or by a metadata-only store; delete the role by name and write it again)",
          "none");
    }
    if (!cipher.open(tag, roleAad(r), what).isEmpty()) {
      throw new SecretDecryptionException(SecretDecryptionException.Reason.MALFORMED, what, SecretCipher.keyId(tag));
    }
    return r;
  }

  /**
   * A lease row's seal under the current key, bound to every other field of {@code r} ({@link #leaseAad}): its token
   * and secret sealed together (one nonce, one tag), or, for a record without them, a tag (an empty value sealed
   * the same way). The two cannot be mistaken for each other: a sealed token and secret is never empty (it holds the
   * newline between them), and only a key holder can make either. Randomised: two seals of one record differ.
   */
  public static String sealLease(SecretCipher cipher, LeaseRecord r) {
    Optional<String> token = r.token();
    return cipher.seal(token.isEmpty() ? "" : token.get() + "\n" + r.secret().orElseThrow(), leaseAad(r));
  }

  /**
   * Opens what {@link #sealLease} sealed: sets {@code b}'s token and secret from it, or leaves them absent when it is
   * a tag. {@code fields} is the row read without them ({@code b} built before the secret was set), whose fields
   * must be the ones sealed with it. A row with no seal at all is refused like one whose seal fails: a store with a
   * key writes one on every row, so a missing one was removed (or the row written without the key); there is no
   * fallback for untagged rows (the library was not released without lease tags).
   *
   * @throws SecretDecryptionException ({@code TAMPERED}) when any field of the row was rewritten, or its seal removed
   * @throws StoreException when the opened value is not a token and a secret
   */
  public static void openLease(SecretCipher cipher, @Nullable String sealed, LeaseRecord fields,
      LeaseRecord.Builder b) {
    String leaseId = fields.leaseId();
    if (sealed == null || sealed.isEmpty()) {
      throw new SecretDecryptionException(SecretDecryptionException.Reason.TAMPERED, "the seal of lease " + leaseId
          + " (it has none: removed, or the row was written without the key)", "none");
    }
    String plain = cipher.open(sealed, leaseAad(fields), "the seal of lease " + leaseId);
    if (plain.isEmpty()) {
      return;   // a tag: the record holds no token
    }
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

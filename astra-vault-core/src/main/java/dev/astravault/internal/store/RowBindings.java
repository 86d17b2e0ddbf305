package dev.astravault.internal.store;

import dev.astravault.LeaseRecord;
import dev.astravault.SecretDecryptionException;
import dev.astravault.StoreException;
import dev.astravault.internal.ClientIds;
import dev.astravault.internal.SecretCipher;
import java.net.URI;

/**
 * What ties a durable store's plaintext columns to the secret they go with, against someone who can rewrite the
 * database (or Vault KV) but holds no key. A root token is sealed with its org's URL in the associated data: a URL
 * rewritten to another server fails authentication instead of receiving the token. A lease's secret is sealed with
 * its lease id, which names its org and role, and its token names its client id: those columns are checked against
 * them, so a rewritten row cannot make the engine revoke another token, or this one in another org.
 */
public final class RowBindings {
  private static final String LEASE_ROOT = "astra/";

  private RowBindings() {}

  public static String leaseAad(String leaseId) {
    return "astra-vault/lease/" + leaseId;
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

  /** Seals a record's token and secret together (one nonce, one tag), bound to its lease id. */
  public static String sealLeaseSecret(SecretCipher cipher, LeaseRecord r) {
    return cipher.seal(r.token().orElseThrow() + "\n" + r.secret().orElseThrow(), leaseAad(r.leaseId()));
  }

  /**
   * Opens what {@link #sealLeaseSecret} sealed into {@code b}'s token and secret.
   *
   * @throws StoreException when the opened value is not a token and a secret
   */
  public static void openLeaseSecret(SecretCipher cipher, String sealed, String leaseId, LeaseRecord.Builder b) {
    String plain = cipher.open(sealed, leaseAad(leaseId), "the secret of lease " + leaseId);
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

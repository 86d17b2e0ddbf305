package dev.astravault.internal.store;

import dev.astravault.LeaseRecord;
import dev.astravault.Role;
import dev.astravault.internal.crypto.SecretCipher;
import java.net.URI;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code JdbcLeaseStore}'s key rotation: every lease seal or tag, root token and role tag not under the current key is
 * read and checked (opened, or verified) first, then rewritten under the current key, each row only if it is
 * unchanged since it was read.
 */
public final class JdbcKeyRotation {
  private final JdbcCalls db;
  private final JdbcLeaseCodec codec;

  public JdbcKeyRotation(JdbcCalls db, JdbcLeaseCodec codec) {
    this.db = db;
    this.codec = codec;
  }

  /**
   * Re-encrypts and re-tags every row not under {@code cipher}'s current key (see
   * {@code JdbcLeaseStore.rotateKeys}); returns how many rows were rewritten.
   */
  public int rotate(SecretCipher cipher) {
    String current = cipher.currentKeyId();
    // All three kinds read (and opened) first, as the Vault KV store does: a rewritten org or role found after some
    // leases were resealed would leave the store half rotated by a refused call.
    List<Reseal> reseals = new ArrayList<>(staleLeases(cipher, current));
    reseals.addAll(staleOrgs(cipher, current));
    reseals.addAll(staleRoles(cipher, current));
    int rotated = 0;
    for (Reseal r : reseals) {
      rotated += db.update(r.what(), r.sql(), r.args().toArray());
    }
    return rotated;
  }

  /** One row's new seal: an UPDATE whose last condition is the old seal, so a row changed since read is left. */
  private record Reseal(String what, String sql, List<String> args) {}

  /**
   * Leases not sealed under the current key, resealed. Whole rows: the associated data is the record's every field,
   * so a reseal needs them all. Reading one opens its seal (a secret or a tag), so a rewritten row throws here rather
   * than being sealed afresh. Rows without a key id are read too: a store with a key writes one on every row, so its
   * absence means the seal was removed, and the rotation refuses it (as the Vault KV store's does) instead of
   * reporting nothing left under an old key.
   */
  private List<Reseal> staleLeases(SecretCipher cipher, String current) {
    String stale = JdbcLeaseSql.SELECT + "WHERE key_id IS NULL OR key_id <> ?";
    return db.callPrepared("find leases to re-encrypt", stale, ps -> {
      List<Reseal> out = new ArrayList<>();
      ps.setString(1, current);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          LeaseRecord r = codec.read(rs);
          // Unchanged since read: any write seals afresh (a new nonce), so an equal ciphertext means equal fields.
          out.add(new Reseal("re-encrypt lease " + r.leaseId(), "UPDATE av_lease SET secret_ct = ?, key_id = ? "
              + "WHERE lease_id = ? AND secret_ct = ?", List.of(RowBindings.sealLease(cipher, r), current,
              r.leaseId(), rs.getString("secret_ct"))));
        }
      }
      return out;
    });
  }

  /** Root tokens not sealed under the current key, each opened (a rewritten org throws) and sealed afresh. */
  private List<Reseal> staleOrgs(SecretCipher cipher, String current) {
    record Stale(String id, String ct, String url, String logicalName) {}
    List<Stale> orgs = db.callPrepared("find orgs to re-encrypt",
        "SELECT org_id, root_token_ct, url, logical_name FROM av_org WHERE key_id <> ?", ps -> {
          List<Stale> read = new ArrayList<>();
          ps.setString(1, current);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              read.add(new Stale(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
          }
          return read;
        });
    List<Reseal> out = new ArrayList<>();
    for (Stale s : orgs) {
      URI url = JdbcOrgRows.url(s.id(), s.url());
      String name = JdbcOrgRows.logicalName(s.id(), s.logicalName());
      String aad = RowBindings.orgAad(s.id(), name, url);
      String resealed = cipher.seal(RowBindings.openRootToken(cipher, s.ct(), s.id(), name, url), aad);
      out.add(new Reseal("re-encrypt org " + s.id(), "UPDATE av_org SET root_token_ct = ?, key_id = ? "
          + "WHERE org_id = ? AND root_token_ct = ?", List.of(resealed, current, s.id(), s.ct())));
    }
    return out;
  }

  /**
   * Roles not tagged under the current key, each only after its old tag verified (a rewritten role is refused, not
   * blessed with a fresh tag), re-tagged.
   */
  private List<Reseal> staleRoles(SecretCipher cipher, String current) {
    // A role without a key id lost its tag (or predates tags): read, so that checkRoleTag refuses it as TAMPERED.
    String stale = JdbcRoleRows.ROLE_SELECT + "WHERE key_id IS NULL OR key_id <> ?";
    return db.callPrepared("find roles to re-tag", stale, ps -> {
      List<Reseal> out = new ArrayList<>();
      ps.setString(1, current);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String tag = rs.getString(6);
          Role r = RowBindings.checkRoleTag(cipher, tag, JdbcRoleRows.roleOf(rs));
          out.add(new Reseal("re-tag role " + r.name(), "UPDATE av_role SET tag = ?, key_id = ? WHERE org_id = ? "
              + "AND name = ? AND tag = ?", List.of(RowBindings.sealRoleTag(cipher, r), current, r.orgId(), r.name(),
              tag)));
        }
      }
      return out;
    });
  }
}

package dev.astravault.internal.store;

import dev.astravault.OrgConfig;
import dev.astravault.StoreException;
import dev.astravault.internal.crypto.SecretCipher;
import dev.astravault.internal.support.Validation;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * {@code JdbcLeaseStore}'s org configs: the {@code av_org} table, each root token sealed with its org's logical name
 * and URL as associated data (see {@link RowBindings#orgAad}). Without a cipher (metadata-only mode) orgs are kept in
 * this process's memory only. The id column is read on its own where a caller needs only the id, so that a row which
 * no longer opens can still be found and deleted.
 */
public final class JdbcOrgRows {
  private final JdbcCalls db;
  private final @Nullable SecretCipher cipher;
  private final UnreadableRows unreadable;
  // Metadata-only mode: orgs live in this process only.
  private final Map<String, OrgConfig> memoryOrgs = new ConcurrentHashMap<>();

  public JdbcOrgRows(JdbcCalls db, @Nullable SecretCipher cipher, UnreadableRows unreadable) {
    this.db = db;
    this.cipher = cipher;
    this.unreadable = unreadable;
  }

  /** Creates or replaces the org; its logical name must not be another org's. */
  public void put(OrgConfig org) {
    // By id, without opening the other org: an unreadable one still holds its name and must not fail this write.
    Optional<String> clash = idByLogicalName(org.logicalName()).filter(id -> !id.equals(org.orgId()));
    if (clash.isPresent()) {
      throw new IllegalArgumentException("logicalName '" + org.logicalName() + "' is already used by org "
          + clash.get());
    }
    if (cipher == null) {
      memoryOrgs.put(org.orgId(), org);
      return;
    }
    String ct = cipher.seal(org.rootToken(), RowBindings.orgAad(org.orgId(), org.logicalName(), org.url()));
    try {
      db.connections().prepared("INSERT INTO av_org (org_id, logical_name, url, root_token_ct, key_id) "
          + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (org_id) DO UPDATE SET logical_name = excluded.logical_name, "
          + "url = excluded.url, root_token_ct = excluded.root_token_ct, key_id = excluded.key_id", ps -> {
            ps.setString(1, org.orgId());
            ps.setString(2, org.logicalName());
            ps.setString(3, org.url().toString());
            ps.setString(4, ct);
            ps.setString(5, cipher.currentKeyId());
            return ps.executeUpdate();
          });
    } catch (SQLException e) {
      if (JdbcCalls.isConstraintViolation(e)) {
        throw new IllegalArgumentException("logicalName '" + org.logicalName() + "' is already used by another org");
      }
      throw JdbcCalls.failure("write org " + org.orgId(), e);
    }
  }

  public Optional<OrgConfig> find(String orgId) {
    if (cipher == null) {
      return Optional.ofNullable(memoryOrgs.get(orgId));
    }
    return orgsWhere(cipher, "WHERE org_id = ?", orgId).stream().findFirst();
  }

  public Optional<OrgConfig> findByLogicalName(String logicalName) {
    if (cipher == null) {
      return memoryOrgs.values().stream().filter(o -> o.logicalName().equals(logicalName)).findFirst();
    }
    return orgsWhere(cipher, "WHERE logical_name = ?", logicalName).stream().findFirst();
  }

  /** Every org by id, leaving out (with a WARN) an org this store cannot read. */
  public List<OrgConfig> list() {
    if (cipher == null) {
      return memoryOrgs.values().stream().sorted(Comparator.comparing(OrgConfig::orgId)).toList();
    }
    List<OrgConfig> out = new ArrayList<>();
    for (String[] r : orgRows("ORDER BY org_id")) {
      try {
        out.add(openOrg(cipher, r));
        unreadable.readableOrg(r[0]);
      } catch (StoreException e) {
        if (!UnreadableRows.unreadable(e)) {
          throw e;
        }
        unreadable.skippedOrg(r[0], e);   // one damaged row must not hide every other org
      }
    }
    return out;
  }

  /** The ids of the stored orgs, readable or not (a store with a key only). */
  public List<String> storedIds() {
    return orgIds("list orgs", "SELECT org_id FROM av_org ORDER BY org_id");
  }

  /** The id of the org holding this logical name, read from the id column without opening the config. */
  private Optional<String> idByLogicalName(String logicalName) {
    if (cipher == null) {
      return memoryOrgs.values().stream().filter(o -> o.logicalName().equals(logicalName)).map(OrgConfig::orgId)
          .findFirst();
    }
    return orgIds("find org " + logicalName, "SELECT org_id FROM av_org WHERE logical_name = ?", logicalName)
        .stream().findFirst();
  }

  private List<String> orgIds(String what, String sql, Object... args) {
    return db.callPrepared(what, sql, ps -> {
      List<String> out = new ArrayList<>();
      JdbcCalls.bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    });
  }

  public boolean delete(String orgId) {
    if (cipher == null) {
      return memoryOrgs.remove(orgId) != null;
    }
    return db.update("delete org " + orgId, "DELETE FROM av_org WHERE org_id = ?", orgId) == 1;
  }

  /** The id of the org with this id, else of the one with this logical name (a store with a key only). */
  public Optional<String> storedId(String idOrLogicalName) {
    // The id column only: neither the URL nor the root token is opened, so an unreadable row is found.
    List<String> ids = db.callPrepared("find org " + idOrLogicalName, "SELECT org_id FROM av_org WHERE org_id = ? "
        + "OR logical_name = ? ORDER BY CASE WHEN org_id = ? THEN 0 ELSE 1 END", ps -> {
          List<String> out = new ArrayList<>(2);
          JdbcCalls.bind(ps, idOrLogicalName, idOrLogicalName, idOrLogicalName);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(rs.getString(1));
            }
          }
          return out;
        });
    return ids.stream().findFirst();
  }

  private List<OrgConfig> orgsWhere(SecretCipher cipher, String where, Object... args) {
    List<OrgConfig> out = new ArrayList<>();
    for (String[] r : orgRows(where, args)) {
      out.add(openOrg(cipher, r));
    }
    return out;
  }

  private List<String[]> orgRows(String where, Object... args) {
    return db.callPrepared("read orgs", "SELECT org_id, logical_name, url, root_token_ct FROM av_org " + where, ps -> {
      List<String[]> out = new ArrayList<>();
      JdbcCalls.bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
        }
      }
      return out;
    });
  }

  /** An org row opened whole, or a StoreException naming it (never quoting a value). */
  private static OrgConfig openOrg(SecretCipher cipher, String[] r) {
    URI url = url(r[0], r[2]);
    // The logical name and URL are bound to the root token: one rewritten fails here, before any use.
    String rootToken = RowBindings.openRootToken(cipher, r[3], r[0], logicalName(r[0], r[1]), url);
    try {
      return OrgConfig.builder().orgId(r[0]).logicalName(r[1]).url(url).rootToken(rootToken).build();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw RowBindings.malformed("org " + r[0], String.valueOf(e.getMessage()));
    }
  }

  /** The logical name column of org {@code orgId}, or a StoreException when it is missing. */
  static String logicalName(String orgId, @Nullable String name) {
    if (name == null) {
      throw RowBindings.malformed("org " + orgId, "its logical_name is missing");
    }
    return name;
  }

  /** The URL column of org {@code orgId}, or a StoreException naming the problem (never quoting the URL). */
  static URI url(String orgId, @Nullable String text) {
    try {
      // parseUrl, not URI.create, whose error would quote a rewritten row's URL, credentials and all.
      return Validation.parseUrl("its DevOps URL", Objects.requireNonNull(text, "its DevOps URL"));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw RowBindings.malformed("org " + orgId, String.valueOf(e.getMessage()));
    }
  }
}

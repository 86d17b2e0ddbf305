package dev.astravault.internal.store;

import dev.astravault.Role;
import dev.astravault.StoreException;
import dev.astravault.internal.crypto.SecretCipher;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@code JdbcLeaseStore}'s roles: the {@code av_role} table, each row tagged over its every field (see
 * {@link RowBindings#sealRoleTag}) and checked on every read; without a cipher (metadata-only mode) untagged.
 */
public final class JdbcRoleRows {
  // Every field of a role: the conditional role writes act only on the row exactly as the caller read it.
  // Not the tag: it is randomised per seal, and the fields it authenticates are compared.
  private static final String ROLE_MATCHES = "org_id = ? AND name = ? AND role_id = ? AND ttl_nanos = ? "
      + "AND max_ttl_nanos = ?";
  static final String ROLE_SELECT = "SELECT org_id, name, role_id, ttl_nanos, max_ttl_nanos, tag FROM av_role ";
  private static final String ROLE_INSERT = "INSERT INTO av_role (org_id, name, role_id, ttl_nanos, max_ttl_nanos, "
      + "tag, key_id) VALUES (?, ?, ?, ?, ?, ?, ?)";

  private final JdbcCalls db;
  private final @Nullable SecretCipher cipher;
  private final UnreadableRows unreadable;

  public JdbcRoleRows(JdbcCalls db, @Nullable SecretCipher cipher, UnreadableRows unreadable) {
    this.db = db;
    this.cipher = cipher;
    this.unreadable = unreadable;
  }

  /** Creates or replaces the role (last writer wins). */
  public void put(Role role) {
    db.callPrepared("write role " + role.name(), ROLE_INSERT + " ON CONFLICT (org_id, name) DO UPDATE SET "
        + "role_id = excluded.role_id, ttl_nanos = excluded.ttl_nanos, max_ttl_nanos = excluded.max_ttl_nanos, "
        + "tag = excluded.tag, key_id = excluded.key_id", ps -> {
          bindRole(ps, 1, role);
          bindTag(ps, 6, role);
          return ps.executeUpdate();
        });
  }

  /** The role, or a StoreException when its row cannot be read. */
  public Optional<Role> find(String orgId, String name) {
    List<Role> out = new ArrayList<>(1);
    rolesWhere("WHERE org_id = ? AND name = ?", (row, e) -> {
      throw e;
    }, out, orgId, name);
    return out.stream().findFirst();
  }

  /** The org's roles by name, leaving out (with a WARN) a role this store cannot read. */
  public List<Role> list(String orgId) {
    List<Role> out = new ArrayList<>();
    rolesWhere("WHERE org_id = ? ORDER BY name", (name, e) -> unreadable.skippedRole(orgId, name, e), out, orgId);
    return out;
  }

  public boolean delete(String orgId, String name) {
    return db.update("delete role " + name, "DELETE FROM av_role WHERE org_id = ? AND name = ?", orgId, name) == 1;
  }

  // The conditional role writes match every column, so they act only on the role exactly as the caller read it; the
  // row count says whether they did. One statement each: atomic on SQLite and on PostgreSQL alike.
  public boolean compareAndSet(@Nullable Role expected, Role updated) {
    if (expected == null) {
      return db.callPrepared("insert role " + updated.name(), ROLE_INSERT + " ON CONFLICT (org_id, name) DO NOTHING",
          ps -> {
            bindRole(ps, 1, updated);
            bindTag(ps, 6, updated);
            return ps.executeUpdate();
          }) == 1;
    }
    // The fields are compared, not the tag (randomised per seal); the new fields get a fresh tag.
    return db.callPrepared("update role " + updated.name(), "UPDATE av_role SET role_id = ?, ttl_nanos = ?, "
        + "max_ttl_nanos = ?, tag = ?, key_id = ? WHERE " + ROLE_MATCHES, ps -> {
          ps.setString(1, updated.roleId());
          ps.setLong(2, updated.ttl().toNanos());
          ps.setLong(3, updated.maxTtl().toNanos());
          bindTag(ps, 4, updated);
          bindRole(ps, 6, expected);
          return ps.executeUpdate();
        }) == 1;
  }

  public boolean delete(Role expected) {
    return db.callPrepared("delete role " + expected.name(), "DELETE FROM av_role WHERE " + ROLE_MATCHES, ps -> {
      bindRole(ps, 1, expected);
      return ps.executeUpdate();
    }) == 1;
  }

  /** Binds org id, name, role id, ttl and max ttl, in the order of av_role's columns, from {@code first} on. */
  private static void bindRole(PreparedStatement ps, int first, Role r) throws SQLException {
    ps.setString(first, r.orgId());
    ps.setString(first + 1, r.name());
    ps.setString(first + 2, r.roleId());
    ps.setLong(first + 3, r.ttl().toNanos());
    ps.setLong(first + 4, r.maxTtl().toNanos());
  }

  /** Binds the tag and key id of {@code r} (both null in metadata-only mode, which holds no key). */
  private void bindTag(PreparedStatement ps, int first, Role r) throws SQLException {
    ps.setString(first, cipher == null ? null : RowBindings.sealRoleTag(cipher, r));
    ps.setString(first + 1, cipher == null ? null : cipher.currentKeyId());
  }

  /** What a role read does with a row it cannot read (named by its role name): throw it, or leave it out. */
  private interface UnreadableRole {
    void accept(String name, StoreException e);
  }

  private void rolesWhere(String where, UnreadableRole onUnreadable, List<Role> out, Object... args) {
    db.callPrepared("read roles", ROLE_SELECT + where, ps -> {
      JdbcCalls.bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          try {
            Role role = roleOf(rs);
            out.add(cipher == null ? role : RowBindings.checkRoleTag(cipher, rs.getString(6), role));
            unreadable.readableRole(role.orgId(), role.name());
          } catch (StoreException e) {
            if (!UnreadableRows.unreadable(e)) {
              throw e;
            }
            onUnreadable.accept(rs.getString(2), e);
          }
        }
      }
      return null;
    });
  }

  /** The role in the current row of {@link #ROLE_SELECT}, its tag not checked. */
  static Role roleOf(ResultSet rs) throws SQLException {
    try {
      return new Role(rs.getString(1), rs.getString(2), rs.getString(3), Duration.ofNanos(rs.getLong(4)),
          Duration.ofNanos(rs.getLong(5)));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw RowBindings.malformed("role " + rs.getString(2) + " of org " + rs.getString(1),
          String.valueOf(e.getMessage()));
    }
  }
}

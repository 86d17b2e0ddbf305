package dev.astravault.internal.store;

import dev.astravault.StoreException;
import dev.astravault.internal.support.DeploymentIds;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.jspecify.annotations.Nullable;

/**
 * {@code JdbcLeaseStore}'s deployment id, kept in {@code av_meta}: the first caller's random id wins
 * (insert-if-absent), so every manager and process sharing the database reads the same one. Read once, then cached.
 */
public final class JdbcDeploymentId {
  private final JdbcCalls db;
  private volatile @Nullable String deploymentId;

  public JdbcDeploymentId(JdbcCalls db) {
    this.db = db;
  }

  /** The stored id, written first if there is none yet. */
  public String get() {
    String known = deploymentId;
    if (known != null) {
      return known;
    }
    String id = db.call("read the deployment id", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO av_meta (name, value) VALUES ('deployment_id', ?) ON CONFLICT (name) DO NOTHING")) {
        ps.setString(1, DeploymentIds.random());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT value FROM av_meta WHERE name = 'deployment_id'");
          ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    });
    if (id == null) {
      throw new StoreException("lease store: the deployment id was written but cannot be read back", null);
    }
    deploymentId = DeploymentIds.check("the stored deployment id", id);
    return id;
  }
}

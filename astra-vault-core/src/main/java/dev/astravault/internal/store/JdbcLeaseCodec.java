package dev.astravault.internal.store;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import dev.astravault.AstraVaultException;
import dev.astravault.IssueStyle;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.StoreException;
import dev.astravault.internal.crypto.SecretCipher;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * An {@code av_lease} row and a {@link LeaseRecord}, both ways: a record bound to a statement (its token and secret
 * sealed, see {@link RowBindings}) and a row read back as a record (its seal opened, every value checked). Times are
 * epoch nanoseconds, metadata a JSON object of strings. Without a cipher (metadata-only mode) no secret is written:
 * the token and secret of the records written through this codec stay in this process's memory only.
 */
public final class JdbcLeaseCodec {
  private static final Instant FIRST = Instant.ofEpochSecond(0, Long.MIN_VALUE);
  private static final Instant LAST = Instant.ofEpochSecond(0, Long.MAX_VALUE);
  private static final JsonAdapter<Map<String, String>> METADATA = new Moshi.Builder().build()
      .adapter(com.squareup.moshi.Types.newParameterizedType(Map.class, String.class, String.class));

  private final @Nullable SecretCipher cipher;
  // Metadata-only mode: secrets live in this process only.
  private final Map<String, String[]> memorySecrets = new ConcurrentHashMap<>();

  public JdbcLeaseCodec(@Nullable SecretCipher cipher) {
    this.cipher = cipher;
  }

  /**
   * Binds every column but the lease id, in {@link JdbcLeaseSql#INSERT}'s order, from parameter {@code start} on;
   * returns the next parameter's index.
   */
  public int bindBody(PreparedStatement ps, int start, LeaseRecord r) throws SQLException {
    int i = start;
    ps.setString(i++, r.orgId());
    ps.setString(i++, r.roleName());
    ps.setString(i++, r.roleId());
    ps.setString(i++, r.logicalName().orElse(null));
    ps.setString(i++, r.style().name());
    ps.setInt(i++, r.successor() ? 1 : 0);
    ps.setString(i++, r.state().name());
    ps.setString(i++, r.clientId().orElse(null));
    String ct = null;
    String keyId = null;
    if (cipher != null) {
      // token and secret sealed together (or, without them, a tag): one nonce, one tag, bound to every other field.
      ct = RowBindings.sealLease(cipher, r);
      keyId = cipher.currentKeyId();
    }
    ps.setString(i++, ct);
    ps.setString(i++, keyId);
    setNanos(ps, i++, r.generatedOn().orElse(null));
    // Most leases carry no metadata: "{}" is what Moshi writes for an empty map, without the adapter's work.
    ps.setString(i++, r.metadata().isEmpty() ? "{}" : METADATA.toJson(r.metadata()));
    ps.setString(i++, r.description());
    ps.setLong(i++, nanos(r.issuedAt()));
    ps.setLong(i++, r.ttl().toNanos());
    ps.setLong(i++, nanos(r.expiresAt()));
    ps.setLong(i++, nanos(r.maxExpiresAt()));
    ps.setInt(i++, r.renewable() ? 1 : 0);
    setNanos(ps, i++, r.lastRenewedAt().orElse(null));
    ps.setString(i++, r.lastError().orElse(null));
    ps.setInt(i++, r.revokeAttempts());
    setNanos(ps, i++, r.stateChangedAt().orElse(null));
    ps.setLong(i++, r.version());
    return i;
  }

  /** A row as a record; a value rewritten outside the library is a {@link StoreException} naming row and column. */
  public LeaseRecord read(ResultSet rs) throws SQLException {
    String leaseId = rs.getString("lease_id");
    try {
      LeaseRecord r = readUnchecked(rs, leaseId);
      RowBindings.checkLease(r);
      return r;
    } catch (IllegalArgumentException | NullPointerException e) {
      // The builders' and enums' messages name the field, never a secret (a token is checked only for its shape).
      throw RowBindings.malformed("lease " + leaseId, String.valueOf(e.getMessage()));
    } catch (AstraVaultException e) {
      throw e;
    } catch (RuntimeException e) {
      // Anything else a garbage value can raise (a java.time or arithmetic limit): named by its type, not quoted.
      throw RowBindings.malformed("lease " + leaseId, e.getClass().getSimpleName());
    }
  }

  private LeaseRecord readUnchecked(ResultSet rs, String leaseId) throws SQLException {
    LeaseRecord.Builder b = LeaseRecord.builder()
        .leaseId(leaseId)
        .orgId(rs.getString("org_id"))
        .roleName(rs.getString("role_name"))
        .roleId(rs.getString("role_id"))
        .logicalName(rs.getString("logical_name"))
        .style(named(IssueStyle.class, rs, "style"))
        .successor(rs.getInt("successor") == 1)
        .state(named(LeaseState.class, rs, "state"))
        .clientId(rs.getString("client_id"))
        .generatedOn(instant(rs, "generated_on"))
        .metadata(metadata(rs.getString("metadata"), leaseId))
        .description(rs.getString("description"))
        .issuedAt(Objects.requireNonNull(instant(rs, "issued_at"), "issued_at"))
        .ttl(Duration.ofNanos(rs.getLong("ttl_nanos")))
        .expiresAt(Objects.requireNonNull(instant(rs, "expires_at"), "expires_at"))
        .maxExpiresAt(Objects.requireNonNull(instant(rs, "max_expires_at"), "max_expires_at"))
        .renewable(rs.getInt("renewable") == 1)
        .lastRenewedAt(instant(rs, "last_renewed_at"))
        .lastError(rs.getString("last_error"))
        .revokeAttempts(rs.getInt("revoke_attempts"))
        .stateChangedAt(instant(rs, "state_changed_at"))
        .version(rs.getLong("version"));
    if (cipher != null) {
      // Built first without the secret: its fields are the associated data the seal was made with. A row without a
      // seal is refused: this store writes one on every row.
      RowBindings.openLease(cipher, rs.getString("secret_ct"), b.build(), b);
    } else {
      String[] mem = memorySecrets.get(leaseId);
      if (mem != null) {
        b.token(mem[0]).secret(mem[1]);
      }
    }
    return b.build();
  }

  /** Metadata-only mode: keeps the written record's token and secret in this process (no-op with a key). */
  public void remember(LeaseRecord r) {
    if (cipher == null && r.token().isPresent() && r.secret().isPresent()) {
      memorySecrets.put(r.leaseId(), new String[] {r.token().get(), r.secret().get()});
    }
  }

  /** Forgets a deleted lease's token and secret (metadata-only mode). */
  public void forget(String leaseId) {
    memorySecrets.remove(leaseId);
  }

  private static Map<String, String> metadata(String json, String leaseId) {
    try {
      Map<String, String> m = METADATA.fromJson(json);
      return m == null ? Map.of() : m;
    } catch (IOException | RuntimeException e) {
      // Moshi's JsonDataException (valid JSON, not an object of strings) is unchecked; neither message is quoted.
      throw new MalformedRowException("the metadata of lease " + leaseId + " is not a JSON object of strings", e);
    }
  }

  /** An enum column; an unknown name's message names the column, not the JDK's "No enum constant" text. */
  private static <E extends Enum<E>> E named(Class<E> type, ResultSet rs, String column) throws SQLException {
    String text = Objects.requireNonNull(rs.getString(column), column);
    try {
      return Enum.valueOf(type, text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("its " + column + " is not a known " + type.getSimpleName());
    }
  }

  /**
   * An instant as the epoch nanoseconds the time columns hold, which reach from 1677 to 2262 only.
   *
   * @throws StoreException for an instant outside them (a clock that far off), before anything is written
   */
  public static long nanos(Instant i) {
    try {
      return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
    } catch (ArithmeticException e) {
      throw new StoreException("the time " + i + " is outside what the store's time columns hold (epoch "
          + "nanoseconds, " + FIRST + " to " + LAST + "); check the Clock given to the TokenManager");
    }
  }

  /** A query's cutoff as {@link #nanos}, saturated: a cutoff past the columns' range is past (or before) every row. */
  public static long cutoff(Instant i) {
    try {
      return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
    } catch (ArithmeticException e) {
      return i.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private static void setNanos(PreparedStatement ps, int i, @Nullable Instant v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, nanos(v));
    }
  }

  private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000_000L),
        Math.floorMod(v, 1_000_000_000L));
  }
}

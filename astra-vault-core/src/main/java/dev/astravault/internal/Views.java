package dev.astravault.internal;

import dev.astravault.AstraToken;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.TokenSnapshot;
import dev.astravault.store.InMemoryLeaseStore;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Tokens that are views of a {@link LeaseRecord} instead of copies of it. A managed token holds its token for as long
 * as it is managed; when the store holds the same record in this process anyway, the token need not also hold a
 * {@code TokenInfo} and a {@code Lease} (88 B a lease at fleet scale): {@link AstraToken} then makes them on demand.
 *
 * <p>{@link AstraToken} installs its record-backed constructor here when it is initialised (the public API has no
 * such constructor: a view must stay consistent with its record, which only the engine checks).
 */
public final class Views {
  private static volatile @Nullable Function<LeaseRecord, AstraToken> tokens;
  private static volatile @Nullable Function<TokenSnapshot, Object> keys;

  private Views() {}

  /**
   * Called once, by {@link AstraToken}'s static initialiser.
   *
   * @param factory makes a token backed by a record
   */
  public static synchronized void install(Function<LeaseRecord, AstraToken> factory) {
    if (tokens != null) {
      throw new IllegalStateException("already installed");
    }
    tokens = factory;
  }

  /**
   * Called once, by {@link TokenSnapshot}'s static initialiser.
   *
   * @param key what a snapshot holds its token as: the same object for every snapshot of one token generation
   */
  public static synchronized void installKeys(Function<TokenSnapshot, Object> key) {
    if (keys != null) {
      throw new IllegalStateException("already installed");
    }
    keys = key;
  }

  /**
   * Identifies the token generation of a snapshot (its token, or a renewal of it): snapshots that differ only in state
   * hold the same token object. {@link TokenSnapshot#astraToken()} may make a new view on every call, so handles
   * compare these instead.
   */
  static Object key(TokenSnapshot snapshot) {
    Function<TokenSnapshot, Object> k = keys;   // installed: a TokenSnapshot exists, so its class is initialised
    return Objects.requireNonNull(k, "TokenSnapshot did not install its keys").apply(snapshot);
  }

  private static Function<LeaseRecord, AstraToken> tokens() {
    Function<LeaseRecord, AstraToken> installed = tokens;   // every issue asks: no lock once installed
    return installed != null ? installed : installTokens();
  }

  private static synchronized Function<LeaseRecord, AstraToken> installTokens() {
    if (tokens == null) {
      try {
        Class.forName(AstraToken.class.getName(), true, AstraToken.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
    }
    if (tokens == null) {
      throw new IllegalStateException("AstraToken did not install its views");
    }
    return tokens;
  }

  /** {@return a token backed by {@code record}, which must be past PENDING and hold its token and secret} */
  static AstraToken backedBy(LeaseRecord record) {
    return tokens().apply(record);
  }

  /**
   * {@code token}, or an equal token backed by the record {@code store} holds for it: only an in-memory store holds
   * its records in this process (another store hands out copies, which would cost more than the views they save),
   * and only while that record says exactly what {@code token} says (same token, secret and info).
   */
  static AstraToken compact(LeaseStore store, AstraToken token) {
    if (!(store instanceof InMemoryLeaseStore)) {
      return token;
    }
    Optional<LeaseRecord> held = store.get(token.lease().leaseId());
    if (held.isEmpty()) {
      return token;
    }
    LeaseRecord record = held.get();
    if (record.state() == LeaseState.PENDING || !token.token().equals(record.token().orElse(null))
        || !token.secret().equals(record.secret().orElse(null)) || !token.info().equals(record.toTokenInfo())) {
      return token;
    }
    return backedBy(record);
  }
}

package dev.astravault.vault;

import dev.astravault.AstraVaultException;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.internal.crypto.KeyProviders;
import dev.astravault.internal.vault.KvMountInfo;
import dev.astravault.internal.vault.VaultKv;
import dev.astravault.internal.vault.VaultSession;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A {@link KeyProvider} that reads the store's encryption keys from a Vault KV secret, so that the key never sits in
 * the application's environment or files. The secret holds:
 *
 * <ul>
 *   <li>{@code key}: the current key, base64 of 32 bytes ({@code openssl rand -base64 32}; URL-safe is read too);</li>
 *   <li>{@code key_id} (optional): its {@linkplain EncryptionKey#id() id}; when present it must match the key, which
 *       catches a key pasted into the wrong secret;</li>
 *   <li>{@code previous} (optional): older keys, comma-separated, that still decrypt until a rotation is done.</li>
 * </ul>
 *
 * <pre>{@code
 * vault kv put secret/astra-vault/store-key key="$(openssl rand -base64 32)"
 * KeyProvider keys = VaultKeyProvider.of(vaultConfig, "secret", "astra-vault/store-key");   // KV v1 or v2
 * }</pre>
 *
 * <p><b>The KV version.</b> {@link #of(VaultConfig, String, String)} asks Vault, as {@code vault kv get} does
 * ({@code GET sys/internal/ui/mounts/<mount>/<path>}, which Vault answers for any token that may read the key). A
 * mount that is not a KV engine is refused ({@link VaultKeyException.Reason#WRONG_ENGINE}). When that lookup is
 * refused (a proxy that passes only the key's path), state the version instead: {@link #of(VaultConfig, KvPath)} with
 * {@link KvPath#v1} or {@link KvPath#v2} makes no lookup, and only when the key is not found asks Vault whether the
 * mount is of another version or not KV at all, so that the error says so instead of "no secret".
 *
 * <p>The keys are read once at {@link #of}; {@link #refresh()} reads them again. When asked for a key id it does not
 * hold (another manager already rotated to a newer key), it reads the secret again, at most once per
 * {@link #MIN_REFRESH_INTERVAL}. Thread-safe. Messages and {@link #toString()} name the path and key ids only.
 */
public final class VaultKeyProvider implements KeyProvider {
  /** The least time between two reads caused by unknown key ids. */
  public static final Duration MIN_REFRESH_INTERVAL = Duration.ofSeconds(30);
  private static final String WHAT = "the store key";

  private final VaultSession session;
  private final VaultKv kv;
  private final KvPath path;
  /** Whether the version was stated by the caller (not looked up), so that a missing key may be a wrong version. */
  private final boolean stated;
  private final Clock clock;
  private volatile KeyProvider keys;
  private volatile @Nullable Instant lastRefresh;

  private VaultKeyProvider(VaultSession session, KvPath path, boolean stated, Clock clock) {
    this.session = session;
    this.kv = new VaultKv(session, path.mount(), path.kvVersion());
    this.path = path;
    this.stated = stated;
    this.clock = clock;
    this.keys = load();
    this.lastRefresh = clock.instant();
  }

  /**
   * Reads the keys at {@code path} in {@code mount} now, on whichever KV version the mount is (asked of Vault).
   *
   * @throws VaultKeyException if the mount is not a KV engine, the secret or its key is missing, or Vault cannot be
   *     read or refuses the version lookup ({@link VaultKeyException#reason()} tells which)
   * @throws IllegalArgumentException if the mount or path is malformed, a key is malformed or {@code key_id} does not
   *     match (never echoing a key)
   *
   * @param vault where Vault is and how to log in
   * @param mount the KV engine's mount, e.g. {@code secret} or {@code kv}
   * @param path the secret's path in the mount, e.g. {@code astra-vault/store-key}
   * @return the provider
   */
  public static VaultKeyProvider of(VaultConfig vault, String mount, String path) {
    return of(vault, mount, path, Clock.systemUTC());
  }

  /**
   * Like {@link #of(VaultConfig, String, String)}, with the clock that times Vault token renewal and refreshes.
   *
   * @param vault where Vault is and how to log in
   * @param mount the KV engine's mount
   * @param path the secret's path in the mount
   * @param clock the clock
   * @return the provider
   */
  public static VaultKeyProvider of(VaultConfig vault, String mount, String path, Clock clock) {
    Objects.requireNonNull(vault, "vault");
    Objects.requireNonNull(clock, "clock");
    KvPath given = KvPath.v2(mount, path);   // checks and normalises both; the version is looked up below
    VaultSession session = new VaultSession(vault, clock);
    return new VaultKeyProvider(session, lookUp(session, given), false, clock);
  }

  /**
   * Reads the keys at {@code path}, on the KV version it states, now.
   *
   * @throws VaultKeyException if the secret or its key is missing, or Vault cannot be read ({@link
   *     VaultKeyException#reason()} tells which)
   * @throws IllegalArgumentException if a key is malformed or {@code key_id} does not match (never echoing a key)
   *
   * @param vault where Vault is and how to log in
   * @param path the secret that holds the keys
   * @return the provider
   */
  public static VaultKeyProvider of(VaultConfig vault, KvPath path) {
    return of(vault, path, Clock.systemUTC());
  }

  /**
   * Like {@link #of(VaultConfig, KvPath)}, with the clock that times Vault token renewal and refreshes.
   *
   * @param vault where Vault is and how to log in
   * @param path the secret that holds the keys
   * @param clock the clock
   * @return the provider
   */
  public static VaultKeyProvider of(VaultConfig vault, KvPath path, Clock clock) {
    Objects.requireNonNull(vault, "vault");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(clock, "clock");
    return new VaultKeyProvider(new VaultSession(vault, clock), path, true, clock);
  }

  /** {@code given} on the mount that serves it, with that mount's KV version (Vault's answer wins over the split). */
  private static KvPath lookUp(VaultSession session, KvPath given) {
    try {
      return KvMountInfo.resolve(session, WHAT, given);
    } catch (VaultKvMountException ex) {
      throw new VaultKeyException(VaultKeyException.Reason.WRONG_ENGINE, ex.getMessage(), ex);
    } catch (VaultAccessDeniedException ex) {
      throw new VaultKeyException(VaultKeyException.Reason.UNREADABLE, ex.getMessage(), ex);
    } catch (AstraVaultException ex) {
      throw new VaultKeyException(VaultKeyException.Reason.UNREADABLE, "cannot read the encryption key from Vault "
          + "at " + given.mount() + "/" + given.path() + " (looking up the KV version of mount '" + given.mount()
          + "'): " + ex.getMessage(), ex);
    }
  }

  /**
   * Why a stated path found no secret, if the mount says so: it is not KV, or KV of the other version. Empty when the
   * mount is as stated, or Vault will not say (the lookup's failure is not this error).
   */
  private Optional<VaultKeyException> mismatch() {
    return KvMountInfo.mismatch(session, WHAT, path)
        .map(ex -> new VaultKeyException(VaultKeyException.Reason.WRONG_ENGINE, ex.getMessage(), ex));
  }

  /** Reads the secret again (after a rotation in Vault). */
  public synchronized void refresh() {
    keys = load();
    lastRefresh = clock.instant();
  }

  @Override
  public EncryptionKey currentKey() {
    return keys.currentKey();
  }

  @Override
  public Optional<EncryptionKey> key(String keyId) {
    Optional<EncryptionKey> k = keys.key(keyId);
    if (k.isPresent()) {
      return k;
    }
    synchronized (this) {
      Instant last = lastRefresh;
      if (last == null || !clock.instant().isBefore(last.plus(MIN_REFRESH_INTERVAL))) {
        refresh();
      }
      return keys.key(keyId);
    }
  }

  private KeyProvider load() {
    Optional<VaultKv.Entry> read;
    try {
      read = kv.read("read the store key", path.path());
    } catch (AstraVaultException ex) {
      throw new VaultKeyException(VaultKeyException.Reason.UNREADABLE, "cannot read the encryption key from Vault "
          + "at " + path + ": " + ex.getMessage(), ex);
    }
    if (read.isEmpty() && stated) {
      Optional<VaultKeyException> wrong = mismatch();
      if (wrong.isPresent()) {
        throw wrong.get();
      }
    }
    VaultKv.Entry e = read.orElseThrow(() -> new VaultKeyException(VaultKeyException.Reason.NO_SECRET,
        "no encryption key in Vault at " + path + ": write one with field 'key'", null));
    String key = e.string("key");
    if (key == null || key.isBlank()) {
      throw new VaultKeyException(VaultKeyException.Reason.NO_KEY, "the secret at " + path + " has no field 'key' "
          + "(base64 of 32 bytes)", null);
    }
    String previous = e.string("previous");
    KeyProvider parsed = KeyProviders.parse("Vault secret " + path,
        previous == null || previous.isBlank() ? key : key + "," + previous);
    String keyId = e.string("key_id");
    if (keyId != null && !keyId.isBlank() && !keyId.strip().equals(parsed.currentKey().id())) {
      throw new IllegalArgumentException("Vault secret " + path + ": key_id " + keyId.strip()
          + " does not match its key (whose id is " + parsed.currentKey().id() + ")");
    }
    return parsed;
  }

  @Override
  public String toString() {
    return "VaultKeyProvider[" + path + ", current=" + keys.currentKey().id() + "]";
  }
}

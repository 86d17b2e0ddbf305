package dev.astravault;

import dev.astravault.internal.crypto.KeyProviders;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Supplies the keys that encrypt secrets (token secrets, root tokens) at rest in a durable {@link LeaseStore}.
 *
 * <p>One key is {@linkplain #currentKey() current}: it encrypts everything written. Older keys stay available by id
 * to decrypt what they wrote until a rotation ({@link LeaseStore#rotateKeys()}) has
 * re-encrypted it under the current key. Implementations must be thread-safe; the store asks for keys on every
 * encryption and decryption, so a provider that fetches keys remotely (a Vault one) should cache them.
 *
 * <pre>{@code
 * LeaseStore store = JdbcLeaseStore.builder().sqliteFile(Path.of("astra-vault.db"))
 *     .keyProvider(KeyProvider.fromEnv()).build();
 * }</pre>
 */
public interface KeyProvider {

  /**
   * The key that encrypts new ciphertexts.
   *
   * @return the current key
   */
  EncryptionKey currentKey();

  /**
   * The key with {@code keyId} (the current one or an older one), or empty if this provider does not hold it.
   *
   * @param keyId the id stored with a ciphertext
   * @return the key, or empty
   */
  Optional<EncryptionKey> key(String keyId);

  /**
   * A fixed set of keys: {@code current} encrypts; {@code previous} only decrypt, until rotated away.
   *
   * @param current the key that encrypts
   * @param previous older keys that still decrypt
   * @return the provider
   */
  static KeyProvider of(EncryptionKey current, EncryptionKey... previous) {
    return KeyProviders.of(current, List.of(previous));
  }

  /**
   * Keys from a list of base64 keys, current first: {@code new,old} while a rotation is under way. Keys are separated
   * by commas (or line breaks); blank entries are ignored. Each key is read by {@link EncryptionKey#fromBase64}:
   * standard or URL-safe base64, padded or not. This is the format of {@link #fromEnv()}, for a list that comes from
   * elsewhere (an injected environment, a secret manager's value).
   *
   * @throws IllegalArgumentException if the list holds no key, or a key is not base64 of 32 bytes or mixes the two
   *     alphabets (the message gives its position, never its value)
   *
   * @param keys the list
   * @return the provider
   */
  static KeyProvider fromBase64List(String keys) {
    if (Objects.requireNonNull(keys, "keys").isBlank()) {
      throw new IllegalArgumentException("key list holds no key");   // a value given, not a setting missing
    }
    return KeyProviders.parse("key list", keys);
  }

  /**
   * Keys from the environment variable {@code ASTRA_VAULT_KEY}, in the format of {@link #fromBase64List}: a base64
   * key, optionally followed by older keys separated by commas ({@code new,old}) while a rotation is under way. Read
   * once, now.
   *
   * @throws IllegalStateException if the variable is unset or blank
   * @throws IllegalArgumentException if a key is not base64 of 32 bytes (the message never contains the value)
   *
   * @return the provider
   */
  static KeyProvider fromEnv() {
    return fromEnv("ASTRA_VAULT_KEY");
  }

  /**
   * Like {@link #fromEnv()}, from another variable.
   *
   * @param variable the environment variable to read
   * @return the provider
   */
  static KeyProvider fromEnv(String variable) {
    // fromBase64List's parser, with the variable named in its errors.
    return KeyProviders.parse("environment variable " + variable, System.getenv(variable));
  }

  /**
   * Keys from a file: one base64 key per line, the current key first and older keys after it; blank lines and lines
   * starting with {@code #} are ignored. Read once, now. Keep the file readable by the service's user only: a file
   * that group or others can read is read with a warning. Whoever can replace the file chooses the key, so a file
   * (links followed) of another user than the service's or root, or one under a directory another user could rename
   * it out of (writable by all without the sticky bit, or another user's), is refused.
   *
   * @throws StoreException if the file cannot be read, or another user could replace it (the message names the file
   *     or directory and the fix, never the content)
   * @throws IllegalArgumentException if it holds no key (blank, or comments only) or a malformed one: a file that is
   *     there but empty is a bad value, as {@code fromBase64List("")}, not a missing setting
   *
   * @param file the key file
   * @return the provider
   */
  static KeyProvider fromFile(Path file) {
    return KeyProviders.fromFile(file);
  }
}

package dev.astravault.internal.crypto;

import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.StoreException;
import dev.astravault.internal.crypto.MalformedKeyException.Problem;
import dev.astravault.internal.files.FileModes;
import dev.astravault.internal.files.PathTrust;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The built-in {@link KeyProvider}s: a fixed list of keys, read from a string or a file. */
public final class KeyProviders {
  private KeyProviders() {}

  public static KeyProvider of(EncryptionKey current, List<EncryptionKey> previous) {
    Objects.requireNonNull(current, "current");
    Map<String, EncryptionKey> byId = new LinkedHashMap<>();
    byId.put(current.id(), current);
    previous.forEach(k -> byId.putIfAbsent(Objects.requireNonNull(k, "previous key").id(), k));
    return new Fixed(current, Map.copyOf(byId));
  }

  /**
   * Keys separated by commas or newlines, current first; blank entries and {@code #} lines are skipped. The one parser
   * of the key list format ({@link KeyProvider#fromBase64List}, {@code fromEnv}, {@code fromFile}, Vault's secret).
   * {@code source} names where the list came from in errors, which give a key's position, never its value. A
   * missing or blank value is an {@link IllegalStateException} ("not set": an unset variable); a list without a key or
   * with a malformed one an {@link IllegalArgumentException}. Callers whose blank value is a value given (a list, a
   * file) refuse it with an {@link IllegalArgumentException} before calling this.
   */
  public static KeyProvider parse(String source, @Nullable String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(source + " is not set: it must hold a base64 key of 32 bytes");
    }
    List<EncryptionKey> keys = new ArrayList<>();
    int n = 0;
    for (String line : value.split("[,\\r\\n]")) {
      String s = line.strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      n++;
      try {
        keys.add(EncryptionKey.fromBase64(s));
      } catch (MalformedKeyException e) {
        // Never echo the value: it may be a real key with a typo.
        throw new IllegalArgumentException(source + ": key " + n + (e.problem() == Problem.MIXED_ALPHABETS
            ? " mixes the standard (+ /) and the URL-safe (- _) base64 alphabets, which no tool writes: copy it again "
                + "whole, as the tool that made it printed it"
            : " is not base64 (standard or URL-safe) of 32 bytes"));
      }
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(source + " holds no key");
    }
    return of(keys.get(0), keys.subList(1, keys.size()));
  }

  public static KeyProvider fromFile(Path file) {
    Objects.requireNonNull(file, "file");
    // Whoever can replace the key file chooses the key: refused (links followed, as Kubernetes links its secrets),
    // and so is a file swapped in between that check and the open.
    String content;
    try {
      content = PathTrust.read(file, "key file", StoreException::new);
    } catch (IOException e) {
      throw new StoreException("cannot read key file " + file + ": " + e.getClass().getSimpleName(), e);
    }
    // A warning, as ssh's refusal would break Kubernetes, whose secret volumes are 0644 unless told otherwise.
    FileModes.warnIfOpen(file, "key file");
    return fromFileContent(file, content);
  }

  /**
   * The keys in {@code content}, read from {@code file} by a caller that checked and read it as {@link #fromFile}
   * does (the CLI, so that a refusal names its option); messages as {@link #fromFile}'s.
   */
  public static KeyProvider fromFileContent(Path file, String content) {
    if (content.isBlank()) {
      // A file that is there but empty is a bad value, not a missing setting: as fromBase64List("").
      throw new IllegalArgumentException("key file " + file + " holds no key: it must hold a base64 key of 32 bytes");
    }
    return parse("key file " + file, content);
  }

  private record Fixed(EncryptionKey current, Map<String, EncryptionKey> byId) implements KeyProvider {
    @Override
    public EncryptionKey currentKey() {
      return current;
    }

    @Override
    public Optional<EncryptionKey> key(String keyId) {
      return Optional.ofNullable(byId.get(keyId));
    }

    @Override
    public String toString() {
      return "KeyProvider[current=" + current.id() + ", keys=" + byId.keySet() + "]";
    }
  }
}

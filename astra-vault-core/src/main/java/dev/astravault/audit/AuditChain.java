package dev.astravault.audit;

import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.internal.crypto.Hashing;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The line format of the chained JSON-lines log, shared by the writer and the verifier:
 *
 * <pre>{"seq":N,"kid":"&lt;key id&gt;","prev":"&lt;mac of line N-1&gt;","event":{...},"mac":"&lt;mac&gt;"}</pre>
 *
 * {@code mac} is HMAC-SHA256, under the chain key of {@code kid}, of everything before {@code ,"mac"}. A chain key is
 * derived from an {@link EncryptionKey} (so that the same bytes never both encrypt secrets and MAC the chain), and
 * {@code kid} is that key's id, so keys can rotate. A sink without a key writes {@code "kid":"unkeyed"} and a plain
 * SHA-256: such a chain shows accidents, not an attacker. The sink's own lines carry {@code "note"} instead of
 * {@code "event"} (a rotation, a torn line ended at restart). The first line has {@code seq} 1 and a {@code prev} of
 * 64 zeros.
 */
final class AuditChain {
  static final String GENESIS = "0".repeat(64);
  static final String UNKEYED = "unkeyed";
  private static final byte[] LABEL = "astra-vault audit chain v1".getBytes(StandardCharsets.UTF_8);
  private static final Pattern LINE = Pattern.compile("^(\\{\"seq\":(\\d{1,18}),\"kid\":\"([A-Za-z0-9_.-]{1,64})\","
      + "\"prev\":\"([0-9a-f]{64})\",\"(event|note)\":(\\{.*\\})),\"mac\":\"([0-9a-f]{64})\"\\}$");

  private AuditChain() {}

  static String body(long seq, String kid, String prev, boolean note, String json) {
    return "{\"seq\":" + seq + ",\"kid\":\"" + kid + "\",\"prev\":\"" + prev + "\",\"" + (note ? "note" : "event")
        + "\":" + json;
  }

  static String line(String body, String mac) {
    return body + ",\"mac\":\"" + mac + "\"}";
  }

  /** A line as written: its claimed fields and the text its MAC covers. */
  record Parsed(long seq, String kid, String prev, boolean note, String json, String body, String mac) {}

  static @Nullable Parsed parse(String line) {
    Matcher m = LINE.matcher(line);
    if (!m.matches()) {
      return null;
    }
    return new Parsed(Long.parseLong(m.group(2)), m.group(3), m.group(4), m.group(5).equals("note"), m.group(6),
        m.group(1), m.group(7));
  }

  /**
   * Computes MACs: with {@code keys}, HMAC-SHA256 under the chain key derived from each key; without, only the
   * {@link #UNKEYED} SHA-256. Not thread-safe (one per writer or verifier).
   */
  static final class Macs {
    private final @Nullable KeyProvider keys;
    private final Map<String, Mac> byKid = new HashMap<>();

    Macs(@Nullable KeyProvider keys) {
      this.keys = keys;
    }

    boolean keyed() {
      return keys != null;
    }

    /** The key id new lines are written under. */
    String currentKid() {
      return keys == null ? UNKEYED : keys.currentKey().id();
    }

    /** The MAC of {@code body} under {@code kid}, or empty when this holds no such key. */
    Optional<String> mac(String kid, String body) {
      if (kid.equals(UNKEYED)) {
        return Optional.of(Hashing.sha256Hex(body));
      }
      Mac mac = byKid.get(kid);
      if (mac == null) {
        Optional<EncryptionKey> key = keys == null ? Optional.empty() : keys.key(kid);
        if (key.isEmpty()) {
          return Optional.empty();
        }
        mac = newMac(chainKey(key.get()));
        byKid.put(kid, mac);
      }
      return Optional.of(HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8))));
    }
  }

  /** HMAC-SHA256(key, label): the chain key of {@code key}. */
  static byte[] chainKey(EncryptionKey key) {
    return newMac(key.bytes()).doFinal(LABEL);
  }

  private static Mac newMac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}

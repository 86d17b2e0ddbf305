package dev.astravault.internal.vault;

import dev.astravault.AstraVaultException;
import dev.astravault.internal.support.Validation;
import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonObject;
import io.github.jopenlibs.vault.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One Vault answer: its status and parsed body. The driver returns 4xx answers instead of throwing (and hides parts
 * of the envelope, such as {@code warnings}), so callers read the status and the raw envelope from here.
 */
public record VaultReply(String path, int status, JsonObject body) {

  static VaultReply of(String path, int status, byte @Nullable [] raw) {
    return new VaultReply(path, status, parse(raw == null ? "" : new String(raw, StandardCharsets.UTF_8)));
  }

  static JsonObject parse(String text) {
    if (text.isBlank()) {
      return new JsonObject();
    }
    try {
      JsonValue v = Json.parse(text);
      return v.isObject() ? v.asObject() : new JsonObject();
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  /** Path and status only: a body may hold a token (and v2.0.0's config and list replies hold root tokens). */
  @Override
  public String toString() {
    return "VaultReply[" + path + ", HTTP " + status + "]";
  }

  public boolean ok() {
    return status >= 200 && status < 300;
  }

  /** {@code data} of the envelope, or an empty object. */
  public JsonObject data() {
    JsonValue d = body.get("data");
    return d != null && d.isObject() ? d.asObject() : new JsonObject();
  }

  /** The {@code errors} of an error envelope, with Go's multierror wrapping removed. */
  public List<String> errors() {
    return strings(body, "errors").stream().map(VaultReply::unwrap).toList();
  }

  /** The {@code warnings}, scrubbed: they reach renewals, audit events and the CLI, and Vault may quote a value. */
  public List<String> warnings() {
    return strings(body, "warnings").stream().map(VaultErrors::scrub).toList();
  }

  public String errorText() {
    List<String> e = errors();
    return e.isEmpty() ? "(no message)" : String.join("; ", e);
  }

  public @Nullable String string(String field) {
    return string(body, field);
  }

  static @Nullable String string(JsonObject o, String field) {
    JsonValue v = o.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    return v.isString() ? v.asString() : v.toString();
  }

  /** Go's longest duration, in whole seconds: no Vault can grant a longer lease. */
  static final long MAX_LEASE_SECONDS = Validation.MAX_DURATION.getSeconds();

  /**
   * The {@code lease_duration} of an envelope that grants a new lease (an issue).
   *
   * @param what the operation, for the error
   * @return the lease's duration, at least a second
   * @throws AstraVaultException when it is absent or not a whole number of seconds from 1 to {@link
   *     #MAX_LEASE_SECONDS} (zero, a fraction, a negative, text, or more than any Vault grants): the answer is broken.
   *     Vault never grants a new lease of 0 s (it applies the role's or the mount's TTL), so a missing or zero value
   *     (a 200 carrying only {@code warnings}, say) is not a grant: a token handed out from it would be expired at
   *     once while Vault's lease lives on, or overflow the instants computed from it
   */
  public Duration leaseDuration(String what) {
    return leaseDuration(what, 1);
  }

  /**
   * The {@code lease_duration} of a renewal's envelope. Zero is an answer here: Vault caps a renewal at the lease's
   * max TTL counted from its issue and writes whole seconds, so a renewal with less than a second left reads 0 (with
   * its "capped" warning). Absent is still broken, as are the values {@link #leaseDuration(String)} refuses.
   *
   * @param what the operation, for the error
   * @return the lease's duration from now, possibly zero
   * @throws AstraVaultException when it is absent or not a whole number of seconds from 0 to {@link
   *     #MAX_LEASE_SECONDS}
   */
  public Duration renewedDuration(String what) {
    return leaseDuration(what, 0);
  }

  private Duration leaseDuration(String what, long least) {
    JsonValue v = body.get("lease_duration");
    long seconds = -1;
    if (v != null && (v.isNumber() || v.isString())) {
      try {
        seconds = Long.parseLong(v.isString() ? v.asString() : v.toString());
      } catch (NumberFormatException e) {
        seconds = -1;
      }
    }
    if (seconds < least || seconds > MAX_LEASE_SECONDS) {
      // Not quoted: a broken answer's value is nothing the caller can act on, and may be anything.
      throw new AstraVaultException(what + ": Vault answered " + (v == null || v.isNull() ? "no lease_duration"
          : "a lease_duration that is not a whole number of seconds from " + least + " to " + MAX_LEASE_SECONDS)
          + " (HTTP " + status + " on " + path + ")");
    }
    return Duration.ofSeconds(seconds);
  }

  static long number(JsonObject o, String field, long fallback) {
    JsonValue v = o.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (v.isNumber()) {
      return v.asLong();
    }
    try {
      return Long.parseLong(v.asString());
    } catch (RuntimeException e) {
      return fallback;
    }
  }

  static List<String> strings(JsonObject o, String field) {
    JsonValue v = o.get(field);
    if (v == null || !v.isArray()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (JsonValue item : v.asArray()) {
      out.add(item.isString() ? item.asString() : item.toString());
    }
    return out;
  }

  /** {@code "1 error occurred:\n\t* msg\n\n"} → {@code "msg"}; several errors are joined with "; ". */
  static String unwrap(String message) {
    if (!message.contains("error occurred:") && !message.contains("errors occurred:")) {
      return message.strip();
    }
    List<String> parts = new ArrayList<>();
    for (String line : message.split("\n")) {
      String l = line.strip();
      if (l.startsWith("* ")) {
        parts.add(l.substring(2).strip());
      }
    }
    return parts.isEmpty() ? message.strip() : String.join("; ", parts);
  }
}

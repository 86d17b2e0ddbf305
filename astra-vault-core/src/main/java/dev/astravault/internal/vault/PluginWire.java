package dev.astravault.internal.vault;

import dev.astravault.AstraVaultException;
import dev.astravault.Role;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.internal.support.Validation;
import dev.astravault.vault.VaultResponseTooLargeException;
import dev.astravault.vault.VaultUnavailableException;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * How the Astra plugin reads and writes its values (query strings, KV pairs, Go durations, its not-found texts), and
 * how its answers are judged: lost, a gateway's, about another lease.
 */
final class PluginWire {
  private static final Logger LOG = Redaction.logger(VaultPluginBackend.class);
  private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s|us|µs|ns)");
  private static final Pattern GO_DURATION_TEXT = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:h|ms|m|s|us|µs|ns))+");
  private static final Pattern DIGITS = Pattern.compile("\\d{1,30}");

  private PluginWire() {}

  static void expectOk(String what, VaultReply reply) {
    if (!reply.ok()) {
      throw VaultErrors.of(what, reply, null);
    }
  }

  /**
   * Whether an issue that failed with {@code e} had its answer lost after the request left (a reset, the read timeout,
   * a 2xx body too large to read), so that Vault may have leased the token: not when Vault is sealed or a standby, or
   * the request never left.
   */
  static boolean answerLost(AstraVaultException e) {
    if (e instanceof VaultUnavailableException u) {
      return u.reason() == VaultUnavailableException.Reason.UNREACHABLE && VaultErrors.mayHaveTakenEffect(u);
    }
    return e instanceof VaultResponseTooLargeException big && big.status() < 300;
  }

  /**
   * A 5xx without Vault's {@code {"errors": [..]}} envelope, which Vault puts on every error it answers: a gateway's,
   * which may have come after Vault did the work.
   */
  static boolean gatewayError(VaultReply reply) {
    return reply.status() >= 500 && reply.body().get("errors") == null;
  }

  /**
   * An issue whose answer was lost (a reset or timeout after sending, a gateway's 5xx, a body too large to read) may
   * have leased a token that no one holds, and nothing can revoke it: its lease id was in the lost answer, and the
   * plugin's token list does not name leases. Vault revokes it when the lease ends. Said in the error (so in the
   * {@code IssueFailed} audit event) and logged, with the logical name the plugin files it under, so that an operator
   * can find it ({@code vault list astra/org/tokens}).
   */
  static AstraVaultException unclearIssue(AstraVaultException e, Role role, @Nullable String logical) {
    String note = ". The outcome is unclear: Vault may have leased a token" + (logical == null ? ""
        : " under logical name '" + logical + "'") + " that no one holds; nothing can revoke it (its lease id was in "
        + "the lost answer), so it lives until Vault revokes it at the end of its lease (role " + role.name()
        + "'s ttl, " + role.ttl() + ")" + (logical != null && !logical.startsWith("req-")
        ? ", and until then the plugin refuses this triple (TokenAlreadyExistsException)" : "");
    LOG.warn("{}{}", e.getMessage(), note);
    if (e instanceof VaultUnavailableException u) {
      return new VaultUnavailableException(u.reason(), e.getMessage() + note, e);
    }
    if (e instanceof VaultResponseTooLargeException big) {
      return new VaultResponseTooLargeException(e.getMessage() + note, big.status(), big.limit(), e);
    }
    return new AstraVaultException(e.getMessage() + note, e);
  }

  /**
   * Refuses an answer about another lease than asked (a caching proxy or a mixed-up connection): taking its TTL would
   * extend the cached record while Vault's own lease for it runs out, and the token would die under its holder.
   * Vault names the lease in every renewal and lookup; a missing name is let through.
   */
  static void requireSameLease(String what, String leaseId, @Nullable String answered, String kind) {
    if (answered != null && !answered.isEmpty() && !answered.equals(leaseId)) {
      // Not quoted: a broken answer's value is nothing the caller can act on.
      throw new AstraVaultException(what + ": Vault answered the " + kind + " of another lease than " + leaseId
          + "; nothing was changed");
    }
  }

  /** The v2.0.0 plugin answers not-found cases with 500 and text instead of 404. */
  static boolean notFoundText(VaultReply reply) {
    String t = reply.errorText();
    return reply.status() == 500 && (t.startsWith("unable to find") || t.startsWith("no ") && t.endsWith(" found"));
  }


  static String query(Map<String, String> params) {
    StringBuilder sb = new StringBuilder();
    params.forEach((k, v) -> sb.append(sb.length() == 0 ? '?' : '&').append(k).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return sb.toString();
  }

  static String metadataQuery(Map<String, String> metadata) {
    StringBuilder sb = new StringBuilder();
    metadata.forEach((k, v) -> sb.append("&metadata=").append(URLEncoder.encode(k + "=" + v,
        StandardCharsets.UTF_8)));
    return sb.toString();
  }

  /** KVPairs as {@code k=v} strings: the driver would send a nested map as its toString. */
  static String metadataPairs(Map<String, String> metadata) {
    StringBuilder sb = new StringBuilder();
    metadata.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return sb.toString();
  }

  static Instant instant(@Nullable String text, Instant fallback) {
    if (text == null || text.isEmpty()) {
      return fallback;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return fallback;
    }
  }

  /**
   * The {@code expire_time} of a {@code sys/leases/lookup} reply; {@code fallback} when absent or not an instant.
   *
   * @throws AstraVaultException when it is more than Go's longest duration away from {@code now}: no Vault grants
   *     such a lease, and caching it would keep the record (and plan its renewal) centuries or eons away
   */
  static Instant expireTime(String what, VaultReply reply, Instant fallback, Instant now) {
    Instant at = instant(VaultReply.string(reply.data(), "expire_time"), fallback);
    Duration away = Duration.between(now, at).abs();
    if (away.compareTo(Validation.MAX_DURATION) > 0) {
      // Not quoted: a broken answer's value is nothing the caller can act on.
      throw new AstraVaultException(what + ": Vault answered an expire_time more than "
          + VaultReply.MAX_LEASE_SECONDS + " s (Go's longest duration) from now");
    }
    return at;
  }

  /**
   * Parses Go's duration text ({@code 1h0m0s}) as the plugin prints role TTLs, or a bare number of seconds.
   *
   * @param field the field, for the error
   * @throws AstraVaultException when it is not such a text from 0 to Go's longest duration (a sign, an exponent, a
   *     number too large): no plugin prints one, and it would overflow the instants computed from it
   */
  static Duration goDuration(String what, String field, @Nullable String text) {
    if (text == null || text.isEmpty() || text.equals("0s") || text.equals("0")) {
      return Role.DEFAULT_TTL;
    }
    BigDecimal nanos = BigDecimal.ZERO;
    if (DIGITS.matcher(text).matches()) {
      nanos = new BigDecimal(text).scaleByPowerOfTen(9);
    } else if (GO_DURATION_TEXT.matcher(text).matches()) {
      Matcher m = GO_DURATION.matcher(text);
      while (m.find()) {
        nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(switch (m.group(2)) {
          case "h" -> 3_600_000_000_000L;
          case "m" -> 60_000_000_000L;
          case "s" -> 1_000_000_000L;
          case "ms" -> 1_000_000L;
          case "us", "µs" -> 1_000L;
          default -> 1L;
        })));
      }
    } else {
      nanos = BigDecimal.valueOf(-1);
    }
    if (nanos.signum() < 0 || nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      // Not quoted: a broken answer's value is nothing the caller can act on.
      throw new AstraVaultException(what + ": Vault answered a " + field + " that is not a Go duration from 0 to "
          + "Go's longest (about 292 years)");
    }
    return Duration.ofNanos(nanos.longValue());
  }
}

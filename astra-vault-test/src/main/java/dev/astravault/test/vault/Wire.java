package dev.astravault.test.vault;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.Moshi;
import dev.astravault.test.internal.StatusLine;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.MockResponse;
import org.jspecify.annotations.Nullable;

/** JSON, Go-style formatting and Vault's response envelopes. */
final class Wire {
  static final Moshi MOSHI = new Moshi.Builder().build();
  private static final JsonAdapter<Object> JSON = MOSHI.adapter(Object.class).serializeNulls();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  private Wire() {}

  /** A failed Vault request: the status and the {@code errors} array. */
  static final class VaultError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final List<String> errors;

    VaultError(int status, List<String> errors) {
      super("Vault error " + status, null, false, false);
      this.status = status;
      this.errors = errors;
    }

    /** [400] msg: {@code logical.ErrorResponse(msg)}. */
    static VaultError badRequest(String msg) {
      return new VaultError(400, List.of(msg));
    }

    /** [500] msg: a plain Go error, wrapped by multierror. */
    static VaultError internal(String msg) {
      return new VaultError(500, List.of(multierror(msg)));
    }

    static VaultError empty(int status) {
      return new VaultError(status, List.of());
    }

    Reply reply() {
      return Reply.errors(status, errors);
    }
  }

  /** An HTTP answer. */
  static final class Reply {
    final int status;
    final @Nullable String body;
    final Map<String, String> headers = new LinkedHashMap<>();

    Reply(int status, @Nullable String body) {
      this.status = status;
      this.body = body;
    }

    static Reply json(int status, Object value) {
      Reply r = new Reply(status, JSON.toJson(value) + "\n");
      r.headers.put("Cache-Control", "no-store");
      r.headers.put("Content-Type", "application/json");
      return r;
    }

    static Reply errors(int status, List<String> errors) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("errors", errors);
      return json(status, body);
    }

    static Reply noContent() {
      Reply r = new Reply(204, null);
      r.headers.put("Cache-Control", "no-store");
      r.headers.put("Content-Type", "application/json");
      return r;
    }

    /** logical.RespondWithStatusCode(nil, req, status): the status and JSON Content-Type, no body at all. */
    static Reply bare(int status) {
      Reply r = new Reply(status, null);
      r.headers.put("Cache-Control", "no-store");
      r.headers.put("Content-Type", "application/json");
      return r;
    }

    static Reply accepted() {
      Reply r = new Reply(202, null);
      r.headers.put("Cache-Control", "no-store");
      r.headers.put("Content-Type", "application/json");
      return r;
    }

    MockResponse toMockResponse(boolean head) {
      // Go's reason phrases ("404 Not Found"), not MockWebServer's ("404 Client Error").
      MockResponse.Builder b = new MockResponse.Builder().status(StatusLine.of(status));
      headers.forEach(b::setHeader);
      if (body != null && !head) {
        b.body(body);
      }
      return b.build();
    }
  }

  /** Builds the standard envelope. */
  static final class Envelope {
    String leaseId = "";
    boolean renewable;
    long leaseDuration;
    @Nullable Object data;
    @Nullable List<String> warnings;
    @Nullable Map<String, Object> auth;
    String mountType = "";

    Envelope data(@Nullable Object data) {
      this.data = data;
      return this;
    }

    Envelope mountType(String mountType) {
      this.mountType = mountType;
      return this;
    }

    Envelope warning(String warning) {
      if (warnings == null) {
        warnings = new ArrayList<>();
      }
      warnings.add(warning);
      return this;
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("request_id", UUID.randomUUID().toString());
      m.put("lease_id", leaseId);
      m.put("renewable", renewable);
      m.put("lease_duration", leaseDuration);
      m.put("data", data);
      m.put("wrap_info", null);
      m.put("warnings", warnings);
      m.put("auth", auth);
      m.put("mount_type", mountType);
      return m;
    }

    Reply reply(int status) {
      return Reply.json(status, toMap());
    }

    Reply ok() {
      return reply(200);
    }
  }

  /**
   * A lookup's {@code ttl}, as Vault's {@code leaseEntry.ttl()} computes it: the time to expiry from now rounded to
   * the nearest second (a half rounds up), truncated toward zero, so negative once expired.
   */
  static long ttlSeconds(Instant now, Instant expireTime) {
    Instant rounded = now.truncatedTo(ChronoUnit.SECONDS).plusSeconds(now.getNano() >= 500_000_000 ? 1 : 0);
    Duration left = Duration.between(rounded, expireTime);
    return left.isNegative() && left.getNano() > 0 ? left.getSeconds() + 1 : left.getSeconds();
  }

  static Envelope envelope() {
    return new Envelope();
  }

  /** {@code {"keys":[..]}} plus optional {@code key_info}, or 404 when empty. */
  static Map<String, Object> listData(List<String> keys, @Nullable Map<String, Object> keyInfo) {
    Map<String, Object> data = new TreeMap<>();
    data.put("keys", keys);
    if (keyInfo != null) {
      data.put("key_info", keyInfo);
    }
    return data;
  }

  /** hashicorp/go-multierror's format for one error. */
  static String multierror(String msg) {
    return "1 error occurred:\n\t* " + msg + "\n\n";
  }

  static @Nullable Object parse(String json) throws IOException {
    try {
      return normalise(JSON.fromJson(json));
    } catch (JsonDataException | JsonEncodingException e) {
      throw new IOException("invalid JSON", e);
    }
  }

  static String toJson(@Nullable Object value) {
    return JSON.toJson(value);
  }

  /** Moshi reads every number as a double; Go's json.Number keeps integers integral. */
  @SuppressWarnings("unchecked")
  static @Nullable Object normalise(@Nullable Object value) {
    if (value instanceof Double d) {
      if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 9.0e15) {
        return d.longValue();
      }
      return d;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), normalise(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(v -> copy.add(normalise(v)));
      return copy;
    }
    return value;
  }

  /** A deep copy of a JSON value (maps become sorted, as Go's encoder sorts map keys). */
  static @Nullable Object deepCopy(@Nullable Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new TreeMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), deepCopy(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(v -> copy.add(deepCopy(v)));
      return copy;
    }
    return value;
  }

  /** Go's {@code time.RFC3339Nano} in UTC. */
  static String time(Instant instant) {
    String s = SECONDS.format(instant);
    int nanos = instant.getNano();
    if (nanos != 0) {
      String frac = String.format("%09d", nanos).replaceAll("0+$", "");
      s += "." + frac;
    }
    return s + "Z";
  }

  /** Go's {@code time.Duration.String()}, e.g. {@code 24h0m0s}, {@code 1m30s}, {@code 0s}. */
  static String goDuration(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    boolean negative = d.isNegative();
    Duration abs = d.abs();
    long hours = abs.toHours();
    long minutes = abs.toMinutesPart();
    long seconds = abs.toSecondsPart();
    int nanos = abs.toNanosPart();
    StringBuilder sb = new StringBuilder(negative ? "-" : "");
    if (abs.compareTo(Duration.ofSeconds(1)) < 0) {
      if (nanos % 1_000_000 == 0) {
        return sb.append(nanos / 1_000_000).append("ms").toString();
      }
      return sb.append(nanos).append("ns").toString();
    }
    if (hours > 0) {
      sb.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      sb.append(minutes).append('m');
    }
    sb.append(seconds);
    if (nanos != 0) {
      sb.append('.').append(String.format("%09d", nanos).replaceAll("0+$", ""));
    }
    return sb.append('s').toString();
  }

  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h|d)");

  /**
   * parseutil.ParseDurationSecond: an integer number of seconds, or a Go duration ({@code 90s}, {@code 1h30m},
   * {@code 2d}).
   */
  static Duration parseDurationSecond(@Nullable Object value) {
    if (value == null) {
      return Duration.ZERO;
    }
    if (value instanceof Number n) {
      if (n.doubleValue() < 0) {
        throw new IllegalArgumentException("cannot parse negative duration");
      }
      return Duration.ofSeconds(n.longValue());
    }
    if (!(value instanceof String)) {
      throw new IllegalArgumentException("could not parse duration");
    }
    String s = ((String) value).trim();
    if (s.isEmpty()) {
      return Duration.ZERO;
    }
    if (s.matches("-?\\d+")) {
      long secs = Long.parseLong(s);
      if (secs < 0) {
        throw new IllegalArgumentException("cannot parse negative duration");
      }
      return Duration.ofSeconds(secs);
    }
    if (s.startsWith("-")) {
      throw new IllegalArgumentException("cannot parse negative duration");
    }
    Matcher m = DURATION_PART.matcher(s);
    int end = 0;
    double nanos = 0;
    while (m.find() && m.start() == end) {
      double n = Double.parseDouble(m.group(1));
      nanos += n * switch (m.group(2)) {
        case "ns" -> 1d;
        case "us", "µs" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        case "h" -> 3600e9;
        default -> 86400e9;
      };
      end = m.end();
    }
    if (end != s.length()) {
      throw new IllegalArgumentException("time: invalid duration \"" + s + "\"");
    }
    return Duration.ofNanos((long) nanos);
  }

  /** A random id in the style of Vault's lease suffixes and accessors. */
  static String randomId(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALNUM.charAt(RANDOM.nextInt(ALNUM.length())));
    }
    return sb.toString();
  }

  /** Keys directly under {@code prefix}, folders suffixed with '/', sorted and unique. */
  static List<String> childKeys(Iterable<String> keys, String prefix) {
    TreeSet<String> out = new TreeSet<>();
    for (String key : keys) {
      if (!key.startsWith(prefix) || key.length() == prefix.length()) {
        continue;
      }
      String rest = key.substring(prefix.length());
      int slash = rest.indexOf('/');
      out.add(slash < 0 ? rest : rest.substring(0, slash + 1));
    }
    return new ArrayList<>(out);
  }
}

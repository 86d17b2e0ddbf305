package dev.astravault.internal.astra;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import okio.Buffer;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/**
 * Hand-written Moshi adapters for the DevOps API bodies. Hand-written rather than reflective because Astra's JSON
 * drifts from its own spec (upper- or lower-case keys, a role policy that is an object or a JSON-encoded string,
 * the create response wrapped or not), and because reflection would need the package opened to Moshi under JPMS.
 * Every adapter is stateless and built once; unknown fields are skipped and keys are matched case-insensitively.
 *
 * <p>Why this class is long: it is the whole JSON contract with the DevOps API, one small adapter per body, kept
 * together so that every tolerance for Astra's drift from its spec is visible in one place.
 */
final class AstraJson {
  static final JsonAdapter<CreateTokenRequest> CREATE_REQUEST = new CreateTokenRequestAdapter();
  static final JsonAdapter<RemoteRole> ROLE = new RemoteRoleAdapter();
  static final JsonAdapter<List<RemoteRole>> ROLES = new RoleListAdapter();
  static final JsonAdapter<List<RemoteToken>> TOKENS = new TokenListAdapter();
  static final JsonAdapter<String> ORG_ID = new OrgIdAdapter();

  private AstraJson() {}

  /** What a create response held, field by field; whatever was read before a syntax error is kept. */
  static final class CreateResponse {
    @Nullable String clientId;
    @Nullable String secret;
    @Nullable String orgId;
    @Nullable List<String> roles;
    @Nullable String token;
    @Nullable Instant generatedOn;
    /** The body was not a complete JSON object. */
    boolean malformed;
  }

  /** The first entry of Astra's {@code {"errors":[{"ID":..,"message":..}]}}. */
  record ApiError(@Nullable Integer id, @Nullable String message) {}

  /**
   * Never throws: a syntax error marks the result malformed but keeps the fields read so far, so that a token whose
   * clientId was readable can still be deleted.
   */
  static CreateResponse readCreateResponse(byte[] body) {
    CreateResponse result = new CreateResponse();
    JsonReader reader = JsonReader.of(new Buffer().write(body));
    try {
      if (reader.peek() == JsonReader.Token.BEGIN_ARRAY) {
        // The spec wraps the response in an array ("items:"); the real server does not. Accept both.
        reader.beginArray();
      }
      reader.beginObject();
      while (reader.hasNext()) {
        switch (createResponseKey(reader)) {
          case "clientid" -> result.clientId = string(reader);
          case "secret" -> result.secret = string(reader);
          case "orgid" -> result.orgId = string(reader);
          case "roles" -> result.roles = strings(reader);
          case "token" -> result.token = string(reader);
          case "generatedon" -> result.generatedOn = instant(string(reader));
          default -> reader.skipValue();
        }
      }
      reader.endObject();
    } catch (IOException | JsonDataException e) {
      result.malformed = true;
    }
    return result;
  }

  /** Null when the body is not Astra's error shape. */
  static @Nullable ApiError readError(String body) {
    JsonReader reader = JsonReader.of(new Buffer().writeUtf8(body));
    try {
      if (reader.peek() != JsonReader.Token.BEGIN_OBJECT) {
        return null;
      }
      ApiError found = null;
      reader.beginObject();
      while (reader.hasNext()) {
        if (key(reader).equals("errors") && reader.peek() == JsonReader.Token.BEGIN_ARRAY) {
          reader.beginArray();
          while (reader.hasNext()) {
            ApiError entry = readErrorEntry(reader);
            if (found == null && entry != null) {
              found = entry;
            }
          }
          reader.endArray();
        } else {
          reader.skipValue();
        }
      }
      return found;
    } catch (IOException | JsonDataException e) {
      return null;
    }
  }

  private static @Nullable ApiError readErrorEntry(JsonReader reader) throws IOException {
    if (reader.peek() != JsonReader.Token.BEGIN_OBJECT) {
      reader.skipValue();
      return null;
    }
    Integer id = null;
    String message = null;
    reader.beginObject();
    while (reader.hasNext()) {
      switch (key(reader)) {
        case "id" -> id = integer(string(reader));
        case "message" -> message = string(reader);
        default -> reader.skipValue();
      }
    }
    reader.endObject();
    return id == null && message == null ? null : new ApiError(id, message);
  }

  /** Lower-cased so that {@code ID}, {@code Id} and {@code id} all match. */
  private static String key(JsonReader reader) throws IOException {
    return reader.nextName().toLowerCase(Locale.ROOT);
  }

  /** The create response's keys as Astra spells them, matched without reading them into strings (once per issue). */
  private static final JsonReader.Options CREATE_RESPONSE_KEYS =
      JsonReader.Options.of("clientId", "secret", "orgId", "roles", "token", "generatedOn");
  private static final String[] CREATE_RESPONSE_KEYS_LOWER =
      {"clientid", "secret", "orgid", "roles", "token", "generatedon"};

  /** {@link #key}, without a string per key when the key is spelled as Astra spells it. */
  private static String createResponseKey(JsonReader reader) throws IOException {
    int known = reader.selectName(CREATE_RESPONSE_KEYS);
    return known >= 0 ? CREATE_RESPONSE_KEYS_LOWER[known] : key(reader);
  }

  /** A string, or a number/boolean as text; null for JSON null and for objects or arrays (skipped). */
  private static @Nullable String string(JsonReader reader) throws IOException {
    switch (reader.peek()) {
      case STRING, NUMBER -> {
        return reader.nextString();
      }
      case BOOLEAN -> {
        return Boolean.toString(reader.nextBoolean());
      }
      case NULL -> {
        return reader.nextNull();
      }
      default -> {
        reader.skipValue();
        return null;
      }
    }
  }

  /** An array of strings (non-strings skipped), a lone string as a one-element list, otherwise null. */
  private static @Nullable List<String> strings(JsonReader reader) throws IOException {
    if (reader.peek() == JsonReader.Token.BEGIN_ARRAY) {
      List<String> values = new ArrayList<>();
      reader.beginArray();
      while (reader.hasNext()) {
        String value = string(reader);
        if (value != null) {
          values.add(value);
        }
      }
      reader.endArray();
      return values;
    }
    String single = string(reader);
    return single == null ? null : List.of(single);
  }

  private static @Nullable Integer integer(@Nullable String text) {
    if (text == null) {
      return null;
    }
    try {
      return Integer.valueOf(text.trim());
    } catch (NumberFormatException e) {
      try {
        double value = Double.parseDouble(text.trim());
        return value == Math.rint(value) && Math.abs(value) <= Integer.MAX_VALUE ? (int) value : null;
      } catch (NumberFormatException notANumber) {
        return null;
      }
    }
  }

  /**
   * ISO-8601 with any fraction (Astra sends nanoseconds), with {@code Z} or an offset; a value without a zone is
   * taken as UTC. Unparseable values become null rather than failing a whole listing.
   */
  static @Nullable Instant instant(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String value = text.trim();
    Instant utc = plainUtc(value);
    if (utc != null) {
      return utc;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException notInstant) {
      try {
        return OffsetDateTime.parse(value).toInstant();
      } catch (DateTimeParseException notOffset) {
        try {
          return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notLocal) {
          return null;
        }
      }
    }
  }

  /**
   * The shape Astra answers, {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z}, read without a formatter (whose parse cost
   * about 1.9 KB per create); null for anything else, which the formatters then read or reject.
   */
  static @Nullable Instant plainUtc(String v) {
    int n = v.length();
    if (n < 20 || n > 30 || v.charAt(4) != '-' || v.charAt(7) != '-' || v.charAt(10) != 'T' || v.charAt(13) != ':'
        || v.charAt(16) != ':' || v.charAt(n - 1) != 'Z') {
      return null;
    }
    int year = digits(v, 0, 4);
    int month = digits(v, 5, 7);
    int day = digits(v, 8, 10);
    int hour = digits(v, 11, 13);
    int minute = digits(v, 14, 16);
    int second = digits(v, 17, 19);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 59) {
      return null;
    }
    int nanos = 0;
    if (n > 20) {
      int digits = n - 21;
      if (v.charAt(19) != '.' || digits < 1 || digits > 9) {
        return null;
      }
      nanos = digits(v, 20, n - 1);
      if (nanos < 0) {
        return null;
      }
      for (int i = digits; i < 9; i++) {
        nanos *= 10;
      }
    } else if (v.charAt(19) != 'Z') {
      return null;
    }
    if (day > YearMonth.of(year, month).lengthOfMonth()) {
      return null;
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
  }

  /** The decimal number in {@code v[from, to)}, or -1 if any character is not a digit. */
  private static int digits(String v, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** Writes only the fields that are set, so the body stays valid for servers that only know the spec's fields. */
  // The last tokenExpiry written and its text: the engine sends whole seconds, so issues in one second share it, and
  // Instant.toString (a DateTimeFormatter) was a twentieth of an issue's CPU.
  private static volatile @Nullable InstantText lastInstant;

  private record InstantText(Instant at, String text) {}

  /** {@code at.toString()}, kept for the next call with an equal instant. */
  static String instantText(Instant at) {
    InstantText last = lastInstant;
    if (last != null && last.at().equals(at)) {
      return last.text();
    }
    String text = at.toString();
    lastInstant = new InstantText(at, text);
    return text;
  }

  private static final class CreateTokenRequestAdapter extends JsonAdapter<CreateTokenRequest> {
    @Override
    public CreateTokenRequest fromJson(JsonReader reader) {
      throw new UnsupportedOperationException("request bodies are only written");
    }

    @Override
    public void toJson(JsonWriter writer, @Nullable CreateTokenRequest request) throws IOException {
      if (request == null) {
        writer.nullValue();
        return;
      }
      writer.beginObject();
      writer.name("roles").beginArray();
      for (String role : request.roles()) {
        writer.value(role);
      }
      writer.endArray();
      if (request.orgId() != null) {
        writer.name("orgId").value(request.orgId());
      }
      if (request.description() != null) {
        writer.name("description").value(request.description());
      }
      if (request.tokenExpiry() != null) {
        writer.name("tokenExpiry").value(instantText(request.tokenExpiry()));
      }
      writer.endObject();
    }
  }

  /**
   * Accepts {@code ID|id}, {@code Name|name}, {@code Type|type}, and {@code Policy|policy} either as a JSON object
   * (kept verbatim as JSON text) or as a JSON-encoded string (kept as the string's content).
   */
  private static final class RemoteRoleAdapter extends JsonAdapter<RemoteRole> {
    @Override
    public RemoteRole fromJson(JsonReader reader) throws IOException {
      String path = reader.getPath();
      RemoteRole role = readOrNull(reader);
      if (role == null) {
        throw new JsonDataException("role without id or name at " + path);
      }
      return role;
    }

    /** Null for an entry without id or name, so that a listing can skip it instead of failing. */
    static @Nullable RemoteRole readOrNull(JsonReader reader) throws IOException {
      if (reader.peek() != JsonReader.Token.BEGIN_OBJECT) {
        reader.skipValue();
        return null;
      }
      String id = null;
      String name = null;
      String type = null;
      String policy = null;
      reader.beginObject();
      while (reader.hasNext()) {
        switch (key(reader)) {
          case "id" -> id = string(reader);
          case "name" -> name = string(reader);
          case "type" -> type = string(reader);
          case "policy" -> policy = policy(reader);
          default -> reader.skipValue();
        }
      }
      reader.endObject();
      return id == null || id.isBlank() || name == null ? null : new RemoteRole(id, name, type, policy);
    }

    private static @Nullable String policy(JsonReader reader) throws IOException {
      switch (reader.peek()) {
        case BEGIN_OBJECT, BEGIN_ARRAY -> {
          try (BufferedSource source = reader.nextSource()) {
            return source.readUtf8();
          }
        }
        default -> {
          String text = string(reader);
          return text == null || text.isBlank() ? null : text;
        }
      }
    }

    @Override
    public void toJson(JsonWriter writer, @Nullable RemoteRole role) {
      throw new UnsupportedOperationException("roles are only read");
    }
  }

  /** A JSON array of roles (the real shape), or an object holding one under {@code roles} or {@code items}. */
  private static final class RoleListAdapter extends JsonAdapter<List<RemoteRole>> {
    @Override
    public List<RemoteRole> fromJson(JsonReader reader) throws IOException {
      if (reader.peek() == JsonReader.Token.BEGIN_OBJECT) {
        List<RemoteRole> roles = Collections.emptyList();
        reader.beginObject();
        while (reader.hasNext()) {
          String key = key(reader);
          if ((key.equals("roles") || key.equals("items")) && reader.peek() == JsonReader.Token.BEGIN_ARRAY) {
            roles = readArray(reader);
          } else {
            reader.skipValue();
          }
        }
        reader.endObject();
        return roles;
      }
      return readArray(reader);
    }

    private static List<RemoteRole> readArray(JsonReader reader) throws IOException {
      List<RemoteRole> roles = new ArrayList<>();
      reader.beginArray();
      while (reader.hasNext()) {
        RemoteRole role = RemoteRoleAdapter.readOrNull(reader);
        if (role != null) {
          roles.add(role);
        }
      }
      reader.endArray();
      return List.copyOf(roles);
    }

    @Override
    public void toJson(JsonWriter writer, @Nullable List<RemoteRole> roles) {
      throw new UnsupportedOperationException("roles are only read");
    }
  }

  /**
   * {@code {"clients":[...]}}; also a bare array. Entries without a clientId are skipped; {@code description} and
   * {@code tokenExpiry} are nullable and {@code ""} is kept as is (it is what older servers send).
   */
  private static final class TokenListAdapter extends JsonAdapter<List<RemoteToken>> {
    @Override
    public List<RemoteToken> fromJson(JsonReader reader) throws IOException {
      if (reader.peek() == JsonReader.Token.BEGIN_ARRAY) {
        return readArray(reader);
      }
      List<RemoteToken> tokens = Collections.emptyList();
      // {} and "clients":null are an empty org; Astra's error shape or clients of another type is not a listing.
      boolean listed = true;
      reader.beginObject();
      while (reader.hasNext()) {
        String key = key(reader);
        if (key.equals("clients") && reader.peek() == JsonReader.Token.BEGIN_ARRAY) {
          tokens = readArray(reader);
        } else if (key.equals("clients") && reader.peek() == JsonReader.Token.NULL) {
          reader.skipValue();
        } else {
          listed &= !key.equals("clients") && !key.equals("errors");
          reader.skipValue();
        }
      }
      reader.endObject();
      if (!listed) {
        // Reconcile and recovery delete what this list lacks: an error body must not read as "no tokens".
        throw new JsonDataException("not a token list");
      }
      return tokens;
    }

    private static List<RemoteToken> readArray(JsonReader reader) throws IOException {
      List<RemoteToken> tokens = new ArrayList<>();
      reader.beginArray();
      while (reader.hasNext()) {
        RemoteToken token = readToken(reader);
        if (token != null) {
          tokens.add(token);
        }
      }
      reader.endArray();
      return List.copyOf(tokens);
    }

    private static @Nullable RemoteToken readToken(JsonReader reader) throws IOException {
      if (reader.peek() != JsonReader.Token.BEGIN_OBJECT) {
        reader.skipValue();
        return null;
      }
      String clientId = null;
      List<String> roles = null;
      Instant generatedOn = null;
      String description = null;
      Instant tokenExpiry = null;
      reader.beginObject();
      while (reader.hasNext()) {
        switch (key(reader)) {
          case "clientid" -> clientId = string(reader);
          case "roles" -> roles = strings(reader);
          case "generatedon" -> generatedOn = instant(string(reader));
          case "description" -> description = string(reader);
          case "tokenexpiry" -> tokenExpiry = instant(string(reader));
          default -> reader.skipValue();
        }
      }
      reader.endObject();
      if (clientId == null || clientId.isBlank()) {
        return null;
      }
      return new RemoteToken(clientId, roles == null ? List.of() : roles, generatedOn, description, tokenExpiry);
    }

    @Override
    public void toJson(JsonWriter writer, @Nullable List<RemoteToken> tokens) {
      throw new UnsupportedOperationException("tokens are only read");
    }
  }

  /** {@code {"id":"<org uuid>"}} (any case); some servers add {@code name}, which is ignored. */
  private static final class OrgIdAdapter extends JsonAdapter<String> {
    @Override
    public String fromJson(JsonReader reader) throws IOException {
      String id = null;
      reader.beginObject();
      while (reader.hasNext()) {
        if (key(reader).equals("id")) {
          id = string(reader);
        } else {
          reader.skipValue();
        }
      }
      reader.endObject();
      if (id == null || id.isBlank()) {
        throw new JsonDataException("organization without id");
      }
      return id;
    }

    @Override
    public void toJson(JsonWriter writer, @Nullable String id) {
      throw new UnsupportedOperationException("organizations are only read");
    }
  }
}

package dev.astravault.internal.astra;

import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * The spec's {@code Policy}: a description, DRN resources, {@code PolicyAction} values and the effect (always
 * {@code allow}). Two policies are {@link #sameAs the same} when all four agree, resources and actions as sets.
 */
public record RolePolicy(String description, List<String> resources, List<String> actions, String effect) {

  public RolePolicy {
    Objects.requireNonNull(description, "description");
    resources = List.copyOf(resources);
    actions = List.copyOf(actions);
    Objects.requireNonNull(effect, "effect");
  }

  /** Whether {@code other} grants exactly what this policy grants, with the same description. */
  public boolean sameAs(@Nullable RolePolicy other) {
    return other != null && description.equals(other.description) && effect.equals(other.effect)
        && new TreeSet<>(resources).equals(new TreeSet<>(other.resources))
        && new TreeSet<>(actions).equals(new TreeSet<>(other.actions));
  }

  /** Writes the policy as the spec's JSON object. */
  void write(JsonWriter w) throws IOException {
    w.beginObject();
    w.name("description").value(description);
    w.name("resources").beginArray();
    for (String r : resources) {
      w.value(r);
    }
    w.endArray();
    w.name("actions").beginArray();
    for (String a : actions) {
      w.value(a);
    }
    w.endArray();
    w.name("effect").value(effect);
    w.endObject();
  }

  /**
   * Parses a role's policy as {@link RemoteRole#policyJson()} keeps it (keys in either case), or null when it is
   * absent or not a policy object: a caller comparing policies then sees "not the same", never a guess.
   */
  public static @Nullable RolePolicy parse(@Nullable String json) {
    if (json == null || json.isBlank()) {
      return null;
    }
    try (JsonReader r = JsonReader.of(new Buffer().writeUtf8(json))) {
      if (r.peek() != JsonReader.Token.BEGIN_OBJECT) {
        return null;
      }
      String description = null;
      String effect = null;
      List<String> resources = null;
      List<String> actions = null;
      r.beginObject();
      while (r.hasNext()) {
        String key = r.nextName().toLowerCase(Locale.ROOT);
        switch (key) {
          case "description" -> description = r.peek() == JsonReader.Token.STRING ? r.nextString() : skip(r);
          case "effect" -> effect = r.peek() == JsonReader.Token.STRING ? r.nextString() : skip(r);
          case "resources" -> resources = strings(r);
          case "actions" -> actions = strings(r);
          default -> r.skipValue();
        }
      }
      r.endObject();
      if (description == null || effect == null || resources == null || actions == null) {
        return null;
      }
      return new RolePolicy(description, resources, actions, effect);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static @Nullable String skip(JsonReader r) throws IOException {
    r.skipValue();
    return null;
  }

  private static @Nullable List<String> strings(JsonReader r) throws IOException {
    if (r.peek() != JsonReader.Token.BEGIN_ARRAY) {
      r.skipValue();
      return null;
    }
    List<String> out = new ArrayList<>();
    r.beginArray();
    while (r.hasNext()) {
      if (r.peek() != JsonReader.Token.STRING) {
        r.skipValue();
        return null;
      }
      out.add(r.nextString());
    }
    r.endArray();
    return out;
  }

  /** {@return the distinct actions, sorted} */
  public Set<String> actionSet() {
    return new TreeSet<>(actions);
  }
}

package dev.astravault.audit;

import dev.astravault.Actor;
import dev.astravault.event.AuditEvent;
import dev.astravault.event.TokenRef;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Turns any {@link AuditEvent} into the one field layout every sink writes, so that the slf4j line, the JSON-lines
 * file and the JDBC row agree. Values are Strings, Numbers, Booleans, Lists and Maps only (JSON-ready).
 *
 * <pre>
 * type, time, outcome, [errorType, errorMessage], actor{user, host, process, [application], [principal]},
 * [orgId], [roleName], [logicalName], [clientId], [leaseId], metadata{..}, [tokenHmac], details{..}
 * </pre>
 *
 * {@code details} holds the event's own components (for example {@code reason} of {@code LeaseRevoked}), without the
 * ones already shown in the common fields.
 */
public final class AuditEvents {
  /** Components shown by the common fields; they are not repeated under {@code details}. */
  private static final Set<String> COMMON = Set.of("time", "actor", "token", "org", "role", "logical", "client",
      "lease", "metadata", "error", "message");

  private static final ClassValue<RecordComponent[]> COMPONENTS = new ClassValue<>() {
    @Override
    protected RecordComponent[] computeValue(Class<?> type) {
      RecordComponent[] components = type.getRecordComponents();
      return components == null ? new RecordComponent[0] : components;
    }
  };

  private AuditEvents() {}

  /**
   * The event's fields in a stable order.
   *
   * @param event the event
   * @return its fields, by name, in a stable order
   */
  public static Map<String, Object> toMap(AuditEvent event) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", event.type());
    out.put("time", event.time().toString());
    out.put("outcome", event.outcome().name());
    event.errorType().ifPresent(v -> out.put("errorType", v));
    event.errorMessage().ifPresent(v -> out.put("errorMessage", v));
    out.put("actor", actor(event.actor()));
    event.orgId().ifPresent(v -> out.put("orgId", v));
    event.roleName().ifPresent(v -> out.put("roleName", v));
    event.logicalName().ifPresent(v -> out.put("logicalName", v));
    event.clientId().ifPresent(v -> out.put("clientId", v));
    event.leaseId().ifPresent(v -> out.put("leaseId", v));
    out.put("metadata", new TreeMap<>(event.metadata()));
    event.tokenHmac().ifPresent(v -> out.put("tokenHmac", v));
    out.put("details", details(event));
    return out;
  }

  static Map<String, Object> actor(Actor actor) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("user", actor.user());
    out.put("host", actor.host());
    out.put("process", actor.process());
    actor.applicationName().ifPresent(v -> out.put("application", v));
    actor.principalName().ifPresent(v -> out.put("principal", v));
    return out;
  }

  private static Map<String, Object> details(AuditEvent event) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (RecordComponent component : COMPONENTS.get(event.getClass())) {
      if (COMMON.contains(component.getName())) {
        continue;
      }
      Object value;
      try {
        value = component.getAccessor().invoke(event);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException("cannot read " + event.getClass().getSimpleName() + "."
            + component.getName(), e);
      }
      Object plain = plain(value);
      if (plain != null) {
        out.put(component.getName(), plain);
      }
    }
    return out;
  }

  private static @Nullable Object plain(@Nullable Object value) {
    if (value == null || value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Number n) {
      return n;
    }
    if (value instanceof Instant || value instanceof Duration) {
      return value.toString();
    }
    if (value instanceof Enum<?> e) {
      return e.name();
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(plain(v)));
      return out;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new TreeMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
      return out;
    }
    if (value instanceof TokenRef || value instanceof Actor) {
      return null; // shown by the common fields
    }
    // Unknown value types are named, not printed: their toString is not ours to trust.
    return value.getClass().getSimpleName();
  }
}

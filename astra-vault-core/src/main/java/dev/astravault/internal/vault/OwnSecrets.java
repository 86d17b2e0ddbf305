package dev.astravault.internal.vault;

import dev.astravault.internal.redact.LiteralSecrets;
import dev.astravault.vault.VaultAuth;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonArray;
import io.github.jopenlibs.vault.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The credentials of a {@link VaultSession} that Vault may quote back in an answer and that need not look like
 * secrets (a dev-style token such as {@code root}, an AppRole secret_id): the configured token or secret_id, and each
 * token, JWT or token source's token the session used. Masked literally ({@link LiteralSecrets#mask}) in the errors
 * and warnings of every reply and in the driver exceptions kept as causes, as {@code OkHttpAstraDevOps} masks the
 * Astra root token. Thread-safe.
 */
final class OwnSecrets {
  /** Tokens come and go (logins, renewals, a token source): the last few are kept, the oldest dropped first. */
  private static final int MAX_KEPT = 8;

  private final @Nullable String configured;
  private final Set<String> used = ConcurrentHashMap.newKeySet();
  private volatile List<String> recent = List.of();

  OwnSecrets(VaultAuth auth) {
    this.configured = auth instanceof VaultAuth.Token t ? t.token()
        : auth instanceof VaultAuth.AppRole a ? a.secretId() : null;
  }

  /** Remembers a credential the session uses (a token, a JWT); {@return it} */
  String inUse(String secret) {
    if (!used.contains(secret)) {
      synchronized (this) {
        if (used.add(secret)) {
          List<String> next = new ArrayList<>(recent);
          next.add(secret);
          if (next.size() > MAX_KEPT) {
            used.remove(next.remove(0));
          }
          recent = List.copyOf(next);
        }
      }
    }
    return secret;
  }

  String mask(String text) {
    String out = configured == null ? text : LiteralSecrets.mask(text, configured);
    for (String secret : recent) {
      out = LiteralSecrets.mask(out, secret);
    }
    return out;
  }

  /** The reply with its {@code errors} and {@code warnings} masked; its data is left as Vault sent it. */
  VaultReply masked(VaultReply reply) {
    for (String field : List.of("errors", "warnings")) {
      JsonValue v = reply.body().get(field);
      if (v != null && v.isArray()) {
        JsonArray masked = new JsonArray();
        for (JsonValue item : v.asArray()) {
          masked.add(item.isString() ? Json.value(mask(item.asString())) : item);
        }
        reply.body().set(field, masked);
      }
    }
    return reply;
  }

  /** A driver exception (its message quotes Vault's answer) as a cause, masked. */
  @Nullable Throwable cause(VaultException e) {
    return LiteralSecrets.cause(e, this::mask);
  }
}

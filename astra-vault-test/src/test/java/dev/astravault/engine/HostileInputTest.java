package dev.astravault.engine;

import static dev.astravault.engine.EngineFixture.ORG;
import static dev.astravault.engine.EngineFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.astravault.AstraToken;
import dev.astravault.NotFoundException;
import dev.astravault.TokenManager;
import dev.astravault.test.FakeAstra;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hostile text where a caller names something: line breaks (a forged log line), bidirectional controls (a log line
 * that reads in another order), lone surrogates (no UTF-8 form, so a store would keep '?') and megabytes. Refusals
 * and not-found errors show such a value on one line, bounded and in order; a name or metadata value that holds one
 * is refused before anything is stored; and the manager issues as before afterwards.
 */
@ParameterizedClass
@EnumSource(value = Backend.class, names = {"DIRECT", "VAULT"})
class HostileInputTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  /** Each with a character no message, log line or stored value may carry. */
  private static final List<String> HOSTILE = List.of("ab\nERROR forged line", "ab\rcd", "ab\u0000cd",
      "ab\u0085cd", "ab\u2028cd", "ab\u2029cd", "ab\u202Edc", "ab\u2066cd", "ab\u200Fcd", "ab\uD800cd", "ab\uDC00cd",
      "ab\uD83D");

  @Parameter Backend backend;

  EngineFixture f;
  TokenManager t;

  @BeforeEach
  void setUp() {
    f = new EngineFixture(astra, backend);
    t = f.tokens;
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  /** Operations that throw NotFoundException for an unknown org or lease (a role reference is checked first). */
  private Map<String, Consumer<String>> lookups() {
    Map<String, Consumer<String>> ops = new LinkedHashMap<>();
    ops.put("roles", key -> t.roles(key));
    ops.put("syncRoles", key -> t.syncRoles(key));
    ops.put("resolveRoleId(org)", key -> t.resolveRoleId(key, ROLE));
    ops.put("tokens", key -> t.tokens(key));
    ops.put("leases", key -> t.leases(key));
    ops.put("renew", key -> t.renew(key));
    ops.put("reconcile", key -> t.reconcile(key));
    return ops;
  }

  @Test
  void anUnknownKeyIsShownOnOneLineBoundedAndInOrder() {
    lookups().forEach((name, op) -> {
      for (String key : HOSTILE) {
        Throwable e = catchThrowable(() -> op.accept(key));
        assertThat(e).as("%s(%s)", name, escaped(key)).isInstanceOf(NotFoundException.class);
        assertPrintable(name, e.getMessage());
        assertPrintable(name, ((NotFoundException) e).key());
        assertThat(((NotFoundException) e).key()).as(name).startsWith("ab?");
      }
      // Long, and not shaped like a secret.
      Throwable e = catchThrowable(() -> op.accept("no such org ".repeat(5_000)));
      assertThat(e).as(name).isInstanceOf(NotFoundException.class);
      assertThat(e.getMessage()).as(name).hasSizeLessThan(600);
      assertThat(((NotFoundException) e).key()).as(name).hasSize(513).startsWith("no such org").endsWith("…");
    });
    // A key this library makes is shown whole.
    String leaseId = "astra/" + "o".repeat(200) + "/" + "r".repeat(128) + "/" + "x".repeat(24);
    assertThat(catchThrowable(() -> t.renew(leaseId))).isInstanceOfSatisfying(NotFoundException.class,
        e -> assertThat(e.key()).isEqualTo(leaseId));
    issuesAsBefore();
  }

  /**
   * Text too long to check for a secret shape (the redactor cuts it, so it all looked like a secret) is refused as
   * too long, naming the parameter; before, the refusal said it looked like a token or secret.
   */
  @Test
  void megabytesAreRefusedAsTooLongNamingTheParameter() {
    String megabytes = "no such org ".repeat(850_000);
    Map<String, Consumer<String>> ops = new LinkedHashMap<>(lookups());
    ops.put("org", key -> t.org(key));
    ops.put("lease", key -> t.lease(key));
    ops.put("token", key -> t.token(key));
    ops.put("revoke", key -> t.revoke(key));
    ops.put("request(role)", key -> t.request().org(ORG).role(key).logicalName("x").issue());
    ops.put("request(org)", key -> t.request().org(key).role(ROLE).logicalName("x").issue());
    ops.put("request(logicalName)", key -> t.request().org(ORG).role(ROLE).logicalName(key).issue());
    ops.put("writeOrg(logicalName)", key -> t.writeOrg(f.org.toBuilder().logicalName(key).build()));
    ops.put("request(metadata key)", key -> t.request().org(ORG).role(ROLE).logicalName("x").metadata(key, "v")
        .issue());
    ops.put("request(metadata value)", key -> t.request().org(ORG).role(ROLE).logicalName("x").metadata("k", key)
        .issue());
    ops.forEach((name, op) -> {
      Throwable e = catchThrowable(() -> op.accept(megabytes));
      assertThat(e).as(name).isExactlyInstanceOf(IllegalArgumentException.class);
      assertThat(e.getMessage()).as(name).hasSizeLessThan(200)
          .matches(m -> m.contains(" is 10200000 characters long") || m.contains("at most 512 printable"), "length");
    });
    issuesAsBefore();
  }

  @Test
  void aNameOrMetadataValueThatCouldNotBeShownOrStoredAsGivenIsRefused() {
    int events = f.events.size();
    for (String value : HOSTILE) {
      Throwable e = catchThrowable(() -> t.writeOrg(f.org.toBuilder().logicalName(value).build()));
      assertThat(e).as(escaped(value)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("logicalName must be at most 128 printable characters");
      e = catchThrowable(() -> t.request().org(ORG).role(ROLE).logicalName("m").metadata("owner", value).issue());
      assertThat(e).as(escaped(value)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("metadata value for 'owner' must be at most 512 printable characters");
      e = catchThrowable(() -> t.request().org(ORG).role(value).logicalName("m").issue());
      assertThat(e).as(escaped(value)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("role must be a role name");
      assertPrintable("role", e.getMessage());
      e = catchThrowable(() -> t.request().org(value).role(ROLE).logicalName("m").issue());
      assertThat(e).as(escaped(value)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("org must be");
      assertPrintable("org", e.getMessage());
    }
    assertThat(f.events).hasSize(events);
    assertThat(t.org(ORG)).get().extracting(org -> org.logicalName()).isEqualTo(ORG);
    assertThat(t.tokens()).isEmpty();
    // A character outside the BMP is a whole surrogate pair: printable, kept as given.
    AstraToken rocket = t.request().org(ORG).role(ROLE).logicalName("rocket").metadata("team", "\uD83D\uDE80 ops")
        .issue();
    assertThat(t.token(rocket.clientId())).get().extracting(AstraToken::metadata)
        .isEqualTo(Map.of("team", "\uD83D\uDE80 ops"));
    issuesAsBefore();
  }

  private void issuesAsBefore() {
    AstraToken token = t.request().org(ORG).role(ROLE).logicalName("after").issue();
    assertThat(t.token(token.clientId())).isPresent();
  }

  private static void assertPrintable(String name, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1));
      assertThat(Character.isISOControl(c) || Character.isSurrogate(c) && !pair
          || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR
          || Character.getDirectionality(c) >= Character.DIRECTIONALITY_LEFT_TO_RIGHT_EMBEDDING)
          .as("%s: %s at %d of %s", name, Integer.toHexString(c), i, escaped(text)).isFalse();
      if (pair) {
        i++;
      }
    }
  }

  private static String escaped(String s) {
    StringBuilder sb = new StringBuilder();
    s.chars().limit(80).forEach(c -> sb.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c)
        : String.format("\\u%04X", c)));
    return sb.toString();
  }
}

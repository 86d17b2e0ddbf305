package dev.astravault.managed;

import static dev.astravault.managed.ManagedFixture.exact;
import static dev.astravault.managed.ManagedFixture.perRequest;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.ManagedToken;
import dev.astravault.ManagedToken.State;
import dev.astravault.ManagedTokenEvent;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A handle keeps its failure count, its three flags and its life in one int (issue 15, P3): the count saturates at
 * its bound with the back-off it had there, and no part of the int changes another.
 */
class ManagedTokenPackedStateTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.builder().transientFailures(false).build();

  final ManagedFixture f = new ManagedFixture(astra, ofHours(1), ofHours(1));

  @AfterEach
  void close() {
    f.close();
  }

  private static int constant(ManagedToken handle, String name) throws ReflectiveOperationException {
    Field field = handle.getClass().getDeclaredField(name);
    field.setAccessible(true);
    return field.getInt(null);
  }

  private static Field bits(ManagedToken handle) throws ReflectiveOperationException {
    Field bits = handle.getClass().getDeclaredField("bits");
    bits.setAccessible(true);
    return bits;
  }

  /** The handle's packed state as "failures=N flags life", read under its monitor. */
  private static String state(ManagedToken handle) throws ReflectiveOperationException {
    int bits;
    synchronized (handle) {
      bits = bits(handle).getInt(handle);
    }
    int max = constant(handle, "MAX_FAILURES");
    String flags = ((bits & constant(handle, "IN_FLIGHT")) != 0 ? " inFlight" : "")
        + ((bits & constant(handle, "FORCE_ROTATE")) != 0 ? " forceRotate" : "")
        + ((bits & constant(handle, "OWNED")) != 0 ? " owned" : "");
    String life = List.of("running", "stopped", "closed", "?").get(bits >>> constant(handle, "LIFE_SHIFT"));
    return "failures=" + (bits & max) + flags + " " + life;
  }

  private ManagedTokenEvent.Error lastError() {
    List<ManagedTokenEvent.Error> errors = f.events(ManagedTokenEvent.Error.class);
    return errors.get(errors.size() - 1);
  }

  private static Duration waitOf(ManagedTokenEvent.Error error) {
    return Duration.between(error.time(), error.retryAt().orElseThrow());
  }

  @Test
  void aFailureCountAtItsBoundStaysThereAndBacksOffAsBefore() throws ReflectiveOperationException {
    ManagedToken token = f.manage(perRequest(), exact());   // back-off 10 s doubling to 2 min
    String old = token.current();
    int max = constant(token, "MAX_FAILURES");
    synchronized (token) {
      Field bits = bits(token);
      bits.setInt(token, bits.getInt(token) | (max - 1));   // as after max - 1 failed attempts
    }
    assertThat(state(token)).isEqualTo("failures=" + (max - 1) + " owned running");
    astra.fault(Endpoint.CREATE_TOKEN).status(503).times(2);

    f.advanceTo(ofMinutes(55).multipliedBy(2).dividedBy(3));   // the rotation point: fails
    ManagedTokenEvent.Error first = lastError();
    assertThat(first.attempt()).isEqualTo(max);
    assertThat(waitOf(first)).as("the capped back-off, equal jitter").isBetween(ofSeconds(60), ofSeconds(120));
    assertThat(state(token)).isEqualTo("failures=" + max + " owned running");

    f.scheduler.advance(waitOf(first));                          // the retry: fails again, the count stays
    ManagedTokenEvent.Error second = lastError();
    assertThat(second).isNotSameAs(first);
    assertThat(second.attempt()).isEqualTo(max);
    assertThat(waitOf(second)).isBetween(ofSeconds(60), ofSeconds(120));
    assertThat(state(token)).isEqualTo("failures=" + max + " owned running");
    assertThat(token.current()).isEqualTo(old);

    f.scheduler.advance(waitOf(second));                         // Astra answers: a new token, the count cleared
    assertThat(token.current()).isNotEqualTo(old);
    assertThat(state(token)).isEqualTo("failures=0 owned running");
    astra.fault(Endpoint.CREATE_TOKEN).status(503);
    token.rotateNow();
    assertThat(lastError().attempt()).isEqualTo(1);
    assertThat(waitOf(lastError())).as("the base back-off again").isBetween(ofSeconds(5), ofSeconds(10));
  }

  @SuppressWarnings("unchecked")
  private static Map<Object, ?> engineDrains(ManagedToken handle) throws ReflectiveOperationException {
    Method engine = handle.getClass().getDeclaredMethod("engine");
    engine.setAccessible(true);
    Object e = engine.invoke(handle);
    Field drains = e.getClass().getDeclaredField("drains");
    drains.setAccessible(true);
    return (Map<Object, ?>) drains.get(e);
  }

  /** The engine keeps a handle's old tokens only during their overlap: none is left behind for a handle. */
  @Test
  void theEngineHoldsOldTokensOnlyWhileTheirOverlapLasts() throws ReflectiveOperationException {
    ManagedToken ends = f.manage(perRequest(), exact());
    ManagedToken closes = f.manage(perRequest(), exact());
    String endsOld = ends.current();
    String closesOld = closes.current();
    Map<Object, ?> drains = engineDrains(ends);
    assertThat(drains).isEmpty();
    ends.rotateNow();
    closes.rotateNow();
    assertThat(drains).containsOnlyKeys(ends, closes);
    assertThat(astra.isLive(endsOld)).as("in its overlap").isTrue();

    closes.close();   // revokes the old token too, at once
    assertThat(drains).containsOnlyKeys(ends);
    assertThat(astra.isLive(closesOld)).isFalse();
    f.advanceTo(ofMinutes(5));   // the overlap ends
    assertThat(drains).isEmpty();
    assertThat(astra.isLive(endsOld)).isFalse();
  }

  @Test
  void theFlagsTheCountAndTheLifeChangeIndependently() throws ReflectiveOperationException {
    ManagedToken token = f.manage(perRequest(), exact());
    String old = token.current();
    assertThat(state(token)).isEqualTo("failures=0 owned running");

    astra.fault(Endpoint.CREATE_TOKEN).status(503);
    token.rotateNow();   // fails: the request to rotate stays, the refresh is over, one failure
    assertThat(state(token)).isEqualTo("failures=1 forceRotate owned running");
    assertThat(token.current()).isEqualTo(old);

    token.stop();
    assertThat(state(token)).isEqualTo("failures=1 forceRotate owned stopped");
    assertThat(token.state()).isEqualTo(State.STOPPED);
    assertThatThrownBy(token::rotateNow).hasMessageContaining("stopped");

    Instant before = f.clock.instant();
    token.close();
    assertThat(state(token)).isEqualTo("failures=1 forceRotate owned closed");
    assertThat(f.events(ManagedTokenEvent.Revoked.class)).as("owned: its token is revoked on close")
        .singleElement().satisfies(e -> assertThat(e.time()).isEqualTo(before));
    assertThat(astra.isLive(old)).isFalse();
  }
}

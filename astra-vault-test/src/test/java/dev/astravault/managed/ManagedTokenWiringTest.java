package dev.astravault.managed;

import static dev.astravault.managed.ManagedFixture.exact;
import static dev.astravault.managed.ManagedFixture.perRequest;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.ManagedToken;
import dev.astravault.ManagedTokenEvent;
import dev.astravault.ManagedTokenListener;
import dev.astravault.RenewalSettings;
import dev.astravault.test.FakeAstra;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The handles managed with one settings object share their engine, settings and listeners in one object (issue 15,
 * P3: 8 B a handle); a listener added to or removed from one handle changes that handle only.
 */
class ManagedTokenWiringTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.builder().transientFailures(false).build();

  final ManagedFixture f = new ManagedFixture(astra, ofHours(1), ofHours(1));

  @AfterEach
  void close() {
    f.close();
  }

  private static Object wiring(ManagedToken handle) throws ReflectiveOperationException {
    Field wiring = handle.getClass().getDeclaredField("wiring");
    wiring.setAccessible(true);
    return wiring.get(handle);
  }

  /** Events of the lease the handle holds now, by type name. */
  private static List<String> of(List<ManagedTokenEvent> events, ManagedToken handle) {
    String leaseId = handle.snapshot().leaseId();
    return events.stream().filter(e -> e.leaseId().equals(leaseId)).map(e -> e.getClass().getSimpleName()).toList();
  }

  @Test
  void handlesOfOneSettingsObjectShareTheirWiringUntilOneChangesItsListeners() throws ReflectiveOperationException {
    List<ManagedTokenEvent> all = new CopyOnWriteArrayList<>();
    RenewalSettings settings = exact().listener(ManagedTokenListener.of(all::add)).build();
    ManagedToken a = f.tokens.manage(perRequest(), settings);
    ManagedToken b = f.tokens.manage(perRequest(), settings);
    assertThat(wiring(a)).isSameAs(wiring(b));
    assertThat(of(all, a)).containsExactly("Issued");
    assertThat(of(all, b)).containsExactly("Issued");

    assertThat(a.removeListener(ManagedTokenListener.of(e -> { }))).isFalse();
    assertThat(wiring(a)).as("nothing removed: still shared").isSameAs(wiring(b));

    List<ManagedTokenEvent> onA = new CopyOnWriteArrayList<>();
    ManagedTokenListener extra = ManagedTokenListener.of(onA::add);
    a.addListener(extra);
    assertThat(wiring(a)).isNotSameAs(wiring(b));
    b.rotateNow();
    a.rotateNow();
    assertThat(of(onA, a)).as("a's own listener sees a only").containsExactly("Issued", "Rotated");
    assertThat(onA).hasSize(2);
    assertThat(of(all, a)).as("the settings' listener still sees a").containsExactly("Issued", "Rotated");
    assertThat(of(all, b)).as("and b").containsExactly("Issued", "Rotated");

    assertThat(a.removeListener(extra)).isTrue();
    f.advanceTo(ofMinutes(10));   // a's first overlap ends (a Revoked event): its removed listener sees none
    a.rotateNow();
    assertThat(onA).as("removed: no more events").hasSize(2);
    assertThat(of(all, a)).containsExactly("Issued", "Rotated");
  }

  @Test
  void moreSettingsObjectsThanTheEngineKeepsWiringsForStillRunEachHandleWithItsOwn() {
    List<List<ManagedTokenEvent>> seen = new ArrayList<>();
    List<ManagedToken> handles = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 7; i++) {
        List<ManagedTokenEvent> events = new CopyOnWriteArrayList<>();
        seen.add(events);
        // Each settings object its own overlap, so a handle run with another's settings would revoke at a wrong time.
        RenewalSettings settings = exact().rotationOverlap(ofMinutes(1 + i))
            .listener(ManagedTokenListener.of(events::add)).build();
        handles.add(f.tokens.manage(perRequest(), settings));
      }
    }
    for (int i = 0; i < handles.size(); i++) {
      assertThat(seen.get(i)).hasSize(1);
      assertThat(of(seen.get(i), handles.get(i))).containsExactly("Issued");
      handles.get(i).rotateNow();
    }
    for (int minute = 1; minute <= 7; minute++) {
      f.advanceTo(ofMinutes(minute));
      for (int i = 0; i < handles.size(); i++) {
        long revoked = seen.get(i).stream().filter(ManagedTokenEvent.Revoked.class::isInstance).count();
        assertThat(revoked).as("handle %d at minute %d", i, minute).isEqualTo(minute >= 1 + i % 7 ? 1 : 0);
      }
    }
  }
}

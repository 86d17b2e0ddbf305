package dev.astravault.managed;

import static java.time.Duration.ofHours;
import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.auth.Authenticator;
import com.datastax.oss.driver.api.core.auth.SyncAuthenticator;
import com.datastax.oss.driver.api.core.metadata.EndPoint;
import dev.astravault.ManagedToken;
import dev.astravault.cql.RotatingAuthProvider;
import dev.astravault.test.FakeAstra;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The driver's own PLAIN authenticator, built from RotatingAuthProvider, follows rotations. */
class RotatingAuthProviderTest {
  // No injected 429/503: ManagedFixture's client has no retry (RetryPolicy.none(), so that scripted faults fail at
  // once) and these tests count Astra calls and events exactly. Shapes (204s, role keys, extra fields) still vary.
  @RegisterExtension static final FakeAstra astra = FakeAstra.builder().transientFailures(false).build();

  static final EndPoint NODE = new EndPoint() {
    @Override
    public SocketAddress resolve() {
      return InetSocketAddress.createUnresolved("node1", 9042);
    }

    @Override
    public String asMetricPrefix() {
      return "node1:9042";
    }
  };

  /** What a new connection sends: the SASL PLAIN initial response {@code \0username\0password}. */
  static String initialResponse(RotatingAuthProvider provider) {
    Authenticator authenticator = provider.newAuthenticator(NODE, "org.apache.cassandra.auth.PasswordAuthenticator");
    ByteBuffer response = ((SyncAuthenticator) authenticator).initialResponseSync();
    byte[] bytes = new byte[response.remaining()];
    response.duplicate().get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Test
  void newConnectionsGetTheOldTokenBeforeTheSwapAndTheNewOneAfter() {
    try (ManagedFixture f = new ManagedFixture(astra, ofHours(1), ofHours(1))) {
      ManagedToken token = f.manage(ManagedFixture.perRequest(), ManagedFixture.exact());
      RotatingAuthProvider provider = new RotatingAuthProvider(token);
      String old = token.current();
      assertThat(initialResponse(provider)).isEqualTo("\0token\0" + old);

      f.advanceTo(ofMinutes(36));                    // before the rotation (36m40s)
      assertThat(initialResponse(provider)).isEqualTo("\0token\0" + old);

      f.advanceTo(ofMinutes(37));                    // swapped; the old token drains for 5 min
      String fresh = token.current();
      assertThat(fresh).isNotEqualTo(old);
      assertThat(initialResponse(provider)).isEqualTo("\0token\0" + fresh);
      assertThat(astra.isLive(old)).as("connections opened with the old token keep working").isTrue();
      assertThat(astra.isLive(fresh)).isTrue();
      assertThat(provider.toString()).doesNotContain(fresh).doesNotContain(old);
    }
  }
}

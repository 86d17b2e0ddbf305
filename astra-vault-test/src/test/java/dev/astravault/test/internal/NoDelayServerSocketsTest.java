package dev.astravault.test.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import javax.net.ServerSocketFactory;
import org.junit.jupiter.api.Test;

class NoDelayServerSocketsTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @Test
  void everyAcceptedConnectionHasNagleOffAsGoServersDo() throws IOException {
    ServerSocketFactory f = NoDelayServerSockets.factory();
    ServerSocket unbound = f.createServerSocket();
    unbound.bind(new InetSocketAddress(LOOPBACK, 0));   // as MockWebServer binds what it creates
    for (ServerSocket server : List.of(unbound, f.createServerSocket(0, 10, LOOPBACK))) {
      try (server; Socket client = new Socket(LOOPBACK, server.getLocalPort()); Socket accepted = server.accept()) {
        assertThat(client.getTcpNoDelay()).as("the JDK's default for a plain socket").isFalse();
        assertThat(accepted.getTcpNoDelay()).isTrue();
      }
    }
  }

  @Test
  void theBindingFactoryMethodsBind() throws IOException {
    ServerSocketFactory f = NoDelayServerSockets.factory();
    try (ServerSocket a = f.createServerSocket(0); ServerSocket b = f.createServerSocket(0, 5)) {
      assertThat(a.isBound()).isTrue();
      assertThat(b.isBound()).isTrue();
    }
  }
}

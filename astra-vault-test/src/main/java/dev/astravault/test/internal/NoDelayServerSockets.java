package dev.astravault.test.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ServerSocketFactory;

/**
 * Server sockets whose accepted connections have TCP_NODELAY on, as Go's net/http sets it on every connection (Astra
 * and Vault are Go services). MockWebServer leaves Nagle's algorithm on and writes a response's headers and body
 * separately, so on a kept-alive connection the body waited for the client's delayed ACK: about 40 ms a request on
 * Linux, a wait that neither real service makes its clients pay.
 */
public final class NoDelayServerSockets extends ServerSocketFactory {
  private static final NoDelayServerSockets INSTANCE = new NoDelayServerSockets();

  private NoDelayServerSockets() {}

  /** {@return the factory; MockWebServer binds what it creates} */
  public static ServerSocketFactory factory() {
    return INSTANCE;
  }

  @Override
  public ServerSocket createServerSocket() throws IOException {
    return new NoDelayServerSocket();
  }

  @Override
  public ServerSocket createServerSocket(int port) throws IOException {
    ServerSocket s = createServerSocket();
    s.bind(new InetSocketAddress(port));
    return s;
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog) throws IOException {
    ServerSocket s = createServerSocket();
    s.bind(new InetSocketAddress(port), backlog);
    return s;
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
    ServerSocket s = createServerSocket();
    s.bind(new InetSocketAddress(address, port), backlog);
    return s;
  }

  private static final class NoDelayServerSocket extends ServerSocket {
    NoDelayServerSocket() throws IOException {
    }

    @Override
    public Socket accept() throws IOException {
      Socket s = super.accept();
      try {
        s.setTcpNoDelay(true);
      } catch (IOException e) {
        s.close();
        throw e;
      }
      return s;
    }
  }
}

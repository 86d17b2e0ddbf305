package dev.astravault.benchmarks;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.SocketFactory;

/**
 * A minimal HTTP/1.1 server on loopback that answers Astra's create-token POST ({@code POST /v2/clientIdSecrets})
 * the way Astra does: one JSON object with a fresh client id, secret and {@code token = AstraCS:<clientId>:
 * sha256hex(secret)}. Keep-alive, a thread per connection, TCP_NODELAY on every accepted socket, and no state kept
 * per token, so that both sides of {@link IssueVsRawPostBenchmark} pay the same, small, constant server cost.
 * MockWebServer (under FakeAstra) is not used: it records every request and, in its default set-up, leaves Nagle's
 * algorithm on, which hides the client's cost behind a ~40 ms delayed-ACK wait.
 *
 * <p>It also answers {@code GET /v2/currentOrg} and {@code DELETE /v2/clientIdSecrets/<id>} (204), and remembers the
 * first POST's headers and body so that the raw side can send the very same bytes.
 */
final class NoDelayAstraServer implements Closeable {
  private final ServerSocket server;
  private final String orgId;
  private final AtomicLong counter = new AtomicLong();
  private final AtomicLong posts = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicReference<byte[]> firstPostBody = new AtomicReference<>();
  private final AtomicReference<String> firstPostHeaders = new AtomicReference<>();
  private volatile boolean closed;

  NoDelayAstraServer(String orgId) throws IOException {
    this.orgId = orgId;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    Thread acceptor = new Thread(this::accept, "no-delay-astra-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The base URL, like {@code https://api.astra.datastax.com}. */
  String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  long posts() {
    return posts.get();
  }

  /** How many connections were accepted: keep-alive clients reuse one, so this grows by a few per run at most. */
  long connections() {
    return connections.get();
  }

  /** The body of the first create POST received, or null. */
  byte[] firstPostBody() {
    return firstPostBody.get();
  }

  /** The header lines of the first create POST received (CRLF-separated, without the request line), or null. */
  String firstPostHeaders() {
    return firstPostHeaders.get();
  }

  /** A client socket factory whose sockets have TCP_NODELAY on (OkHttp leaves the JDK default, off). */
  static SocketFactory noDelaySockets() {
    SocketFactory plain = SocketFactory.getDefault();
    return new SocketFactory() {
      @Override
      public Socket createSocket() throws IOException {
        Socket s = plain.createSocket();
        s.setTcpNoDelay(true);
        return s;
      }

      @Override
      public Socket createSocket(String host, int port) throws IOException {
        Socket s = plain.createSocket(host, port);
        s.setTcpNoDelay(true);
        return s;
      }

      @Override
      public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
        Socket s = plain.createSocket(host, port, local, localPort);
        s.setTcpNoDelay(true);
        return s;
      }

      @Override
      public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket s = plain.createSocket(host, port);
        s.setTcpNoDelay(true);
        return s;
      }

      @Override
      public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
        Socket s = plain.createSocket(host, port, local, localPort);
        s.setTcpNoDelay(true);
        return s;
      }
    };
  }

  private void accept() {
    while (!closed) {
      try {
        Socket socket = server.accept();
        connections.incrementAndGet();
        socket.setTcpNoDelay(true);
        Thread t = new Thread(() -> serve(socket), "no-delay-astra-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        if (!closed) {
          System.err.println("NoDelayAstraServer accept failed: " + e);
        }
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
      OutputStream out = socket.getOutputStream();
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      StringBuilder line = new StringBuilder(256);
      while (!closed) {
        String requestLine = readLine(in, line);
        if (requestLine == null) {
          return;
        }
        StringBuilder headers = new StringBuilder(512);
        int contentLength = 0;
        for (String h = readLine(in, line); h != null && !h.isEmpty(); h = readLine(in, line)) {
          headers.append(h).append("\r\n");
          int colon = h.indexOf(':');
          if (colon > 0 && h.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
            contentLength = Integer.parseInt(h.substring(colon + 1).trim());
          }
        }
        byte[] body = in.readNBytes(contentLength);
        byte[] response;
        if (requestLine.startsWith("POST /v2/clientIdSecrets ")) {
          posts.incrementAndGet();
          if (firstPostBody.compareAndSet(null, body)) {
            firstPostHeaders.set(headers.toString());
          }
          response = ok(created(sha256));
        } else if (requestLine.startsWith("GET /v2/currentOrg ")) {
          response = ok("{\"id\":\"" + orgId + "\",\"name\":\"bench\"}");
        } else if (requestLine.startsWith("DELETE /v2/clientIdSecrets/")) {
          response = "HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        } else {
          response = ("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 18\r\n\r\n"
              + "404 page not found").getBytes(StandardCharsets.US_ASCII);
        }
        out.write(response);
        out.flush();
      }
    } catch (IOException | NoSuchAlgorithmException e) {
      // connection closed by the client, or the server closed
    }
  }

  private String created(MessageDigest sha256) {
    long n = counter.incrementAndGet();
    char[] id = new char[24];
    for (int i = 0; i < 24; i++, n /= 26) {
      id[i] = (char) ('a' + (n % 26));
    }
    String clientId = new String(id);
    String secret = "bench-secret-" + clientId + "-" + Long.toHexString(System.nanoTime());
    String hex = HexFormat.of().formatHex(sha256.digest(secret.getBytes(StandardCharsets.US_ASCII)));
    return "{\"clientId\":\"" + clientId + "\",\"roles\":[],\"orgId\":\"" + orgId + "\",\"token\":\"AstraCS:"
        + clientId + ":" + hex + "\",\"secret\":\"" + secret + "\",\"generatedOn\":\"2026-12-05T00:00:00.000Z\"}";
  }

  private static byte[] ok(String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  private static String readLine(InputStream in, StringBuilder line) throws IOException {
    line.setLength(0);
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        int len = line.length();
        if (len > 0 && line.charAt(len - 1) == '\r') {
          line.setLength(len - 1);
        }
        return line.toString();
      }
      line.append((char) c);
    }
    return line.length() == 0 ? null : line.toString();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
  }
}

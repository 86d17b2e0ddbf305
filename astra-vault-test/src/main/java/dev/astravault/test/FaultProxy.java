package dev.astravault.test;

import dev.astravault.test.internal.StatusLine;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * A fault-injecting HTTP/1.1 proxy for tests: it sits between the client under test and an upstream (normally a
 * {@link FakeAstra}), forwards each request, and answers as scripted. The point is the failure a client cannot see
 * through: the upstream <em>did</em> the work (created the token, deleted it) and the client gets a 504, a reset, half
 * a body, no answer at all, or a body that never ends.
 *
 * <pre>{@code
 * FaultProxy proxy = FaultProxy.to(astra.url());          // started on loopback
 * OrgConfig org = OrgConfig.builder()...url(proxy.uri()).build();
 * proxy.on("POST", "/v2/clientIdSecrets").forwardThen(FaultProxy.Answer.status(504));   // next create only
 * proxy.on(null, "/v2/").always().forwardThen(FaultProxy.Answer.endlessBody());          // every call
 * proxy.on("GET", "/v2/clientIdSecrets").forwardThen(FaultProxy.Answer.rewrittenBody(b -> "{}"));   // a lie
 * }</pre>
 *
 * <p>Rules are matched in the order they were added, by method (null for any) and path prefix; a rule applies to its
 * next {@link Rule#times(int)} matching requests (once by default, {@link Rule#always()} for all), then is dropped. A
 * request no rule matches is passed through. {@link Answer#stall()} and {@link Answer#stallBody()} hold the connection
 * until the client gives up (its call timeout) or the proxy is closed: pair them with a short client timeout.
 *
 * <p>Each connection serves one request and every answer carries {@code Connection: close}, so a fault never leaks
 * into the next request. Requests with a chunked body are not supported (answered 501). Thread-safe; closing it
 * closes every open connection. It never logs or keeps request or response bodies beyond forwarding them.
 */
public final class FaultProxy implements Closeable {
  // Accept-Encoding and Content-Encoding are end to end: passed on as they came, never added (see the constructor).
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding",
      "content-length", "host", "te", "trailer", "upgrade", "proxy-connection");
  /** Headers OkHttp adds to a request that has none: the proxy takes out again those the client did not send. */
  private static final List<String> ADDED_BY_OKHTTP = List.of("User-Agent", "Accept-Encoding");
  private static final byte[] ENDLESS_HEAD = "{\"clients\":[".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ENDLESS_ITEM = ("{\"clientId\":\"EndlessEndlessEndlessEndle\",\"roles\":[\"r\"],"
      + "\"generatedOn\":\"2026-01-01T00:00:00Z\",\"description\":\"endless\"},").getBytes(StandardCharsets.US_ASCII);

  private final HttpUrl upstream;
  private final OkHttpClient client;
  private final ServerSocket server;
  private final Thread acceptor;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Deque<Rule> rules = new ArrayDeque<>();
  private final List<Injected> injected = new ArrayList<>();
  private final AtomicInteger forwarded = new AtomicInteger();
  private volatile boolean closed;

  /** What the proxy did to one request that a rule matched. */
  public record Injected(String method, String path, boolean forwarded, Answer answer) {}

  private FaultProxy(HttpUrl upstream) throws IOException {
    this.upstream = upstream;
    // OkHttp adds a User-Agent and an Accept-Encoding: gzip of its own to a request without them: take them out
    // again, so the upstream sees only the client's headers (a test asserting what its client sends must not pass on
    // the proxy's behalf, and an upstream must not gzip an answer the client did not ask for). A client's own
    // Accept-Encoding is passed on, and OkHttp then leaves the answer as encoded, Content-Encoding and all.
    this.client = new OkHttpClient.Builder().retryOnConnectionFailure(false).followRedirects(false)
        .followSslRedirects(false)
        .addNetworkInterceptor(chain -> {
          NotSent notSent = chain.request().tag(NotSent.class);
          if (notSent == null) {
            return chain.proceed(chain.request());
          }
          Request.Builder asSent = chain.request().newBuilder();
          notSent.names().forEach(asSent::removeHeader);
          return chain.proceed(asSent.build());
        })
        .build();
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "fault-proxy-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * A proxy to {@code upstream} (its scheme, host and port; request paths are kept), started on loopback.
   *
   * @param upstream the server to forward to
   * @return the started proxy
   */
  public static FaultProxy to(HttpUrl upstream) {
    Objects.requireNonNull(upstream, "upstream");
    try {
      return new FaultProxy(upstream);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start FaultProxy", e);
    }
  }

  /**
   * The proxy's root URL, e.g. {@code http://127.0.0.1:40123/}: give it to the client instead of the upstream's.
   *
   * @return the proxy's root URL
   */
  public HttpUrl url() {
    return new HttpUrl.Builder().scheme("http").host(server.getInetAddress().getHostAddress())
        .port(server.getLocalPort()).build();
  }

  /** {@return the proxy's root URL as a {@link URI}} */
  public URI uri() {
    return url().uri();
  }

  /**
   * A new rule for requests with {@code method} (null for any) whose path starts with {@code pathPrefix}. It takes
   * effect once given its answer ({@link Rule#forwardThen} or {@link Rule#instead}).
   *
   * @param method the HTTP method to match, or null for any
   * @param pathPrefix the start of the paths to match
   * @return the new rule
   */
  public Rule on(@Nullable String method, String pathPrefix) {
    Objects.requireNonNull(pathPrefix, "pathPrefix");
    if (!pathPrefix.startsWith("/")) {
      throw new IllegalArgumentException("pathPrefix must start with /: " + pathPrefix);
    }
    return new Rule(method == null ? null : method.toUpperCase(Locale.ROOT), pathPrefix);
  }

  /** Drops every rule: from now on requests pass through. */
  public void clear() {
    synchronized (rules) {
      rules.clear();
    }
  }

  /**
   * The requests rules were applied to, oldest first.
   *
   * @return the requests rules were applied to
   */
  public List<Injected> injected() {
    synchronized (rules) {
      return List.copyOf(injected);
    }
  }

  /**
   * How many requests reached the upstream.
   *
   * @return the number of forwarded requests
   */
  public int forwardedCount() {
    return forwarded.get();
  }

  /**
   * Rules whose uses are not spent yet.
   *
   * @return the number of rules not spent yet
   */
  public int pendingRules() {
    synchronized (rules) {
      return rules.size();
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // Closing anyway.
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  @Override
  public String toString() {
    return "FaultProxy[" + url() + " -> " + upstream + ", rules=" + pendingRules() + "]";
  }

  // ---------------------------------------------------------------- rules and answers

  /** One scripted fault. Built by {@link FaultProxy#on}; setters fail fast. */
  public final class Rule {
    private final @Nullable String method;
    private final String pathPrefix;
    private int remaining = 1;
    private boolean forward;
    private @Nullable Answer answer;

    private Rule(@Nullable String method, String pathPrefix) {
      this.method = method;
      this.pathPrefix = pathPrefix;
    }

    /**
     * Applies to the next {@code times} matching requests (default 1). Call before giving the answer.
     *
     * @param times how many matching requests it applies to, at least 1
     * @return this rule
     */
    public Rule times(int times) {
      if (times < 1) {
        throw new IllegalArgumentException("times < 1: " + times);
      }
      requireNoAnswer();
      remaining = times;
      return this;
    }

    /**
     * Applies to every matching request until {@link FaultProxy#clear()}.
     *
     * @return this rule
     */
    public Rule always() {
      requireNoAnswer();
      remaining = Integer.MAX_VALUE;
      return this;
    }

    /**
     * The request reaches the upstream (which does its work), then the client gets {@code answer}.
     *
     * @param answer what the client gets
     * @return the proxy
     */
    public FaultProxy forwardThen(Answer answer) {
      return arm(true, answer);
    }

    /**
     * The request never reaches the upstream; the client gets {@code answer}.
     *
     * @param answer what the client gets
     * @return the proxy
     */
    public FaultProxy instead(Answer answer) {
      if (answer.kind == Kind.HALF_BODY || answer.kind == Kind.STALL_BODY || answer.kind == Kind.REWRITTEN_BODY) {
        throw new IllegalArgumentException(answer + " needs the upstream's response: use forwardThen");
      }
      return arm(false, answer);
    }

    private FaultProxy arm(boolean forward, Answer answer) {
      Objects.requireNonNull(answer, "answer");
      requireNoAnswer();
      this.forward = forward;
      this.answer = answer;
      synchronized (rules) {
        rules.addLast(this);
      }
      return FaultProxy.this;
    }

    private void requireNoAnswer() {
      if (answer != null) {
        throw new IllegalStateException("this rule is already armed");
      }
    }

    private boolean matches(String m, String path) {
      return (method == null || method.equals(m)) && path.startsWith(pathPrefix);
    }

    @Override
    public String toString() {
      return "Rule[" + (method == null ? "*" : method) + " " + pathPrefix + ", " + (forward ? "forward then " : "")
          + answer + ", remaining=" + remaining + "]";
    }
  }

  enum Kind { PASS, STATUS, RESET, HALF_BODY, STALL, STALL_BODY, ENDLESS_BODY, REWRITTEN_BODY }

  /** What the client gets. */
  public static final class Answer {
    private final Kind kind;
    private final int status;
    private final @Nullable UnaryOperator<String> rewrite;

    private Answer(Kind kind, int status) {
      this(kind, status, null);
    }

    private Answer(Kind kind, int status, @Nullable UnaryOperator<String> rewrite) {
      this.kind = kind;
      this.status = status;
      this.rewrite = rewrite;
    }

    /**
     * The upstream's own response (with {@code forwardThen}); a 502 when there is no upstream response.
     *
     * @return the answer
     */
    public static Answer pass() {
      return new Answer(Kind.PASS, 0);
    }

    /**
     * {@code status} (100-599) with a short text body, as a gateway sends it (502, 503, 504, ...).
     *
     * @param status the HTTP status, 100 to 599
     * @return the answer
     */
    public static Answer status(int status) {
      if (status < 100 || status > 599) {
        throw new IllegalArgumentException("status not in 100..599: " + status);
      }
      return new Answer(Kind.STATUS, status);
    }

    /**
     * A TCP reset: the socket is closed with linger 0 before any byte of a response.
     *
     * @return the answer
     */
    public static Answer reset() {
      return new Answer(Kind.RESET, 0);
    }

    /**
     * The upstream's status and headers, its full {@code Content-Length}, half its body, then the socket closes.
     *
     * @return the answer
     */
    public static Answer halfBody() {
      return new Answer(Kind.HALF_BODY, 0);
    }

    /**
     * No response at all: the connection stays open and silent until the client gives up.
     *
     * @return the answer
     */
    public static Answer stall() {
      return new Answer(Kind.STALL, 0);
    }

    /**
     * The upstream's status and headers and half its body, then silence until the client gives up.
     *
     * @return the answer
     */
    public static Answer stallBody() {
      return new Answer(Kind.STALL_BODY, 0);
    }

    /**
     * The upstream's status and headers and its whole body (as UTF-8 text) passed through {@code rewrite}: an answer
     * that lies after the upstream did the work, such as a lease with a duration no server grants or a field of the
     * wrong type. Needs the upstream's response: use it with {@link Rule#forwardThen}.
     *
     * @param rewrite turns the upstream's body into the one the client gets
     * @return the answer
     */
    public static Answer rewrittenBody(UnaryOperator<String> rewrite) {
      return new Answer(Kind.REWRITTEN_BODY, 0, Objects.requireNonNull(rewrite, "rewrite"));
    }

    /**
     * Status 200 and a JSON token list that never ends, written as fast as the client reads it.
     *
     * @return the answer
     */
    public static Answer endlessBody() {
      return new Answer(Kind.ENDLESS_BODY, 200);
    }

    @Override
    public String toString() {
      return kind == Kind.STATUS ? "status(" + status + ")"
          : kind == Kind.REWRITTEN_BODY ? "rewrittenBody" : kind.name().toLowerCase(Locale.ROOT);
    }
  }

  // ---------------------------------------------------------------- serving

  private void acceptLoop() {
    while (!closed) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      open.add(socket);
      Thread t = new Thread(() -> serve(socket), "fault-proxy-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      ParsedRequest request = readRequest(in);
      if (request == null) {
        return;
      }
      if (request.chunked) {
        writeStatus(out, 501, "chunked request bodies are not supported by FaultProxy");
        return;
      }
      Rule rule = take(request.method, request.path);
      if (rule == null) {
        answer(socket, in, out, forward(request), Answer.pass());
        return;
      }
      Answer answer = Objects.requireNonNull(rule.answer);
      synchronized (rules) {
        injected.add(new Injected(request.method, request.path, rule.forward, answer));
      }
      answer(socket, in, out, rule.forward ? forward(request) : null, answer);
    } catch (IOException e) {
      // The client went away (its timeout, or it read enough): nothing more to do.
    } finally {
      open.remove(socket);
    }
  }

  private @Nullable Rule take(String method, String path) {
    synchronized (rules) {
      for (var it = rules.iterator(); it.hasNext(); ) {
        Rule r = it.next();
        if (r.matches(method, path)) {
          if (r.remaining != Integer.MAX_VALUE && --r.remaining == 0) {
            it.remove();
          }
          return r;
        }
      }
      return null;
    }
  }

  /** The upstream's response, fully read; null if the upstream could not be reached. */
  private @Nullable Upstream forward(ParsedRequest request) {
    HttpUrl url = Objects.requireNonNull(upstream.resolve(request.path), "path");
    Request.Builder b = new Request.Builder().url(url);
    for (int i = 0; i < request.headers.size(); i++) {
      if (!HOP_BY_HOP.contains(request.headers.name(i).toLowerCase(Locale.ROOT))) {
        b.addHeader(request.headers.name(i), request.headers.value(i));
      }
    }
    List<String> notSent = ADDED_BY_OKHTTP.stream().filter(h -> request.headers.get(h) == null).toList();
    if (!notSent.isEmpty()) {
      b.tag(NotSent.class, new NotSent(notSent));
    }
    String type = request.headers.get("Content-Type");
    RequestBody body = request.body.length == 0 && !requiresBody(request.method) ? null
        : RequestBody.create(request.body, type == null ? null : MediaType.parse(type));
    b.method(request.method, body);
    forwarded.incrementAndGet();
    try (Response r = client.newCall(b.build()).execute()) {
      return new Upstream(r.code(), r.message(), r.headers(), r.body().bytes());
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean requiresBody(String method) {
    return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
  }

  /** The headers OkHttp would add that the client of a forwarded request did not send. */
  private record NotSent(List<String> names) {}

  /** The upstream's answer; {@code reason} is its reason phrase, passed on as it came. */
  private record Upstream(int status, String reason, Headers headers, byte[] body) {}

  private void answer(Socket socket, InputStream in, OutputStream out, @Nullable Upstream up, Answer answer)
      throws IOException {
    switch (answer.kind) {
      case PASS -> {
        if (up == null) {
          writeStatus(out, 502, "FaultProxy could not reach the upstream");
        } else {
          writeHead(out, up.status, up.reason, up.headers, up.body.length);
          out.write(up.body);
          out.flush();
        }
      }
      case STATUS -> writeStatus(out, answer.status, "FaultProxy: " + answer.status);
      case RESET -> {
        socket.setSoLinger(true, 0);
        socket.close();
      }
      case HALF_BODY, STALL_BODY -> {
        if (up == null) {
          writeStatus(out, 502, "FaultProxy could not reach the upstream");
          return;
        }
        writeHead(out, up.status, up.reason, up.headers, Math.max(up.body.length, 2));
        out.write(up.body, 0, up.body.length / 2);
        out.flush();
        if (answer.kind == Kind.STALL_BODY) {
          waitForClientToLeave(in);
        }
      }
      case STALL -> waitForClientToLeave(in);
      case REWRITTEN_BODY -> {
        if (up == null) {
          writeStatus(out, 502, "FaultProxy could not reach the upstream");
          return;
        }
        boolean gzip = "gzip".equalsIgnoreCase(up.headers.get("Content-Encoding"));
        byte[] text = gzip ? gunzip(up.body) : up.body;   // rewrite the text, send it encoded as it came
        byte[] body = Objects.requireNonNull(answer.rewrite).apply(new String(text, StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8);
        body = gzip ? gzip(body) : body;
        writeHead(out, up.status, up.reason, up.headers, body.length);
        out.write(body);
        out.flush();
      }
      case ENDLESS_BODY -> {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.write(ENDLESS_HEAD);
        byte[] chunk = new byte[ENDLESS_ITEM.length * 64];
        for (int i = 0; i < 64; i++) {
          System.arraycopy(ENDLESS_ITEM, 0, chunk, i * ENDLESS_ITEM.length, ENDLESS_ITEM.length);
        }
        while (!closed) {
          out.write(chunk); // throws once the client closes the connection
        }
      }
      default -> throw new IllegalStateException(answer.toString());
    }
  }

  private static byte[] gunzip(byte[] body) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    }
  }

  private static byte[] gzip(byte[] body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(body);
    }
    return out.toByteArray();
  }

  /** Blocks until the client closes the connection (its timeout) or the proxy is closed. */
  private static void waitForClientToLeave(InputStream in) throws IOException {
    while (in.read() >= 0) {
      // Discard anything more the client sends.
    }
  }

  private static void writeHead(OutputStream out, int status, String reason, Headers headers, long contentLength)
      throws IOException {
    // An upstream that sent no reason phrase gets Go's, as the fakes send it.
    String line = reason.isEmpty() ? StatusLine.of(status) : "HTTP/1.1 " + status + " " + reason;
    StringBuilder b = new StringBuilder(line).append("\r\n");
    for (int i = 0; i < headers.size(); i++) {
      if (!HOP_BY_HOP.contains(headers.name(i).toLowerCase(Locale.ROOT))) {
        b.append(headers.name(i)).append(": ").append(headers.value(i)).append("\r\n");
      }
    }
    b.append("Content-Length: ").append(contentLength).append("\r\nConnection: close\r\n\r\n");
    out.write(b.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  private static void writeStatus(OutputStream out, int status, String text) throws IOException {
    byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
    // Go's reason phrase (StatusLine), as the fakes and the Go services behind them send it.
    writeHead(out, status, "", Headers.of("Content-Type", "text/plain; charset=utf-8"), body.length);
    out.write(body);
    out.flush();
  }

  // ---------------------------------------------------------------- request parsing

  private record ParsedRequest(String method, String path, Headers headers, byte[] body, boolean chunked) {}

  private static @Nullable ParsedRequest readRequest(InputStream in) throws IOException {
    String requestLine = readLine(in);
    if (requestLine == null || requestLine.isEmpty()) {
      return null;
    }
    String[] parts = requestLine.split(" ");
    if (parts.length != 3) {
      throw new IOException("not an HTTP request line");
    }
    Headers.Builder headers = new Headers.Builder();
    for (String line; (line = readLine(in)) != null && !line.isEmpty(); ) {
      headers.addUnsafeNonAscii(line.substring(0, line.indexOf(':')).trim(),
          line.substring(line.indexOf(':') + 1).trim());
    }
    Headers h = headers.build();
    boolean chunked = "chunked".equalsIgnoreCase(h.get("Transfer-Encoding"));
    String length = h.get("Content-Length");
    byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length.trim()));
    return new ParsedRequest(parts[0], parts[1], h, body, chunked);
  }

  private static @Nullable String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int c; (c = in.read()) >= 0; ) {
      if (c == '\n') {
        byte[] bytes = line.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
      }
      if (line.size() > 64 * 1024) {
        throw new IOException("header line too long");
      }
      line.write(c);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // Closing anyway.
    }
  }
}

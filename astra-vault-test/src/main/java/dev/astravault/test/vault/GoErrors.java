package dev.astravault.test.vault;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import okhttp3.HttpUrl;

/**
 * The texts of the Go errors that the Astra plugin quotes in its own messages: net/http's transport errors and
 * encoding/json's syntax errors, so that a test matching on them sees what a real Vault would say.
 */
final class GoErrors {
  private GoErrors() {}

  /**
   * A *url.Error from http.Client.Do, e.g. {@code Post "http://127.0.0.1:8/v2/clientIdSecrets": dial tcp
   * 127.0.0.1:8: connect: connection refused}.
   */
  static String transport(String method, HttpUrl url, IOException e) {
    String op = method.charAt(0) + method.substring(1).toLowerCase(Locale.ROOT);
    return op + " " + quote(url.toString()) + ": " + cause(url, e);
  }

  private static String cause(HttpUrl url, IOException e) {
    if (e instanceof UnknownHostException) {
      return "dial tcp: lookup " + url.host() + ": no such host";
    }
    if (e instanceof ConnectException) {
      return "dial tcp " + address(url) + ": connect: connection refused";
    }
    if (e instanceof SocketTimeoutException) {
      return "dial tcp " + address(url) + ": i/o timeout";
    }
    // The server closed the connection without an answer.
    return "EOF";
  }

  private static String address(HttpUrl url) {
    String ip;
    try {
      ip = InetAddress.getByName(url.host()).getHostAddress();
    } catch (UnknownHostException e) {
      ip = url.host();
    }
    return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + url.port();
  }

  /**
   * json.Unmarshal's error for {@code text}, which is not valid JSON: {@code unexpected end of JSON input} when it
   * stops early (an empty body included), else Go's {@code invalid character 'x' ...} for the first bad byte.
   */
  static String unmarshal(String text) {
    try {
      Scanner scanner = new Scanner(text);
      scanner.value("looking for beginning of value");
      scanner.whitespace();
      if (scanner.more()) {
        return scanner.invalid("after top-level value");
      }
      return "unexpected end of JSON input";
    } catch (SyntaxError e) {
      return e.getMessage();
    }
  }

  private static final class SyntaxError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SyntaxError(String message) {
      super(message, null, false, false);
    }
  }

  /** A checker that follows encoding/json's scanner closely enough for its error texts. */
  private static final class Scanner {
    private final String s;
    private int i;

    Scanner(String s) {
      this.s = s;
    }

    boolean more() {
      return i < s.length();
    }

    char peek() {
      if (i >= s.length()) {
        throw new SyntaxError("unexpected end of JSON input");
      }
      return s.charAt(i);
    }

    void whitespace() {
      while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
    }

    String invalid(String context) {
      return "invalid character " + quoteChar(s.charAt(i)) + " " + context;
    }

    SyntaxError error(String context) {
      return new SyntaxError(invalid(context));
    }

    void value(String context) {
      whitespace();
      char c = peek();
      switch (c) {
        case '{' -> object();
        case '[' -> array();
        case '"' -> string();
        case 't' -> literal("true");
        case 'f' -> literal("false");
        case 'n' -> literal("null");
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) {
            number();
          } else {
            throw error(context);
          }
        }
      }
    }

    void object() {
      i++;
      whitespace();
      if (peek() == '}') {
        i++;
        return;
      }
      while (true) {
        whitespace();
        if (peek() != '"') {
          throw error("looking for beginning of object key string");
        }
        string();
        whitespace();
        if (peek() != ':') {
          throw error("after object key");
        }
        i++;
        value("looking for beginning of value");
        whitespace();
        char c = peek();
        if (c == '}') {
          i++;
          return;
        }
        if (c != ',') {
          throw error("after object key:value pair");
        }
        i++;
      }
    }

    void array() {
      i++;
      whitespace();
      if (peek() == ']') {
        i++;
        return;
      }
      while (true) {
        value("looking for beginning of value");
        whitespace();
        char c = peek();
        if (c == ']') {
          i++;
          return;
        }
        if (c != ',') {
          throw error("after array element");
        }
        i++;
      }
    }

    void string() {
      i++;
      while (true) {
        char c = peek();
        if (c == '"') {
          i++;
          return;
        }
        if (c < 0x20) {
          throw error("in string literal");
        }
        if (c == '\\') {
          i++;
          char e = peek();
          if (e == 'u') {
            i++;
            for (int k = 0; k < 4; k++) {
              char h = peek();
              if (Character.digit(h, 16) < 0) {
                throw error("in \\u hexadecimal character escape");
              }
              i++;
            }
            continue;
          }
          if ("\"\\/bfnrt".indexOf(e) < 0) {
            throw error("in string escape code");
          }
        }
        i++;
      }
    }

    void number() {
      if (peek() == '-') {
        i++;
        if (!Character.isDigit(peek())) {
          throw error("in numeric literal");
        }
      }
      if (peek() == '0') {
        i++;
      } else {
        digits();
      }
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        if (!Character.isDigit(peek())) {
          throw error("after decimal point in numeric literal");
        }
        digits();
      }
      if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
        i++;
        if (peek() == '+' || peek() == '-') {
          i++;
        }
        if (!Character.isDigit(peek())) {
          throw error("in exponent of numeric literal");
        }
        digits();
      }
    }

    private void digits() {
      while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
    }

    void literal(String word) {
      i++;
      for (int k = 1; k < word.length(); k++) {
        if (peek() != word.charAt(k)) {
          throw error("in literal " + word + " (expecting " + quoteChar(word.charAt(k)) + ")");
        }
        i++;
      }
    }
  }

  /** encoding/json's quoteChar. */
  static String quoteChar(char c) {
    if (c == '\'') {
      return "'\\''";
    }
    if (c == '"') {
      return "'\"'";
    }
    return switch (c) {
      case '\n' -> "'\\n'";
      case '\r' -> "'\\r'";
      case '\t' -> "'\\t'";
      default -> c < 0x20 || c == 0x7f ? String.format("'\\x%02x'", (int) c) : "'" + c + "'";
    };
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}

package dev.astravault.test.internal;

/**
 * HTTP/1.1 status lines as Go's net/http writes them (Astra and Vault are Go services): the standard reason phrase of
 * {@code http.StatusText}, or {@code "status code N"} for a code Go does not name (such as Vault's 472 and 473).
 * MockWebServer's own phrases ("Client Error", "Server Error") would leak into clients that quote the status line.
 */
public final class StatusLine {
  private StatusLine() {}

  /** The full status line, e.g. {@code HTTP/1.1 404 Not Found}. */
  public static String of(int code) {
    String reason = reason(code);
    return "HTTP/1.1 " + code + " " + (reason.isEmpty() ? "status code " + code : reason);
  }

  /** Go's {@code http.StatusText(code)}: the standard reason phrase, or "" if Go has none. */
  public static String reason(int code) {
    return switch (code) {
      case 100 -> "Continue";
      case 101 -> "Switching Protocols";
      case 200 -> "OK";
      case 201 -> "Created";
      case 202 -> "Accepted";
      case 203 -> "Non-Authoritative Information";
      case 204 -> "No Content";
      case 205 -> "Reset Content";
      case 206 -> "Partial Content";
      case 300 -> "Multiple Choices";
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 303 -> "See Other";
      case 304 -> "Not Modified";
      case 307 -> "Temporary Redirect";
      case 308 -> "Permanent Redirect";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 402 -> "Payment Required";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 407 -> "Proxy Authentication Required";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 411 -> "Length Required";
      case 412 -> "Precondition Failed";
      case 413 -> "Request Entity Too Large";
      case 414 -> "Request URI Too Long";
      case 415 -> "Unsupported Media Type";
      case 416 -> "Requested Range Not Satisfiable";
      case 417 -> "Expectation Failed";
      case 418 -> "I'm a teapot";
      case 421 -> "Misdirected Request";
      case 422 -> "Unprocessable Entity";
      case 423 -> "Locked";
      case 424 -> "Failed Dependency";
      case 425 -> "Too Early";
      case 426 -> "Upgrade Required";
      case 428 -> "Precondition Required";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 451 -> "Unavailable For Legal Reasons";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      case 505 -> "HTTP Version Not Supported";
      case 506 -> "Variant Also Negotiates";
      case 507 -> "Insufficient Storage";
      case 508 -> "Loop Detected";
      case 510 -> "Not Extended";
      case 511 -> "Network Authentication Required";
      default -> "";
    };
  }
}

package dev.astravault.internal.store;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * A PostgreSQL JDBC URL split into the URL the driver and the pool are given and the credentials written in it: the
 * user and password of its user info ({@code jdbc:postgresql://app:pw@db/x}, which pgjdbc would take for a host and
 * port) and its {@code user}, {@code password} and {@code sslpassword} parameters. Those go to the driver as
 * connection properties instead, because pgjdbc logs a URL it finds malformed at WARNING (java.util.logging) and
 * HikariCP's DEBUG dump of its configuration masks password parameters only: neither is reached by the library's
 * redactor. The {@code user} parameter goes too because pgjdbc lets a URL parameter override the {@code user}
 * property ({@code Driver.parseURL}: URL values first, the last of repeated ones winning), so that a URL naming
 * another user than {@code credentials(..)} would log in as the URL's: the user is decided here, once.
 *
 * <p>Parameters are decoded as pgjdbc decodes them ({@link URLDecoder}, so {@code +} is a space); user info as
 * libpq and RFC 3986 do (percent-decoding only, {@code +} stays). Every other parameter is kept, in order and as
 * written. A URL of any other driver (SQLite's included) is kept as given. No message here quotes a value.
 */
public final class JdbcUrlCredentials {
  private static final String PREFIX = "jdbc:postgresql:";
  /** The secret parameters moved to properties; pgjdbc reads both as properties too, and matches names exactly. */
  private static final List<String> MOVED = List.of("password", "sslpassword");
  private static final String USER_INFO = "user info";
  private static final String USER_PARAMETER = "user parameter";

  private final String url;
  private final @Nullable String user;
  /** Where {@link #user} came from, for messages: "user info" or "user parameter". */
  private final String userSource;
  private final @Nullable String password;
  private final @Nullable String sslPassword;

  private JdbcUrlCredentials(String url, @Nullable String user, String userSource, @Nullable String password,
      @Nullable String sslPassword) {
    this.url = url;
    this.user = user;
    this.userSource = userSource;
    this.password = password;
    this.sslPassword = sslPassword;
  }

  /**
   * Splits {@code jdbcUrl}; a URL that is not {@code jdbc:postgresql:} is kept whole, with no credentials.
   *
   * @throws IllegalArgumentException if the URL gives a password twice, the user twice (user info and a {@code user}
   *     parameter, or repeated {@code user} parameters, even equal), an empty {@code user} parameter, a secret
   *     parameter in another case than pgjdbc reads, or a credential that is not valid percent-encoding
   */
  public static JdbcUrlCredentials split(String jdbcUrl) {
    if (!jdbcUrl.startsWith(PREFIX)) {
      return new JdbcUrlCredentials(jdbcUrl, null, USER_INFO, null, null);
    }
    int query = jdbcUrl.indexOf('?');
    String server = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
    String user = null;
    String password = null;
    int at = userInfoEnd(server);
    if (at >= 0) {
      int start = PREFIX.length() + 2;
      String info = server.substring(start, at);
      int colon = info.indexOf(':');
      user = colon < 0 ? info : info.substring(0, colon);
      user = user.isEmpty() ? null : percentDecode(user, "user info's user");
      password = colon < 0 ? null : percentDecode(info.substring(colon + 1), "user info's password");
      server = server.substring(0, start) + server.substring(at + 1);
    }
    if (query < 0) {
      return new JdbcUrlCredentials(server, user, USER_INFO, password, null);
    }
    List<String> kept = new ArrayList<>();
    String sslPassword = null;
    String paramUser = null;
    for (String token : jdbcUrl.substring(query + 1).split("&", -1)) {
      int eq = token.indexOf('=');
      String name = eq < 0 ? token : token.substring(0, eq);
      String value = eq < 0 ? "" : token.substring(eq + 1);
      if (name.equals("user")) {
        if (paramUser != null) {
          // pgjdbc would take the last one: which was meant is not guessed.
          throw new IllegalArgumentException("jdbcUrl has more than one user parameter; give the user once");
        }
        paramUser = formDecode(value, "user parameter");
        if (paramUser.isEmpty()) {
          // pgjdbc would log in as the empty user, whatever credentials(..) says.
          throw new IllegalArgumentException("jdbcUrl has an empty user parameter; name the user or remove it");
        }
      } else if (name.equals("password")) {
        if (password != null) {
          throw new IllegalArgumentException("jdbcUrl gives the password more than once (in its user info or in "
              + "repeated password parameters); give it once, best with credentials(user, password)");
        }
        password = formDecode(value, "password");
      } else if (name.equals("sslpassword")) {
        if (sslPassword != null) {
          throw new IllegalArgumentException("jdbcUrl gives the sslpassword more than once; give it once");
        }
        sslPassword = formDecode(value, "sslpassword");
      } else if (MOVED.contains(name.toLowerCase(Locale.ROOT))) {
        // pgjdbc would ignore it (names are case-sensitive) and HikariCP's dump would not mask it.
        throw new IllegalArgumentException("jdbcUrl has a parameter '" + name + "', which the PostgreSQL driver "
            + "does not read (parameter names are case-sensitive); write it '" + name.toLowerCase(Locale.ROOT)
            + "', or give the password with credentials(user, password)");
      } else {
        kept.add(token);
      }
    }
    if (user != null && paramUser != null) {
      throw new IllegalArgumentException("jdbcUrl names a user in its user info and in a user parameter; give the "
          + "user once");
    }
    String rebuilt = server;
    if (!kept.isEmpty()) {
      rebuilt = server + "?" + String.join("&", kept);
    } else if (password == null && sslPassword == null && paramUser == null && at < 0) {
      rebuilt = jdbcUrl;   // nothing moved: a URL ending in '?' stays as written
    }
    return paramUser != null
        ? new JdbcUrlCredentials(rebuilt, paramUser, USER_PARAMETER, password, sslPassword)
        : new JdbcUrlCredentials(rebuilt, user, USER_INFO, password, sslPassword);
  }

  /** {@return the URL for the driver and the pool: without user info, user, password or sslpassword} */
  public String url() {
    return url;
  }

  /** {@return the user the URL names (its user info or its {@code user} parameter), if any} */
  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  /** {@return whether the URL gave a password (its user info or a {@code password} parameter)} */
  public boolean hasPassword() {
    return password != null;
  }

  /**
   * Refuses credentials from the builder that clash with the URL's: a password given both ways, or two different
   * users (the same user both ways is fine).
   *
   * @param builderUser the user of {@code user(..)} or {@code credentials(..)}, if set
   * @param builderPassword the password of {@code credentials(..)}, if set
   * @throws IllegalArgumentException on a clash; the message names the options, never a value
   */
  public void checkAgainst(@Nullable String builderUser, @Nullable String builderPassword) {
    if (password != null && builderPassword != null) {
      throw new IllegalArgumentException("jdbcUrl carries a password and credentials(user, password) gives one "
          + "too; give it once: take it out of the URL, or call user(..) instead of credentials(..)");
    }
    if (user != null && builderUser != null && !user.equals(builderUser)) {
      throw new IllegalArgumentException("jdbcUrl's " + userSource + " names a different user from user(..) or "
          + "credentials(..); give the user once");
    }
  }

  /**
   * {@return a copy of {@code properties} with this URL's user, password and sslpassword added} Call
   * {@link #checkAgainst} first.
   */
  public Properties withCredentials(Properties properties) {
    Properties all = new Properties();
    all.putAll(properties);
    if (user != null) {
      all.setProperty("user", user);
    }
    if (password != null) {
      all.setProperty("password", password);
    }
    if (sslPassword != null) {
      all.setProperty("sslpassword", sslPassword);
    }
    return all;
  }

  @Override
  public String toString() {
    // url() holds no credentials; whether there were some is all that shows of them.
    return "JdbcUrlCredentials[url=" + url + ", user=" + Objects.requireNonNullElse(user, "none") + ", password="
        + (password == null ? "none" : "██") + ", sslpassword=" + (sslPassword == null ? "none" : "██") + "]";
  }

  /**
   * The index of the {@code @} that ends the user info of a {@code jdbc:postgresql://} URL's part before {@code ?},
   * or -1: the last {@code @} before the last {@code /} (the one before the database name), so that an unencoded
   * {@code @} or {@code /} in the password still ends up out of the URL, while an {@code @} in the database name
   * is left alone. Without a {@code /} after the host (a URL pgjdbc rejects), the last {@code @} in the rest.
   */
  private static int userInfoEnd(String server) {
    int start = PREFIX.length();
    if (!server.startsWith("//", start)) {
      return -1;
    }
    int slash = server.lastIndexOf('/');
    int end = slash > start + 1 ? slash : server.length();
    int at = server.lastIndexOf('@', end - 1);
    return at > start + 1 ? at : -1;
  }

  /** RFC 3986 percent-decoding, as libpq reads user info: a {@code +} stays a {@code +}. */
  private static String percentDecode(String value, String what) {
    return formDecode(value.replace("+", "%2B"), what);
  }

  /** pgjdbc's decoding of a parameter's value ({@code URLCoder.decode}, UTF-8). */
  private static String formDecode(String value, String what) {
    try {
      return URLDecoder.decode(value, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // Not chained: URLDecoder's message quotes the value.
      throw new IllegalArgumentException("jdbcUrl: the " + what + " is not valid percent-encoding (write % as "
          + "%25)");
    }
  }
}

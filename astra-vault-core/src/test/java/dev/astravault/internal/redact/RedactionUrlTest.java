package dev.astravault.internal.redact;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.AstraVaultException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Passwords written into URLs (a JDBC URL a driver quotes in its failure, a store URL or an endpoint taken from
 * configuration): masked in the user info and in parameters, with the user and the host kept readable.
 */
class RedactionUrlTest {
  private static final String PASSWORD = "S3cret-pw_9";

  /** Each URL with {@link #PASSWORD} in it, and how it must read once scrubbed. */
  private static final Map<String, String> MASKED = Map.ofEntries(
      Map.entry("jdbc:postgresql://app:S3cret-pw_9@db:5432/x", "jdbc:postgresql://app:██@db:5432/x"),
      Map.entry("postgresql://app:S3cret-pw_9@db/x", "postgresql://app:██@db/x"),
      Map.entry("https://user:S3cret-pw_9@vault.example:8200", "https://user:██@vault.example:8200"),
      Map.entry("https://ops:S3cret-pw_9@gateway.example/astra", "https://ops:██@gateway.example/astra"),
      Map.entry("http://root:S3cret-pw_9@[::1]:8200/v1/sys/health", "http://root:██@[::1]:8200/v1/sys/health"),
      Map.entry("JDBC:POSTGRESQL://APP:S3cret-pw_9@DB/X", "JDBC:POSTGRESQL://APP:██@DB/X"),
      Map.entry("jdbc:mysql://:S3cret-pw_9@db/x", "jdbc:mysql://:██@db/x"),
      Map.entry("https://AstraCS:S3cret-pw_9@gateway.example", "https://AstraCS:██@gateway.example"),
      // A password holding / or @ unencoded, as people write them: masked whole.
      Map.entry("jdbc:postgresql://app:S3cret/pw_9@db/x", "jdbc:postgresql://app:██@db/x"),
      Map.entry("jdbc:postgresql://app:S3cret@pw_9@db/x", "jdbc:postgresql://app:██@db/x"),
      Map.entry("jdbc:oracle:thin:alice/S3cret-pw_9@//db.example:1521/av",
          "jdbc:oracle:thin:alice/██@//db.example:1521/av"),
      Map.entry("jdbc:oracle:thin:alice/S3cret@pw_9@db.example:1521:av",
          "jdbc:oracle:thin:alice/██@db.example:1521:av"),
      Map.entry("jdbc:postgresql://db/x?user=app&sslpassword=S3cret-pw_9",
          "jdbc:postgresql://db/x?user=app&sslpassword=██"),
      Map.entry("jdbc:postgresql://db/x?user=app&passwd=S3cret-pw_9&ssl=true",
          "jdbc:postgresql://db/x?user=app&passwd=██&ssl=true"),
      Map.entry("jdbc:sqlserver://db;user=app;PWD=S3cret-pw_9", "jdbc:sqlserver://db;user=app;PWD=██"),
      Map.entry("jdbc:sqlserver://db;trustStorePassword=S3cret-pw_9", "jdbc:sqlserver://db;trustStorePassword=██"),
      // In a sentence, in quotes, in JSON beside an address: only the password goes.
      Map.entry("Connection to jdbc:postgresql://app:S3cret-pw_9@db:5432/x refused.",
          "Connection to jdbc:postgresql://app:██@db:5432/x refused."),
      Map.entry("url 'https://user:S3cret-pw_9@vault.example:8200' (owner ops@example.com)",
          "url 'https://user:██@vault.example:8200' (owner ops@example.com)"),
      Map.entry("{\"url\":\"postgresql://app:S3cret-pw_9@db\",\"owner\":\"ops@example.com\"}",
          "{\"url\":\"postgresql://app:██@db\",\"owner\":\"ops@example.com\"}"),
      Map.entry("postgresql://app:S3cret-pw_9@db/x mailed to ops@example.com",
          "postgresql://app:██@db/x mailed to ops@example.com"),
      // A password holding both @ and /: masked to the last @ before a space, quote, ? or #, as the password
      // cannot be told from a path structurally.
      Map.entry("postgresql://app:S3c@ret/pw_9@db:5432/x", "postgresql://app:██@db:5432/x"),
      Map.entry("Connection to 'postgresql://app:S3c@ret/pw_9@db/x' refused (ops@example.com)",
          "Connection to 'postgresql://app:██@db/x' refused (ops@example.com)"),
      Map.entry("jdbc:oracle:thin:alice/S3c@ret/pw_9@db.example:1521/av",
          "jdbc:oracle:thin:alice/██@db.example:1521/av"),
      Map.entry("https://user:S3c@ret/pw_9@vault.example:8200/v1/x?owner=a@b",
          "https://user:██@vault.example:8200/v1/x?owner=a@b"),
      // ... so a path holding an @ after a password is masked with it: the price of the rule above. It was
      // "https://ops:██@gateway.example/v1/identity/name/alice@corp" (and //app:██@db/to/a@b) before.
      Map.entry("https://ops:S3cret-pw_9@gateway.example/v1/identity/name/alice@corp", "https://ops:██@corp"),
      Map.entry("//app:S3cret-pw_9@db/to/a@b", "//app:██@b"));

  /**
   * User info as PostgreSQL's driver quotes it: the host it could not resolve, without the {@code //}. A password
   * holding {@code /} never reaches it (the driver refuses the URL, quoting it whole); percent-encoded, it does.
   */
  private static final Map<String, String> BARE = Map.of(
      "Caused by: java.net.UnknownHostException: alice:S3cret-pw_9@127.0.0.1",
      "Caused by: java.net.UnknownHostException: alice:██@127.0.0.1",
      "java.net.UnknownHostException: alice:S3cret%2Fpw_9@db.invalid",
      "java.net.UnknownHostException: alice:██@db.invalid",
      "Unable to parse URL jdbc:postgresql://alice:S3cret/pw_9@db.invalid:5432/x",
      "Unable to parse URL jdbc:postgresql://alice:██@db.invalid:5432/x",
      "Connection to alice:S3cret@pw_9@db.example:5432 refused.", "Connection to alice:██@db.example:5432 refused.",
      "(app:S3cret-pw_9@db)", "(app:██@db)");

  @Test
  void aPasswordInAUrlIsMaskedAndTheUserAndHostAreKept() {
    Map<String, String> all = new java.util.HashMap<>(MASKED);
    all.putAll(BARE);
    all.forEach((url, expected) -> {
      assertThat(Redaction.scrub(url)).as(url).isEqualTo(expected);
      assertThat(Redaction.scrub(expected)).as(expected).isEqualTo(expected);
      assertThat(Redaction.looksSecret(url)).as(url).isTrue();
    });
  }

  @Test
  void addressesThatHoldNoPasswordAreLeftAlone() {
    for (String text : List.of("jdbc:postgresql://app@db:5432/x", "https://vault.example:8200/v1/sys/health",
        "ops@example.com", "team-orders@example.com: denied", "git@github.com:org/repo.git",
        "ssh://git@github.com:22/org/repo", "https://[::1]:8200/v1/sys/health", "[::1]:8200", "http://[fe80::1]:8200",
        "https://vault:8200 (ask ops@example.com)", "https://vault:8200/v1/x?owner=a@b", "db:5432, user app@corp",
        "jdbc:sqlite:/var/lib/a:b@c.db", "jdbc:sqlite:file://localhost/srv/a:b@c.db",
        "jdbc:postgresql://db/x?user=alice@corp", "jdbc:postgresql://db/x?passwordless=true",
        "astra/creds/reader/AbCdEfGhIjKlMnOpQrStUvWx", "astra/6f1c0e7a-0f4e-4d1b-9a3e-2b7f6c1d9e00/reader/"
            + "AbCdEfGhIjKlMnOpQrStUvWx", "token AstraCS:██ for https://vault:8200/v1/astra/creds/reader",
        "AstraCS:██", "mailto:ops@example.com", "sip:alice@pbx.example", "12345@host (pid 12345)",
        "java.net.UnknownHostException: db.example", "jdbc:sqlite:/srv/a:b@c.db",
        // A word:path@host is not a password (see operations.md): package URLs, image references, paths.
        "pkg:maven/org.slf4j/slf4j-api@2.0.9", "pkg:npm/%40angular/core@16.2.0", "path:a/b@c", "time:10/12@host",
        "image:library/nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31")) {
      assertThat(Redaction.scrub(text)).as(text).isEqualTo(text);
      assertThat(Redaction.looksSecret(text)).as(text).isFalse();
    }
  }

  /**
   * A URL password is masked to the last {@code @} of its run, which can fall inside a later secret (a parameter
   * value holding an {@code @}): that secret is masked whole with it, its end not shown as the password's host. The
   * redactor before the URL passwords ran to the last {@code @} masked these; the first version after did not
   * ({@code jdbc:postgresql://app:██@ret-pw_9}).
   */
  @Test
  void aSecretThatAUrlPasswordsMaskRunsIntoIsMaskedWhole() {
    for (String text : List.of("jdbc:postgresql://app:Pw1x@db/x;sslpassword=S3c@ret-pw_9",
        "jdbc:oracle:thin:app/Pw1x@db:1521/x;passwd=S3c@ret-pw_9&ssl=true",
        "store jdbc:h2:tcp://app:Pw1x@db/x;PASSWORD=S3c@ret-pw_9 refused",
        "jdbc:postgresql://app:Pw1x@db/x&password=S3c@ret-pw_9,jdbc:postgresql://ops:Pw2y@db2/y")) {
      String scrubbed = Redaction.scrub(text);
      String user = "app" + text.charAt(text.indexOf("Pw1x") - 1);
      assertThat(scrubbed).as(text).doesNotContain("S3c").doesNotContain("ret").doesNotContain("pw_9")
          .doesNotContain("Pw1x").doesNotContain("Pw2y").contains(user + "██");
      assertThat(Redaction.scrub(scrubbed)).as(text).isEqualTo(scrubbed);
      assertThat(Redaction.scrubByRegex(text)).as(text).isEqualTo(scrubbed);
    }
  }

  /** The CLI refuses a store URL by {@link Redaction#holdsUrlPassword}: whatever it refuses, scrub masks. */
  @Test
  void everyUrlTheCliRefusesHasItsPasswordMasked() {
    for (String url : MASKED.keySet()) {
      assertThat(Redaction.holdsUrlPassword(url)).as(url).isTrue();
    }
    for (String url : List.of("jdbc:sqlite:/srv/x.db?password=S3cret-pw_9", "jdbc:h2:mem:x;PASSWORD=S3cret-pw_9",
        "jdbc:mysql://db/x?trustCertificateKeyStorePassword=S3cret-pw_9",
        "jdbc:db2://db:50000/x:user=app;pwd=S3cret-pw_9;")) {
      assertThat(Redaction.holdsUrlPassword(url)).as(url).isTrue();
      assertThat(Redaction.scrub(url)).as(url).doesNotContain("S3cret").doesNotContain("pw_9").contains("██");
    }
    for (String url : List.of("jdbc:postgresql://app@db:5432/x", "jdbc:sqlite:/var/lib/a:b@c.db",
        "jdbc:sqlite:file://localhost/srv/a:b@c.db", "jdbc:postgresql://db/x?passwordless=true")) {
      assertThat(Redaction.holdsUrlPassword(url)).as(url).isFalse();
    }
  }

  /**
   * A password value in quotes or braces, as connection strings write one holding {@code ;} (SQL Server's driver:
   * {@code password={a;b}}), also escaped inside a JSON string: masked to its closing quote or brace, or to the end of
   * the line. Before, a quoted value showed whole and a braced one from its first {@code ;} on. Found by fuzzing.
   * The quotes and braces stay around the mask, as every keyed value's do.
   */
  @Test
  void aQuotedOrBracedPasswordValueIsMaskedWhole() {
    RedactionPercentTest.assertMasked(Map.of(
        "jdbc:sqlserver://db;user=app;password={S3cret;pw_9};encrypt=true",
        "jdbc:sqlserver://db;user=app;password={██};encrypt=true",
        "Server=db;Password=\"S3cret;pw_9\";Database=x", "Server=db;Password=\"██\";Database=x",
        "dsn=db password='S3cret pw_9' sslmode=require", "dsn=db password='██' sslmode=require",
        "{\"url\":\"jdbc:x;password=\\\"S3cret-pw_9\\\"\",\"user\":\"app\"}",
        "{\"url\":\"jdbc:x;password=\\\"██\\\"\",\"user\":\"app\"}",
        "jdbc:sqlserver://db;password={S3cret;pw_9", "jdbc:sqlserver://db;password={██"));
  }

  /**
   * A Vault token right after an encoded character ({@code %20hvs.…}, {@code %253Ahvs.…}, as in a header or URL
   * carried encoded): found, where the word boundary the pattern asked for is not there. Found by fuzzing.
   */
  @Test
  void aVaultTokenAfterAnEncodedCharacterIsMasked() {
    String vault = RedactionTest.VAULT;
    RedactionPercentTest.assertMasked(Map.of(
        "Authorization%3A%20Bearer%20" + vault, "Authorization%3A%20Bearer%20hvs.██",
        "next=https%253A%252F%252Fu%253A" + vault + "%2540h", "next=https%253A%252F%252Fu%253Ahvs.██%2540h",
        "q=%22" + vault + "%22", "q=%22hvs.██%22"));
  }

  /**
   * A URL carried in another's parameter, encoded once, twice or three times: the CLI's test finds its password
   * parameter as the redactor does ({@code password%3D██}, {@code password%253D██}). Before, it found none of these.
   */
  @Test
  void theCliTestFindsAnEncodedPasswordParameterTheRedactorMasks() {
    for (String url : List.of("jdbc:postgresql://db/x?options=%26password%3DS3cret-pw_9",
        "jdbc:sqlite:/srv/x.db?next=%2Fdb%3Fuser%3Dapp%26password%3DS3cret-pw_9",
        "jdbc:sqlite:/srv/x.db?next=%252Fdb%253Fuser%253Dapp%2526password%253DS3cret-pw_9",
        "jdbc:sqlite:/srv/x.db?next=%25252Fdb%25253Fuser%25253Dapp%252526sslPassword%25253DS3cret-pw_9",
        "jdbc:sqlserver://db%3Buser%3Dapp%3BPWD%3dS3cret-pw_9", "jdbc:h2:mem:x?password%3DS3cret-pw_9",
        "jdbc:h2:mem:x;passwd%253DS3cret-pw_9")) {
      assertThat(Redaction.holdsUrlPassword(url)).as(url).isTrue();
      assertThat(Redaction.scrub(url)).as(url).doesNotContain("S3cret").doesNotContain("pw_9").contains("██");
    }
    for (String url : List.of("jdbc:postgresql://db/x?next=%2Fdb%3Fpasswordless%3Dtrue",
        "jdbc:postgresql://db/x?note=password%20reset", "jdbc:sqlite:/srv/x.db?q=%252526user%25253Dapp")) {
      assertThat(Redaction.holdsUrlPassword(url)).as(url).isFalse();
    }
  }

  /**
   * {@link Redaction#holdsUrlPassword} is a loop now, as the pattern it was scanned to the end of a word from every
   * user: the pattern stays here as its definition, and random texts built from its pieces get the same answer.
   */
  @Test
  void theCliTestForAUrlPasswordAnswersAsItsPatternDid() {
    Pattern definition = Pattern.compile("//[^/?#@:\\s]*:[^?#@\\s]*@|:(?i:thin):[^/@:\\s]+/[^@\\s]+@"
        + "|(?:[?&;]|%(?:25){0,2}(?:3[Ff]|26|3[Bb]))[A-Za-z0-9_.-]*(?i:password|passwd|pwd)(?:=|%(?:25){0,2}3[Dd])");
    String[] pieces = {"//", "/", ":", "@", "a", "Z", "thin", "THIN", "tHiN", ":thin:", "?", "&", ";", "#", " ",
        "\t", "password=", "PWD=", "passwd", "pwd", "word=", "=", "x.y-z_", "jdbc:postgresql:", "app", "db", "\"",
        "jdbc:oracle:thin:alice/", "//app:", "pw", "ssl", ",", "%40", "%", "%3D", "%3d", "%253D", "%25253d",
        "%2525253D", "%26", "%2526", "%252526", "%25252526", "%3F", "%3f", "%253B", "%3b", "%25", "25", "3D", "26",
        "password%3D", "%26pwd%253D", "%3Fpasswd"};
    Random random = new Random(42);
    int holding = 0;
    for (int n = 0; n < 50_000; n++) {
      StringBuilder text = new StringBuilder();
      for (int parts = 1 + random.nextInt(10); parts > 0; parts--) {
        text.append(pieces[random.nextInt(pieces.length)]);
      }
      String t = text.toString();
      boolean holds = definition.matcher(t).find();
      assertThat(Redaction.holdsUrlPassword(t)).as(t).isEqualTo(holds);
      holding += holds ? 1 : 0;
    }
    assertThat(holding).as("texts holding a password").isBetween(2_000, 48_000);
  }

  @Test
  void aUrlPasswordInAnExceptionMessageOrItsCauseChainIsMasked() {
    String url = "jdbc:postgresql://app:" + PASSWORD + "@db:5432/x";
    AstraVaultException e = new AstraVaultException("cannot open the store " + url,
        new IllegalStateException("pool failed", new SQLException("Connection to " + url + " refused.",
            new IOException("https://ops:" + PASSWORD + "@gateway.example/astra unreachable"))));
    assertThat(e.getMessage()).isEqualTo("cannot open the store jdbc:postgresql://app:██@db:5432/x");
    Throwable cause = e.getCause();
    assertThat(cause).isInstanceOf(RedactedException.class).hasMessage("pool failed");
    assertThat(cause.getCause()).isInstanceOf(RedactedException.class)
        .hasMessage("Connection to jdbc:postgresql://app:██@db:5432/x refused.");
    assertThat(((RedactedException) cause.getCause()).originalType()).isEqualTo(SQLException.class.getName());
    assertThat(cause.getCause().getCause()).hasMessage("https://ops:██@gateway.example/astra unreachable");
  }

  @Test
  void aUrlPasswordInALogLineIsMasked() {
    Logger logback = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("redaction.url.test");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logback.addAppender(appender);
    logback.setLevel(Level.TRACE);
    try {
      org.slf4j.Logger log = Redaction.logger("redaction.url.test");
      log.info("store {} at {}", "jdbc:postgresql://app:" + PASSWORD + "@db/x", "https://user:" + PASSWORD
          + "@vault.example:8200");
      log.warn("retrying jdbc:oracle:thin:alice/" + PASSWORD + "@//db:1521/av",
          new SQLException("jdbc:postgresql://db/x?user=app&sslpassword=" + PASSWORD));
      assertThat(appender.list).hasSize(2);
      assertThat(appender.list.get(0).getFormattedMessage())
          .isEqualTo("store jdbc:postgresql://app:██@db/x at https://user:██@vault.example:8200");
      assertThat(appender.list.get(1).getFormattedMessage())
          .isEqualTo("retrying jdbc:oracle:thin:alice/██@//db:1521/av");
      assertThat(appender.list.get(1).getThrowableProxy().getMessage())
          .isEqualTo("jdbc:postgresql://db/x?user=app&sslpassword=██");
    } finally {
      logback.detachAppender(appender);
    }
  }
}

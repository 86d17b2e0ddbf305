package dev.astravault.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Credentials taken out of a PostgreSQL JDBC URL; every other part of it kept as written. */
class JdbcUrlCredentialsTest {
  private static final String SECRET = "Zq7xK";

  private static Properties props(JdbcUrlCredentials c) {
    return c.withCredentials(new Properties());
  }

  @Test
  void aPasswordParameterBecomesAPropertyAndTheOtherParametersStayInOrder() {
    JdbcUrlCredentials c = JdbcUrlCredentials.split("jdbc:postgresql://db:5432/x?ssl=true&password=" + SECRET
        + "&sslmode=require&ApplicationName=a%20b+c&&flag");
    assertThat(c.url()).isEqualTo("jdbc:postgresql://db:5432/x?ssl=true&sslmode=require&ApplicationName=a%20b+c&&flag");
    assertThat(props(c)).containsOnlyKeys("password").containsEntry("password", SECRET);
    assertThat(c.hasPassword()).isTrue();
    assertThat(JdbcUrlCredentials.split("jdbc:postgresql:x?password=" + SECRET).url())
        .isEqualTo("jdbc:postgresql:x");
  }

  @Test
  void parametersAreDecodedAsPgjdbcDecodesThem() {
    JdbcUrlCredentials c = JdbcUrlCredentials.split("jdbc:postgresql://db/x?password=a+b%2B%25%C3%A9&sslpassword="
        + SECRET + "%26");
    assertThat(c.url()).isEqualTo("jdbc:postgresql://db/x");
    assertThat(props(c)).containsEntry("password", "a b+%\u00e9").containsEntry("sslpassword", SECRET + "&");
    assertThat(JdbcUrlCredentials.split("jdbc:postgresql://db/x?password").url()).isEqualTo("jdbc:postgresql://db/x");
    assertThat(props(JdbcUrlCredentials.split("jdbc:postgresql://db/x?password"))).containsEntry("password", "");
  }

  @Test
  void userInfoBecomesUserAndPasswordPercentDecodedWithAPlusKept() {
    JdbcUrlCredentials c = JdbcUrlCredentials.split("jdbc:postgresql://app%2Dx:p%40ss%2Fw+rd%3A" + SECRET
        + "@db1:5432,db2:5433/x?ssl=true");
    assertThat(c.url()).isEqualTo("jdbc:postgresql://db1:5432,db2:5433/x?ssl=true");
    assertThat(props(c)).containsEntry("user", "app-x").containsEntry("password", "p@ss/w+rd:" + SECRET);
  }

  @Test
  void anUnencodedAtOrSlashInTheUserInfosPasswordStillLeavesTheUrl() {
    JdbcUrlCredentials c = JdbcUrlCredentials.split("jdbc:postgresql://app:p@s/s:" + SECRET + "@db/n@me");
    assertThat(c.url()).isEqualTo("jdbc:postgresql://db/n@me");
    assertThat(props(c)).containsEntry("user", "app").containsEntry("password", "p@s/s:" + SECRET);
    // No '/' after the host, which pgjdbc refuses (and logs): the user info leaves anyway.
    assertThat(JdbcUrlCredentials.split("jdbc:postgresql://app:" + SECRET + "@db").url())
        .isEqualTo("jdbc:postgresql://db");
  }

  @Test
  void aUserWithoutPasswordInUserInfoIsTakenOutToo() {
    JdbcUrlCredentials c = JdbcUrlCredentials.split("jdbc:postgresql://app@db/x");
    assertThat(c.url()).isEqualTo("jdbc:postgresql://db/x");
    assertThat(props(c)).containsOnlyKeys("user").containsEntry("user", "app");
    assertThat(c.hasPassword()).isFalse();
  }

  @Test
  void urlsWithoutCredentialsAndOtherDriversUrlsAreKeptAsWritten() {
    for (String url : new String[] {"jdbc:postgresql://db/x?", "jdbc:postgresql://db/x?sslmode=require&User=app",
        "jdbc:postgresql://db/n@me", "jdbc:postgresql:x", "jdbc:sqlite:/tmp/x.db?password=" + SECRET,
        "jdbc:sqlite:/var/a:b@c.db", "jdbc:mysql://app:" + SECRET + "@db/x", "JDBC:POSTGRESQL://app:pw@db/x"}) {
      JdbcUrlCredentials c = JdbcUrlCredentials.split(url);
      assertThat(c.url()).isEqualTo(url);
      assertThat(props(c)).isEmpty();
    }
  }

  @Test
  void aPasswordGivenTwiceInTheUrlIsRefusedWithoutQuotingIt() {
    for (String url : new String[] {"jdbc:postgresql://db/x?password=a" + SECRET + "&password=b" + SECRET,
        "jdbc:postgresql://app:a" + SECRET + "@db/x?password=b" + SECRET,
        "jdbc:postgresql://db/x?sslpassword=a" + SECRET + "&sslpassword=b" + SECRET}) {
      assertThatThrownBy(() -> JdbcUrlCredentials.split(url)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("more than once").hasMessageNotContaining(SECRET).hasNoCause();
    }
  }

  @Test
  void aSecretParameterPgjdbcWouldNotReadIsRefused() {
    assertThatThrownBy(() -> JdbcUrlCredentials.split("jdbc:postgresql://db/x?PassWord=" + SECRET))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'PassWord'")
        .hasMessageContaining("'password'").hasMessageNotContaining(SECRET);
  }

  @Test
  void invalidPercentEncodingIsRefusedWithoutTheDecodersMessage() {
    for (String url : new String[] {"jdbc:postgresql://db/x?password=" + SECRET + "%zz",
        "jdbc:postgresql://app:" + SECRET + "%4@db/x"}) {
      assertThatThrownBy(() -> JdbcUrlCredentials.split(url)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not valid percent-encoding").hasMessageNotContaining(SECRET).hasNoCause();
    }
  }

  @Test
  void aUserGivenInUserInfoAndAsAParameterIsRefused() {
    for (String url : new String[] {"jdbc:postgresql://app@db/x?user=other", "jdbc:postgresql://app@db/x?user=app",
        "jdbc:postgresql://app:" + SECRET + "@db/x?user=other"}) {
      assertThatThrownBy(() -> JdbcUrlCredentials.split(url)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("user info and in a user parameter").hasMessageContaining("give the user once")
          .hasMessageNotContaining(SECRET).hasMessageNotContaining("other");
    }
  }

  /** pgjdbc lets a URL's user parameter override the user property: the user is taken out and decided here. */
  @Test
  void aUserParameterBecomesThePropertyAndTheOtherParametersStayInOrder() {
    JdbcUrlCredentials c = JdbcUrlCredentials.split("jdbc:postgresql://db/x?ssl=true&user=al%2Bi+ce&password="
        + SECRET + "&ApplicationName=a+b");
    assertThat(c.url()).isEqualTo("jdbc:postgresql://db/x?ssl=true&ApplicationName=a+b");
    assertThat(props(c)).containsOnlyKeys("user", "password").containsEntry("user", "al+i ce");
    assertThat(c.user()).contains("al+i ce");
    JdbcUrlCredentials alone = JdbcUrlCredentials.split("jdbc:postgresql://db/x?user=app");
    assertThat(alone.url()).isEqualTo("jdbc:postgresql://db/x");
    assertThat(props(alone)).containsOnlyKeys("user").containsEntry("user", "app");
    assertThat(alone.hasPassword()).isFalse();
    assertThat(JdbcUrlCredentials.split("jdbc:postgresql://db/x?sslmode=require").user()).isEmpty();
  }

  @Test
  void theUrlsUserParameterDecidesOnlyWhenTheBuilderNamesTheSameUserOrNone() {
    JdbcUrlCredentials c = JdbcUrlCredentials.split("jdbc:postgresql://db/x?user=alice&password=" + SECRET);
    c.checkAgainst("alice", null);
    c.checkAgainst(null, null);
    Properties same = new Properties();
    same.setProperty("user", "alice");
    assertThat(c.withCredentials(same)).containsEntry("user", "alice");
    for (String builderUser : new String[] {"bob", "Alice", "alice "}) {
      assertThatThrownBy(() -> c.checkAgainst(builderUser, null)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("jdbcUrl's user parameter names a different user from user(..) or credentials(..); give the "
              + "user once");
    }
    JdbcUrlCredentials userOnly = JdbcUrlCredentials.split("jdbc:postgresql://db/x?user=alice");
    assertThatThrownBy(() -> userOnly.checkAgainst("bob", "pw-" + SECRET))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user parameter")
        .hasMessageNotContaining(SECRET).hasMessageNotContaining("alice").hasMessageNotContaining("bob");
    userOnly.checkAgainst("alice", "pw-" + SECRET);
  }

  @Test
  void repeatedOrEmptyUserParametersAreRefused() {
    for (String url : new String[] {"jdbc:postgresql://db/x?user=alice&user=bob",
        "jdbc:postgresql://db/x?user=alice&sslmode=require&user=alice"}) {
      assertThatThrownBy(() -> JdbcUrlCredentials.split(url)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("jdbcUrl has more than one user parameter; give the user once");
    }
    for (String url : new String[] {"jdbc:postgresql://db/x?user=", "jdbc:postgresql://db/x?ssl=true&user"}) {
      assertThatThrownBy(() -> JdbcUrlCredentials.split(url)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("empty user parameter");
    }
    assertThatThrownBy(() -> JdbcUrlCredentials.split("jdbc:postgresql://db/x?user=al%zz"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user parameter is not valid");
  }

  @Test
  void credentialsFromTheBuilderMustNotClash() {
    JdbcUrlCredentials c = JdbcUrlCredentials.split("jdbc:postgresql://app:" + SECRET + "@db/x");
    assertThatThrownBy(() -> c.checkAgainst("app", "other")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("carries a password").hasMessageContaining("user(..) instead of credentials(..)")
        .hasMessageNotContaining(SECRET);
    assertThatThrownBy(() -> c.checkAgainst("bob", null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("different user");
    c.checkAgainst("app", null);
    c.checkAgainst(null, null);
    JdbcUrlCredentials passwordOnly = JdbcUrlCredentials.split("jdbc:postgresql://db/x?password=" + SECRET);
    passwordOnly.checkAgainst("bob", null);
    Properties given = new Properties();
    given.setProperty("user", "bob");
    assertThat(passwordOnly.withCredentials(given)).containsEntry("user", "bob").containsEntry("password", SECRET);
    assertThat(given).containsOnlyKeys("user");
  }

  @Test
  void toStringShowsNoSecret() {
    JdbcUrlCredentials c = JdbcUrlCredentials.split("jdbc:postgresql://app:a" + SECRET + "@db/x?sslpassword=b"
        + SECRET);
    assertThat(c.toString()).doesNotContain(SECRET).contains("jdbc:postgresql://db/x").contains("user=app");
  }
}

package dev.astravault.spring.autoconfigure;

import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.auth.AuthProvider;
import com.datastax.oss.driver.api.core.auth.PlainTextAuthProviderBase;
import com.datastax.oss.driver.api.core.session.ProgrammaticArguments;
import com.datastax.oss.driver.api.core.session.SessionBuilder;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/** Reads back what customizers put on a {@link CqlSessionBuilder}, without connecting. */
final class CqlProbe {
  private CqlProbe() {}

  static AuthProvider authProvider(CqlSessionBuilder builder) throws ReflectiveOperationException {
    Field f = SessionBuilder.class.getDeclaredField("programmaticArgumentsBuilder");
    f.setAccessible(true);
    return ((ProgrammaticArguments.Builder) f.get(builder)).build().getAuthProvider();
  }

  /** The password the provider would send on a new connection. */
  static String password(AuthProvider provider) throws ReflectiveOperationException {
    Method m = provider.getClass().getDeclaredMethod("getCredentials",
        com.datastax.oss.driver.api.core.metadata.EndPoint.class, String.class);
    m.setAccessible(true);
    PlainTextAuthProviderBase.Credentials c = (PlainTextAuthProviderBase.Credentials) m.invoke(provider, null,
        "org.apache.cassandra.auth.PasswordAuthenticator");
    return new String(c.getPassword());
  }

  static String username(AuthProvider provider) throws ReflectiveOperationException {
    Method m = provider.getClass().getDeclaredMethod("getCredentials",
        com.datastax.oss.driver.api.core.metadata.EndPoint.class, String.class);
    m.setAccessible(true);
    return new String(((PlainTextAuthProviderBase.Credentials) m.invoke(provider, null, "x")).getUsername());
  }
}

package dev.astravault.spring.autoconfigure.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;

/**
 * Implements Boot 3 interfaces whose packages are gone in Boot 4 (this jar is compiled against Boot 4): a JDK proxy
 * of the interface, looked up by name, so no Boot 3 type appears in a signature.
 */
public final class Boot3Support {
  public static final String HEALTH_INDICATOR = "org.springframework.boot.actuate.health.HealthIndicator";
  public static final String HEALTH = "org.springframework.boot.actuate.health.Health";
  public static final String CQL_CUSTOMIZER =
      "org.springframework.boot.autoconfigure.cassandra.CqlSessionBuilderCustomizer";

  private Boot3Support() {}

  public static Class<?> type(String name, @Nullable ClassLoader loader) {
    return ClassUtils.resolveClassName(name, loader);
  }

  /** A Boot 3 {@code HealthIndicator} whose {@code health()} reports {@code health}. */
  public static Object healthIndicator(Supplier<TokenHealth> health, @Nullable ClassLoader loader) {
    Class<?> type = type(HEALTH_INDICATOR, loader);
    Class<?> healthType = type(HEALTH, loader);
    return proxy(type, "health", args -> {
      TokenHealth h = health.get();
      Object builder = healthType.getMethod("status", String.class).invoke(null, h.status());
      builder = builder.getClass().getMethod("withDetails", Map.class).invoke(builder, h.details());
      return builder.getClass().getMethod("build").invoke(builder);
    });
  }

  /** A Boot 3 {@code CqlSessionBuilderCustomizer} that passes the builder to {@code customizer}. */
  public static Object cqlSessionBuilderCustomizer(Consumer<Object> customizer, @Nullable ClassLoader loader) {
    return proxy(type(CQL_CUSTOMIZER, loader), "customize", args -> {
      customizer.accept(args[0]);
      return null;
    });
  }

  @FunctionalInterface
  interface Body {
    @Nullable Object call(@Nullable Object[] args) throws Exception;
  }

  private static Object proxy(Class<?> type, String methodName, Body body) {
    InvocationHandler handler = new InvocationHandler() {
      @Override
      public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
        if (method.getName().equals(methodName) && !method.isDefault()) {
          try {
            return body.call(args == null ? new Object[0] : args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        }
        if (method.isDefault()) {
          return InvocationHandler.invokeDefault(proxy, method, args);
        }
        return switch (method.getName()) {
          case "toString" -> "astra-vault " + type.getSimpleName();
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> args != null && proxy == args[0];
          default -> throw new UnsupportedOperationException(method.toString());
        };
      }
    };
    return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
  }
}

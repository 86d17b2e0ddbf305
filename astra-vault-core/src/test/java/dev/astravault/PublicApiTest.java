package dev.astravault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API never hands out or asks for an internal type (style rule R1): every public or protected member of a
 * public type outside {@code dev.astravault.internal} speaks only public types. The few advanced hooks that do are
 * listed here, so that a new leak fails the build.
 */
class PublicApiTest {
  private static final Set<String> ALLOWED = Set.of(
      // Advanced: tune the internal DevOps client (retry policy, back-off sleeper) in tests and benchmarks.
      "dev.astravault.TokenManagerBuilder.astraClient",
      // Advanced: replace the token backend (benchmarks run against a backend without I/O).
      "dev.astravault.TokenManagerBuilder.backend");

  @Test
  void publicTypesSpeakOnlyPublicTypes() throws Exception {
    Set<String> leaks = new TreeSet<>();
    for (Class<?> type : publicApiClasses()) {
      for (Method m : type.getDeclaredMethods()) {
        if (exposed(m.getModifiers()) && !m.isSynthetic()) {
          check(type, m.getName(), m, m.getGenericReturnType(), leaks);
        }
      }
      for (Constructor<?> c : type.getDeclaredConstructors()) {
        if (exposed(c.getModifiers())) {
          check(type, "<init>", c, null, leaks);
        }
      }
      for (Field f : type.getDeclaredFields()) {
        if (exposed(f.getModifiers()) && isInternal(f.getGenericType())) {
          leaks.add(type.getName() + "." + f.getName());
        }
      }
      if (isInternal(type.getGenericSuperclass())) {
        leaks.add(type.getName() + " extends an internal type");
      }
      for (Type i : type.getGenericInterfaces()) {
        if (isInternal(i)) {
          leaks.add(type.getName() + " implements an internal type");
        }
      }
    }
    assertThat(leaks).as("public members that expose dev.astravault.internal types").isEmpty();
  }

  private static void check(Class<?> owner, String name, Executable member, Type returned, Set<String> leaks) {
    String key = owner.getName() + "." + name;
    if (ALLOWED.contains(key)) {
      return;
    }
    boolean leak = returned != null && isInternal(returned);
    for (Type p : member.getGenericParameterTypes()) {
      leak |= isInternal(p);
    }
    if (leak) {
      leaks.add(key);
    }
  }

  private static boolean exposed(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static boolean isInternal(Type type) {
    if (type == null) {
      return false;
    }
    if (type instanceof Class<?> c) {
      Class<?> base = c;
      while (base.isArray()) {
        base = base.getComponentType();
      }
      return base.getName().startsWith("dev.astravault.internal.");
    }
    if (type instanceof ParameterizedType p) {
      if (isInternal(p.getRawType())) {
        return true;
      }
      for (Type a : p.getActualTypeArguments()) {
        if (isInternal(a)) {
          return true;
        }
      }
      return false;
    }
    if (type instanceof WildcardType w) {
      return Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds()))
          .anyMatch(PublicApiTest::isInternal);
    }
    return false;
  }

  /** Every public class of the main output outside {@code internal}, nested public classes included. */
  private static List<Class<?>> publicApiClasses() throws IOException, URISyntaxException, ClassNotFoundException {
    Path root = Path.of(TokenManager.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root.resolve("dev/astravault"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
        if (name.startsWith("dev.astravault.internal.") || name.endsWith("package-info")) {
          continue;
        }
        Class<?> c = Class.forName(name, false, PublicApiTest.class.getClassLoader());
        if (isPublicAll(c)) {
          out.add(c);
        }
      }
    }
    assertThat(out).contains(TokenManager.class, LeaseStore.class);
    return out;
  }

  private static boolean isPublicAll(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
      if (!Modifier.isPublic(k.getModifiers())) {
        return false;
      }
    }
    return !c.isAnonymousClass() && !c.isSynthetic();
  }
}

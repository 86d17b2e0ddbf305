package dev.astravault.spring.autoconfigure.internal;

import dev.astravault.spring.autoconfigure.AstraVaultProperties;
import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;

/**
 * The names {@link AstraVaultProperties} binds, read from the class as Boot's binder reads a JavaBean (a setter, or a
 * getter of a nested bean, list or map), so that a property added there is known without a list to keep up to date.
 * Elements compare in Boot's uniform form (lower case, no dashes), as the binder does, so kebab-case and camelCase
 * forms of a name are the same name. A map (such as {@code token.metadata}) takes any key.
 */
final class PropertyNames {
  static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("astra.vault");
  static final PropertyNames ASTRA_VAULT = new PropertyNames(AstraVaultProperties.class);

  /** Remainders longer than this are cut before the edit distance, which costs their length squared. */
  private static final int MAX_COMPARED = 80;

  private enum Kind { BEAN, LIST, MAP, LEAF }

  /** A bean's children by uniform name, a list's element, or nothing. */
  private record Node(Kind kind, Map<String, Child> children, @Nullable Node element) {}

  private record Child(String dashed, Node node) {}

  private final Node root;

  private PropertyNames(Class<?> type) {
    this.root = bean(type);
  }

  private static Node bean(Class<?> type) {
    Map<String, Child> children = new LinkedHashMap<>();
    for (PropertyDescriptor d : BeanUtils.getPropertyDescriptors(type)) {
      Method getter = d.getReadMethod();
      Type t = getter != null ? getter.getGenericReturnType() : d.getWriteMethod() != null
          ? d.getWriteMethod().getGenericParameterTypes()[0] : null;
      if (t == null || d.getName().equals("class")) {
        continue;
      }
      Node node = node(t);
      // The binder sets a scalar through its setter; a bean, list or map it may fill through the getter.
      if (d.getWriteMethod() != null || node.kind() != Kind.LEAF) {
        children.put(d.getName().toLowerCase(Locale.ROOT), new Child(dashed(d.getName()), node));
      }
    }
    return new Node(Kind.BEAN, children, null);
  }

  private static Node node(Type t) {
    Class<?> raw = t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : t instanceof Class<?> c ? c
        : Object.class;
    if (Map.class.isAssignableFrom(raw)) {
      return new Node(Kind.MAP, Map.of(), null);
    }
    if (List.class.isAssignableFrom(raw) && t instanceof ParameterizedType p) {
      return new Node(Kind.LIST, Map.of(), node(p.getActualTypeArguments()[0]));
    }
    if (raw.getDeclaringClass() == AstraVaultProperties.class && !raw.isEnum()) {
      return bean(raw);
    }
    return new Node(Kind.LEAF, Map.of(), null);
  }

  private static String dashed(String camel) {
    StringBuilder s = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        s.append('-').append(Character.toLowerCase(c));
      } else {
        s.append(c);
      }
    }
    return s.toString();
  }

  /**
   * Whether {@code name}, below {@code astra.vault}, is one the binder binds. With {@code joined}, consecutive
   * elements may form one name, as they do in an environment variable ({@code ASTRA_VAULT_FAIL_FAST} reads as
   * {@code astra.vault.fail.fast} and binds {@code fail-fast}); elsewhere {@code astra.vault.fail.fast} binds nothing.
   */
  boolean isKnown(ConfigurationPropertyName name, boolean joined) {
    return known(root, name, PREFIX.getNumberOfElements(), joined);
  }

  private static boolean known(Node node, ConfigurationPropertyName name, int i, boolean joined) {
    if (i == name.getNumberOfElements()) {
      return node.kind() != Kind.BEAN;   // a bean named whole takes no value
    }
    switch (node.kind()) {
      case MAP:
        return true;
      case LIST:
        return isIndex(name, i) && known(node.element(), name, i + 1, joined);
      case BEAN:
        StringBuilder uniform = new StringBuilder();
        for (int j = i; j < (joined ? name.getNumberOfElements() : i + 1) && !name.isNumericIndex(j); j++) {
          Child child = node.children().get(uniform.append(name.getElement(j, Form.UNIFORM)).toString());
          if (child != null && known(child.node(), name, j + 1, joined)) {
            return true;
          }
        }
        return false;
      default:
        return false;
    }
  }

  private static boolean isIndex(ConfigurationPropertyName name, int i) {
    return name.isNumericIndex(i) || name.getElement(i, Form.UNIFORM).chars().allMatch(Character::isDigit);
  }

  /**
   * The valid name nearest to {@code name}, below {@code astra.vault}: the elements that match are kept, and what
   * follows is replaced by the name under them at the smallest edit distance.
   */
  String nearest(ConfigurationPropertyName name) {
    StringBuilder path = new StringBuilder(PREFIX.toString());
    Node node = root;
    int i = PREFIX.getNumberOfElements();
    while (i < name.getNumberOfElements()) {
      if (node.kind() == Kind.LIST && isIndex(name, i)) {
        path.append('[').append(name.getElement(i, Form.UNIFORM)).append(']');
        node = node.element();
        i++;
        continue;
      }
      if (node.kind() != Kind.BEAN) {
        return path.toString();
      }
      Child child = node.children().get(name.getElement(i, Form.UNIFORM));
      if (child == null) {
        break;
      }
      path.append('.').append(child.dashed());
      node = child.node();
      i++;
    }
    if (i == name.getNumberOfElements() || node.kind() != Kind.BEAN) {
      return path.toString();
    }
    StringBuilder rest = new StringBuilder();
    for (int j = i; j < name.getNumberOfElements(); j++) {
      rest.append(name.getElement(j, Form.UNIFORM).replaceAll("[^a-z0-9]", ""));
    }
    String wanted = rest.length() > MAX_COMPARED ? rest.substring(0, MAX_COMPARED) : rest.toString();
    String best = "";
    int bestDistance = Integer.MAX_VALUE;
    for (Map.Entry<String, String> candidate : leaves(node, "", "").entrySet()) {
      int d = distance(wanted, candidate.getKey());
      if (d < bestDistance) {
        best = candidate.getValue();
        bestDistance = d;
      }
    }
    return path + "." + best;
  }

  /** The names under a bean, uniform form to dashed form; lists and maps are not entered. */
  private static Map<String, String> leaves(Node bean, String uniform, String dashed) {
    Map<String, String> names = new LinkedHashMap<>();
    bean.children().forEach((key, child) -> {
      String u = uniform + key.replace("-", "");
      String d = dashed.isEmpty() ? child.dashed() : dashed + "." + child.dashed();
      if (child.node().kind() == Kind.BEAN) {
        names.putAll(leaves(child.node(), u, d));
      } else {
        names.put(u, d);
      }
    });
    return names;
  }

  /** Levenshtein distance, two rows. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}

package dev.astravault.cli;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Prints results on stdout as a table (Vault's {@code Key/Value} layout for one object, columns for a list) or as
 * JSON with camelCase keys. Views are insertion-ordered maps; absent values print as {@code -} in tables and
 * {@code null} in JSON.
 */
final class Output {
  /** {@code --format}. */
  enum Format {
    table, json
  }

  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class)
      .serializeNulls().indent("  ");

  private final Format format;
  private final PrintWriter out;

  Output(Format format, PrintWriter out) {
    this.format = format;
    this.out = out;
  }

  boolean json() {
    return format == Format.json;
  }

  /** One object. */
  void object(Map<String, ?> view) {
    if (json()) {
      printJson(view);
      return;
    }
    int width = Math.max(3, view.keySet().stream().mapToInt(String::length).max().orElse(0));
    out.println(pad("Key", width) + "    Value");
    out.println(pad("---", width) + "    -----");
    view.forEach((k, v) -> out.println(pad(k, width) + "    " + cell(v)));
    out.flush();
  }

  /** A list of objects, shown in table form with only {@code columns}; JSON shows every key. */
  void list(List<? extends Map<String, ?>> rows, List<String> columns, String emptyMessage) {
    if (json()) {
      printJson(rows);
      return;
    }
    if (rows.isEmpty()) {
      out.println(emptyMessage);
      out.flush();
      return;
    }
    List<List<String>> cells = new ArrayList<>();
    for (Map<String, ?> row : rows) {
      cells.add(columns.stream().map(c -> cell(row.get(c))).toList());
    }
    int[] widths = new int[columns.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = columns.get(i).length();
      for (List<String> r : cells) {
        widths[i] = Math.max(widths[i], r.get(i).length());
      }
    }
    printRow(columns, widths);
    printRow(columns.stream().map(c -> "-".repeat(c.length())).toList(), widths);
    cells.forEach(r -> printRow(r, widths));
    out.flush();
  }

  /** A success line in table form; nothing in JSON form (as {@code vault delete -format=json}). */
  void success(String message) {
    if (!json()) {
      out.println("Success! " + message);
      out.flush();
    }
  }

  /** One raw value, with no decoration (as {@code vault read -field}). */
  void raw(@Nullable Object value) {
    out.println(value == null ? "" : value instanceof Map<?, ?> || value instanceof Collection<?>
        ? JSON.indent("").toJson(value) : String.valueOf(value));
    out.flush();
  }

  void printJson(Object value) {
    out.println(JSON.toJson(value));
    out.flush();
  }

  private void printRow(List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      line.append(i == cells.size() - 1 ? cells.get(i) : pad(cells.get(i), widths[i]) + "    ");
    }
    out.println(line.toString().stripTrailing());
  }

  private static String cell(@Nullable Object value) {
    if (value == null) {
      return "-";
    }
    if (value instanceof Map<?, ?> map) {
      return map.isEmpty() ? "-" : map.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
          .collect(Collectors.joining(","));
    }
    if (value instanceof Collection<?> list) {
      return list.isEmpty() ? "-" : list.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
    return String.valueOf(value);
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}

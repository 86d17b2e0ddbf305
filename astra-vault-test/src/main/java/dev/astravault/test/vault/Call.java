package dev.astravault.test.vault;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One parsed request, as the handlers see it. */
final class Call {
  /** Vault's logical operations; PATCH and HEADER are HTTP PATCH and HEAD (http/logical.go). */
  enum Op { READ, LIST, WRITE, DELETE, PATCH, HEADER }

  final Op op;
  /** The path after {@code /v1/}, without a trailing '/' unless listing. */
  final String path;
  final Map<String, List<String>> query;
  /** The JSON body of a write or patch, or the query parameters of a read, list, delete or HEAD. */
  final Map<String, Object> params;
  final boolean hasBody;

  Call(Op op, String path, Map<String, List<String>> query, Map<String, Object> params, boolean hasBody) {
    this.op = op;
    this.path = path;
    this.query = query;
    this.params = params;
    this.hasBody = hasBody;
  }

  @Nullable String query(String name) {
    List<String> v = query.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }
}

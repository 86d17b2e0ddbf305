package dev.astravault.dataapi;

import com.datastax.astra.client.collections.CollectionOptions;
import com.datastax.astra.client.core.options.BaseOptions;
import com.datastax.astra.client.databases.DatabaseOptions;
import com.datastax.astra.client.tables.TableOptions;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.function.Supplier;

/**
 * Options whose {@code getToken()} reads the current token. The client copies options with {@code clone()}, which
 * keeps the class and so the supplier; the token field itself stays empty, so nothing prints or serializes a token.
 */
final class RotatingOptions {
  private RotatingOptions() {}

  static String read(Supplier<String> current) {
    String token = current.get();
    if (token == null || token.isBlank()) {
      throw new IllegalStateException("the token supplier returned no token");
    }
    return token;
  }

  /** Copies what a command runner reads from {@code from}, except its token. */
  static <T extends BaseOptions<T>> T copy(T to, BaseOptions<?> from) {
    if (from.getSerializer() != null) {
      to.serializer(from.getSerializer());
    }
    if (from.getCommandType() != null) {
      to.commandType(from.getCommandType());
    }
    return to;
  }

  static final class ForDatabase extends DatabaseOptions {
    private final transient Supplier<String> current;

    ForDatabase(Supplier<String> current, DatabaseOptions from) {
      super(null, from.getDataAPIClientOptions());
      this.current = current;
      copy(this, from);
      keyspace(from.getKeyspace());
    }

    @Override
    @JsonIgnore
    public String getToken() {
      return read(current);
    }

    Supplier<String> current() {
      return current;
    }
  }

  static final class ForCollection extends CollectionOptions {
    private final transient Supplier<String> current;

    ForCollection(Supplier<String> current, CollectionOptions from) {
      super(null, from.getDataAPIClientOptions());
      this.current = current;
      copy(this, from);
      keyspace(from.getKeyspace());
    }

    @Override
    @JsonIgnore
    public String getToken() {
      return read(current);
    }
  }

  static final class ForTable extends TableOptions {
    private final transient Supplier<String> current;

    ForTable(Supplier<String> current, TableOptions from) {
      super(null, from.getDataAPIClientOptions());
      this.current = current;
      copy(this, from);
      keyspace(from.getKeyspace());
    }

    @Override
    @JsonIgnore
    public String getToken() {
      return read(current);
    }
  }
}

package dev.astravault.dataapi;

import com.datastax.astra.client.collections.Collection;
import com.datastax.astra.client.collections.CollectionOptions;
import com.datastax.astra.client.databases.Database;
import com.datastax.astra.client.tables.Table;
import com.datastax.astra.client.tables.TableOptions;

/**
 * A database whose collections and tables read the current token too: every {@code getCollection},
 * {@code createCollection}, {@code getTable} and {@code createTable} of the client ends in one of the two methods
 * overridden here, which swap the options for rotating ones.
 */
final class RotatingDatabase extends Database {
  private final RotatingOptions.ForDatabase rotating;

  RotatingDatabase(String apiEndpoint, RotatingOptions.ForDatabase options) {
    super(apiEndpoint, options);
    this.rotating = options;
  }

  @Override
  public <T> Collection<T> getCollection(String collectionName, Class<T> documentClass, CollectionOptions options) {
    CollectionOptions rotatingOptions = options == null || options instanceof RotatingOptions.ForCollection ? options
        : new RotatingOptions.ForCollection(rotating.current(), options);
    return super.getCollection(collectionName, documentClass, rotatingOptions);
  }

  @Override
  public <T> Table<T> getTable(String tableName, Class<T> rowClass, TableOptions options) {
    TableOptions rotatingOptions = options == null || options instanceof RotatingOptions.ForTable ? options
        : new RotatingOptions.ForTable(rotating.current(), options);
    return super.getTable(tableName, rowClass, rotatingOptions);
  }
}

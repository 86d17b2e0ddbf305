package dev.astravault.spring.autoconfigure;

import com.datastax.astra.client.collections.Collection;
import com.datastax.astra.client.collections.definition.documents.Document;
import com.datastax.astra.client.databases.Database;
import org.springframework.stereotype.Service;

/** docs/spring-boot.md's service on the Data API (SpringBootDocsTest runs it). */
// docs:begin spring-data-api
@Service
class OrderStats {
  private final Collection<Document> orders;
  OrderStats(Database db) { this.orders = db.getCollection("orders"); }
  long count() { return orders.countDocuments(1000); }      // the token current now
}
// docs:end spring-data-api

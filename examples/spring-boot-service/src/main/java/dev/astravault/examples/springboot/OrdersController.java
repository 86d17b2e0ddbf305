package dev.astravault.examples.springboot;

import com.datastax.astra.client.collections.Collection;
import com.datastax.astra.client.collections.definition.documents.Document;
import com.datastax.astra.client.databases.Database;
import java.time.Instant;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Data API path, next to the CQL one: {@code POST /orders} inserts a document and {@code GET /orders/count}
 * counts them, through the starter's {@link Database} bean (present when {@code astra.vault.data-api.endpoint} is
 * set). The collection is obtained once; each command sends the token current at that moment, so rotations need no
 * rebuild.
 */
@RestController
public class OrdersController {
  private final ObjectProvider<Database> database;
  private volatile Collection<Document> orders;

  public OrdersController(ObjectProvider<Database> database) {
    this.database = database;
  }

  @PostMapping("/orders")
  public ResponseEntity<Map<String, Object>> add() {
    Collection<Document> c = orders();
    if (c == null) {
      return noDataApi();
    }
    c.insertOne(new Document().append("placedAt", Instant.now().toString()));
    return ResponseEntity.ok(Map.of("count", c.countDocuments(1000)));
  }

  @GetMapping("/orders/count")
  public ResponseEntity<Map<String, Object>> count() {
    Collection<Document> c = orders();
    return c == null ? noDataApi() : ResponseEntity.ok(Map.of("count", c.countDocuments(1000)));
  }

  private Collection<Document> orders() {
    Collection<Document> c = orders;
    if (c == null) {
      Database db = database.getIfAvailable();
      if (db == null) {
        return null;
      }
      c = db.createCollection("orders");
      orders = c;
    }
    return c;
  }

  private static ResponseEntity<Map<String, Object>> noDataApi() {
    return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error",
        "no Data API: set astra.vault.data-api.endpoint (ASTRA_VAULT_DATA_API_ENDPOINT)"));
  }
}

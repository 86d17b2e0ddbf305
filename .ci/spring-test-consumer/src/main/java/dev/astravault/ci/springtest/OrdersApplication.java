package dev.astravault.ci.springtest;

import dev.astravault.ManagedToken;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** A user's service: its only astra-vault configuration would be application properties (none in this test). */
@SpringBootApplication
public class OrdersApplication {

  public static void main(String[] args) {
    SpringApplication.run(OrdersApplication.class, args);
  }

  /** A bean that needs the token, as a repository or a Data API client would. */
  @Bean
  OrdersClient ordersClient(ManagedToken token) {
    return new OrdersClient(token);
  }

  /** Reads the current token on each call. */
  public record OrdersClient(ManagedToken token) {
    String bearer() {
      return "Bearer " + token.current();
    }
  }
}

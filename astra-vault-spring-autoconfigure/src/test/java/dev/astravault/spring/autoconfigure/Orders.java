package dev.astravault.spring.autoconfigure;

import dev.astravault.ManagedToken;
import org.springframework.stereotype.Service;

/** docs/spring-boot.md's service that takes the startup token (SpringBootDocsTest runs it). */
// docs:begin spring-inject
@Service
class Orders {
  private final ManagedToken token;
  Orders(ManagedToken token) { this.token = token; }          // the handle: current(), snapshot(), listeners
  // or: AstraTokenSupplier token  -> token.get() is one volatile read; token.asSupplier() for a Supplier<String>
  // or, with astra.vault.data-api.endpoint: Database db  -> every command sends the current token
  String password() { return token.current(); }               // CQL: username "token"
}
// docs:end spring-inject

package dev.astravault.spring.autoconfigure;

import dev.astravault.ManagedToken;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The current startup token, as the bean {@code astraTokenSupplier}: inject it by type where a client takes the token
 * per call or per connection. A type of its own rather than a {@code Supplier<String>}, so that it never matches (or
 * is matched by) another by-type injection of {@code Supplier<String>} in the application.
 *
 * <pre>{@code
 * Orders(AstraTokenSupplier token) { this.client = new SomeClient(token.asSupplier()); }
 * }</pre>
 *
 * <p>Each {@link #get()} is one volatile read of the {@link ManagedToken}: the value changes after a rotation, so
 * read it at each call rather than keeping it. Never log it.
 */
@FunctionalInterface
public interface AstraTokenSupplier {

  /**
   * The token now current. Throws what {@link ManagedToken#current()} throws (the token expired, or was not obtained
   * yet under {@code astra.vault.fail-fast=false} and cannot be now).
   *
   * @return the current token; never log it
   */
  String get();

  /** {@return this supplier as a {@code Supplier<String>}, for clients that take one} */
  default Supplier<String> asSupplier() {
    return this::get;
  }

  /**
   * The supplier that reads {@code token} at each call.
   *
   * @param token the managed token
   * @return the supplier
   */
  static AstraTokenSupplier of(ManagedToken token) {
    Objects.requireNonNull(token, "token");
    return token::current;
  }
}

package dev.astravault;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Who performed an operation, as recorded in audit events: the OS user, host and process by default; an
 * application name and the authenticated principal when the environment (for example Spring) knows them.
 */
public record Actor(String user, String host, String process, @Nullable String application,
  /** Checks that the user, host and process are present. */
    @Nullable String principal) {
  public Actor {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(process, "process");
  }

  /**
   * {@return the application's name, when the environment knows it}
   */
  public Optional<String> applicationName() {
    return Optional.ofNullable(application);
  }

  /**
   * {@return the authenticated principal the call is made for, when there is one}
   */
  public Optional<String> principalName() {
    return Optional.ofNullable(principal);
  }

  /**
   * A copy naming the principal on whose behalf the call is made.
   *
   * @param principal the principal's name, or null for none
   * @return the copy
   */
  public Actor withPrincipal(@Nullable String principal) {
    return new Actor(user, host, process, application, principal);
  }
}

package dev.astravault;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Who performed an operation, as recorded in audit events: the OS user, host and process by default; an
 * application name and the authenticated principal when the environment (for example Spring) knows them.
 *
 * @param user the operating-system user
 * @param host the host name
 * @param process the process, by default {@code pid:N}
 * @param application the application's name, or null when unknown
 * @param principal the authenticated principal the call is made for, or null
 */
public record Actor(String user, String host, String process, @Nullable String application,
    @Nullable String principal) {
  /**
   * Checks that the user, host and process are present.
   *
   * @param user the operating-system user
   * @param host the host name
   * @param process the process, by default {@code pid:N}
   * @param application the application's name, or null when unknown
   * @param principal the authenticated principal the call is made for, or null
   */
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

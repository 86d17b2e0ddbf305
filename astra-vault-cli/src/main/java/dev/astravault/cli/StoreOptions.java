package dev.astravault.cli;

import dev.astravault.StoreException;
import dev.astravault.internal.files.FileModes;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.store.JdbcLeaseStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The global {@code --store} option (a {@code @Mixin} of the root command): the JDBC URL of direct mode's store or of
 * Vault mode's lease-id cache, and the database credentials from the environment.
 */
final class StoreOptions {
  static final String DEFAULT_STORE_FILE = ".astra-vault/astra-vault.db";
  static final String DEFAULT_VAULT_CACHE_FILE = ".astra-vault/vault-cache.db";
  @Option(names = "--store", paramLabel = "JDBC_URL", scope = ScopeType.INHERIT,
      description = "The store: jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB. Default: $ASTRA_VAULT_STORE, else "
          + "jdbc:sqlite:~/" + DEFAULT_STORE_FILE + ". In Vault mode: the secret-free lease-id cache, default "
          + "jdbc:sqlite:~/" + DEFAULT_VAULT_CACHE_FILE + " ($ASTRA_VAULT_STORE is not used). Never with a password "
          + "in it: set $ASTRA_VAULT_STORE_USER and $ASTRA_VAULT_STORE_PASSWORD.")
  @Nullable String store;

  /**
   * {@code --store}, else (direct mode only: Vault mode must not share the direct store) $ASTRA_VAULT_STORE, else
   * SQLite at {@code defaultFile} under the home directory, whose directory is created private.
   */
  String url(CliContext ctx, boolean vaultMode, String defaultFile) {
    String url = store != null ? store : vaultMode ? null : ctx.env("ASTRA_VAULT_STORE");
    if (url != null) {
      if (!url.startsWith("jdbc:")) {
        // Not quoted: a database URL may carry its password (postgresql://user:pass@host/db).
        throw CliException.usage("--store (or ASTRA_VAULT_STORE) must be a JDBC URL starting with jdbc:, such as "
            + "jdbc:sqlite:/path/astra-vault.db or jdbc:postgresql://HOST/DB");
      }
      return url;
    }
    Path file = Path.of(System.getProperty("user.home"), defaultFile);
    try {
      Path dir = file.getParent();
      // 0700 when created (whatever the umask), a warning when it exists open to others; the store file in it is
      // created 0600 by the store.
      FileModes.privateDirectories(dir, StoreException::new);
    } catch (IOException e) {
      throw CliException.failure("cannot create the store directory " + file.getParent() + ": " + e);
    }
    return "jdbc:sqlite:" + file;
  }

  /**
   * Whether {@code arg} holds a JDBC URL carrying a password: refused on the command line, where {@code ps} and shell
   * history show it (the password goes in ASTRA_VAULT_STORE_PASSWORD). ASTRA_VAULT_STORE may carry one: the
   * environment is where the password variable lives too. The test is the library's ({@link
   * Redaction#holdsUrlPassword}: user info, Oracle's {@code thin:user/pass@}, a {@code password}, {@code passwd} or
   * {@code pwd} parameter, also percent-encoded up to three times as a URL in another's parameter is), whose redactor
   * masks the password of every URL it finds.
   */
  static boolean carriesPassword(String arg) {
    String lower = arg.toLowerCase(Locale.ROOT);
    int jdbc = lower.indexOf("jdbc:");
    return jdbc >= 0 && Redaction.holdsUrlPassword(lower.substring(jdbc));
  }

  /**
   * ASTRA_VAULT_STORE_USER / _PASSWORD for the store at {@code url}, already given to {@code b}; an unset password
   * sends none (never the word "null").
   */
  static void credentials(CliContext ctx, String url, JdbcLeaseStore.Builder b) {
    String user = ctx.env("ASTRA_VAULT_STORE_USER");
    String password = ctx.env("ASTRA_VAULT_STORE_PASSWORD");
    try {
      if (user != null && password != null) {
        b.credentials(user, password);
      } else if (user != null) {
        b.user(user);
      }
    } catch (IllegalArgumentException e) {
      // The builder's words are its methods'; an operator set variables, so the advice names those for what
      // clashed: a password given twice (in the URL and its variable), else two users. Neither quotes a value.
      String advice = password != null && Redaction.holdsUrlPassword(url)
          ? "give the password once, in ASTRA_VAULT_STORE_PASSWORD, not in the URL"
          : "name the user once, in the URL or in ASTRA_VAULT_STORE_USER";
      throw CliException.usage("the store URL and ASTRA_VAULT_STORE_USER / ASTRA_VAULT_STORE_PASSWORD disagree: "
          + advice + " (" + e.getMessage() + ")");
    }
  }
}

package dev.astravault;

import dev.astravault.internal.redact.Redaction;
import dev.astravault.internal.support.Validation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a least-privilege token may reach: one database, one keyspace, some tables (all by default) and a set of
 * actions. A request with a scope gets a token whose only role is a custom Astra role made from this scope (see
 * docs/scoped-tokens.md), e.g.
 * {@code Scope.database(dbId).keyspace("orders").actions(Scope.Access.READ)}.
 *
 * <p>Immutable. The builder checks every part against the DevOps API's rules and fails fast with
 * {@link InvalidScopeException} naming the bad value.
 */
public final class Scope {
  /**
   * The prefix of the name of every custom Astra role astra-vault makes for scoped tokens
   * ({@code astra-vault-<fingerprint>}); local role names with it are the records of those roles.
   */
  public static final String ROLE_PREFIX = "astra-vault-";
  private static final Pattern UUID = Pattern.compile(
      "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
  /** Astra keyspace and table names: a letter, then letters, digits and underscores, 48 characters at most. */
  private static final Pattern CQL_NAME = Pattern.compile("^[A-Za-z][A-Za-z0-9_]{0,47}$");
  /** The database actions of the spec's {@code PolicyAction} enum; the {@code org-*} ones are not database-scoped. */
  private static final Set<String> DATABASE_ACTIONS = Set.of(
      "db-all-keyspace-create", "db-all-keyspace-describe", "db-cql", "db-graphql", "db-keyspace-alter",
      "db-keyspace-authorize", "db-keyspace-create", "db-keyspace-describe", "db-keyspace-drop", "db-keyspace-grant",
      "db-keyspace-modify", "db-rest", "db-table-alter", "db-table-authorize", "db-table-create", "db-table-describe",
      "db-table-drop", "db-table-grant", "db-table-modify", "db-table-select");

  /** Named action sets, mapped to the DevOps API's {@code PolicyAction} values. */
  public enum Access {
    /** Connect over CQL, describe the keyspace and tables, and select. */
    READ("db-cql", "db-keyspace-describe", "db-table-describe", "db-table-select"),
    /** {@link #READ} plus insert, update and delete ({@code db-table-modify}). */
    READ_WRITE("db-cql", "db-keyspace-describe", "db-table-describe", "db-table-select", "db-table-modify"),
    /** {@link #READ_WRITE} plus create, alter and drop tables in the keyspace. */
    SCHEMA("db-cql", "db-keyspace-describe", "db-table-describe", "db-table-select", "db-table-modify",
        "db-table-create", "db-table-alter", "db-table-drop");

    private final List<String> actions;

    Access(String... actions) {
      this.actions = List.of(actions);
    }

    /** {@return the {@code PolicyAction} values this level grants} */
    public List<String> actions() {
      return actions;
    }

    /**
     * Parses {@code read}, {@code read-write} or {@code schema} (case-insensitive, {@code _} or {@code -}).
     *
     * @param text the level's name
     * @return the level
     * @throws InvalidScopeException naming the text when it is no level
     */
    public static Access parse(String text) {
      String key = Objects.requireNonNull(text, "access").trim().toUpperCase(Locale.ROOT).replace('-', '_');
      for (Access a : values()) {
        if (a.name().equals(key)) {
          return a;
        }
      }
      throw new InvalidScopeException("action", "access level '" + Builder.abbreviate(text)
          + "' is not one of read, read-write, schema");
    }
  }

  private final String databaseId;
  private final String keyspace;
  private final List<String> tables;
  private final List<String> actions;
  private final @Nullable Access access;

  private Scope(Builder b) {
    this.databaseId = b.databaseId;
    if (b.keyspace == null) {
      throw new InvalidScopeException("keyspace", "a scope needs a keyspace");
    }
    this.keyspace = b.keyspace;
    this.tables = b.tables.isEmpty() ? List.of("*") : List.copyOf(new TreeSet<>(b.tables));
    if (b.actions.isEmpty()) {
      throw new InvalidScopeException("action", "a scope needs actions: an access level or raw PolicyAction values");
    }
    this.actions = List.copyOf(new TreeSet<>(b.actions));
    this.access = b.access;
  }

  /**
   * Starts a scope on one database.
   *
   * @param databaseId the database's UUID (case-insensitive)
   * @return a builder
   * @throws InvalidScopeException when the id is not a UUID
   */
  public static Builder database(String databaseId) {
    return new Builder(databaseId);
  }

  /** {@return the database id, lowercase} */
  public String databaseId() {
    return databaseId;
  }

  /** {@return the keyspace name as given (Astra keyspace names are case-sensitive)} */
  public String keyspace() {
    return keyspace;
  }

  /** {@return the table names, sorted; {@code ["*"]} for every table of the keyspace} */
  public List<String> tables() {
    return tables;
  }

  /** {@return the {@code PolicyAction} values granted, sorted and without duplicates} */
  public List<String> actions() {
    return actions;
  }

  /** {@return the access level the actions came from, or empty when raw actions were given} */
  public Optional<Access> access() {
    return Optional.ofNullable(access);
  }

  /**
   * The policy's resources as DRNs, in the shape the DevOps API notes show: the org, the database, the keyspace,
   * and each table of the keyspace.
   *
   * @param orgId the org's id
   * @return the DRNs, in that order
   */
  public List<String> resources(String orgId) {
    String org = "drn:astra:org:" + Objects.requireNonNull(orgId, "orgId");
    String db = org + ":db:" + databaseId;
    String ks = db + ":keyspace:" + keyspace;
    List<String> out = new ArrayList<>(List.of(org, db, ks));
    for (String table : tables) {
      out.add(ks + ":table:" + table);
    }
    return Collections.unmodifiableList(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Scope s && databaseId.equals(s.databaseId) && keyspace.equals(s.keyspace)
        && tables.equals(s.tables) && actions.equals(s.actions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(databaseId, keyspace, tables, actions);
  }

  /** {@return a short readable form, e.g. {@code db=<id> keyspace=orders tables=* access=READ}} */
  @Override
  public String toString() {
    return "db=" + databaseId + " keyspace=" + keyspace + " tables=" + String.join(",", tables)
        + (access != null ? " access=" + access : " actions=" + String.join(",", actions));
  }

  /** Builds a {@link Scope}; every setter checks its value at once. */
  public static final class Builder {
    private final String databaseId;
    private @Nullable String keyspace;
    private final List<String> tables = new ArrayList<>();
    private final Set<String> actions = new TreeSet<>();
    private @Nullable Access access;

    private Builder(String databaseId) {
      String id = Objects.requireNonNull(databaseId, "databaseId").trim().toLowerCase(Locale.ROOT);
      if (!UUID.matcher(id).matches()) {
        throw new InvalidScopeException("database", "database id '" + abbreviate(databaseId)
            + "' is not a UUID");
      }
      this.databaseId = id;
    }

    /**
     * The one keyspace the token may reach.
     *
     * @param keyspace a keyspace name: a letter, then letters, digits or {@code _}, at most 48 characters
     * @return this builder
     * @throws InvalidScopeException naming the keyspace when it is malformed
     */
    public Builder keyspace(String keyspace) {
      this.keyspace = cqlName("keyspace", keyspace);
      return this;
    }

    /**
     * The tables the token may reach; {@code "*"} (the default) for all tables of the keyspace.
     *
     * @param tables table names, or {@code "*"} alone
     * @return this builder
     * @throws InvalidScopeException naming a malformed table, or when {@code "*"} is mixed with names
     */
    public Builder tables(String... tables) {
      List<String> given = Arrays.asList(tables);
      if (given.isEmpty()) {
        throw new InvalidScopeException("table", "tables(..) needs at least one table name or \"*\"");
      }
      List<String> checked = new ArrayList<>();
      for (String t : given) {
        checked.add("*".equals(t) ? "*" : cqlName("table", t));
      }
      if (checked.contains("*") && checked.size() > 1) {
        throw new InvalidScopeException("table", "\"*\" already means every table; do not list names with it");
      }
      this.tables.clear();
      this.tables.addAll(checked);
      return this;
    }

    /**
     * Grants a named access level (replacing actions given before).
     *
     * @param access the level
     * @return this builder
     */
    public Builder actions(Access access) {
      this.access = Objects.requireNonNull(access, "access");
      this.actions.clear();
      this.actions.addAll(access.actions());
      return this;
    }

    /**
     * Grants raw {@code PolicyAction} values, for experts (replacing actions given before). Only the spec's
     * {@code db-*} actions are accepted: an {@code org-*} action would reach beyond the database.
     *
     * @param actions {@code PolicyAction} values such as {@code db-cql}
     * @return this builder
     * @throws InvalidScopeException naming the first value that is not a database {@code PolicyAction}
     */
    public Builder actions(String... actions) {
      if (actions.length == 0) {
        throw new InvalidScopeException("action", "actions(..) needs at least one PolicyAction");
      }
      Set<String> checked = new TreeSet<>();
      for (String a : actions) {
        if (a == null || !DATABASE_ACTIONS.contains(a)) {
          throw new InvalidScopeException("action", "'" + abbreviate(a) + "' is not a database PolicyAction of "
              + "the DevOps API (db-cql, db-table-select, db-table-modify, ...)");
        }
        checked.add(a);
      }
      this.access = null;
      this.actions.clear();
      this.actions.addAll(checked);
      return this;
    }

    /**
     * Checks that the scope is complete and builds it.
     *
     * @return the scope
     * @throws InvalidScopeException when the keyspace or the actions are missing
     */
    public Scope build() {
      return new Scope(this);
    }

    private static String cqlName(String part, @Nullable String name) {
      if (name == null || !CQL_NAME.matcher(name).matches()) {
        throw new InvalidScopeException(part, part + " name '" + abbreviate(name) + "' is not valid: a letter, "
            + "then letters, digits or _, at most 48 characters");
      }
      return name;
    }

    private static String abbreviate(@Nullable String value) {
      if (value == null) {
        return "null";
      }
      // Never echo a token, secret or Vault token passed here by mistake (the library's one redaction rule).
      if (Redaction.looksSecret(value)) {
        return "<redacted: shaped like a secret>";
      }
      return Validation.printable(value, 64);   // one line: a line break in it would forge a log line
    }
  }
}

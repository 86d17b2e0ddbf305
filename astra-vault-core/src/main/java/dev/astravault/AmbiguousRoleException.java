package dev.astravault;

import java.util.List;

/**
 * A role reference that is not a local role name reads both as Astra's display name (such as {@code "R/W User"},
 * sanitised to a local name) and as a role id, and the two name different roles. Name the role by its local name
 * instead; {@link #candidates()} lists both.
 */
public class AmbiguousRoleException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  /** One role the reference matched: its local name and its Astra role id. */
  public record Candidate(String name, String roleId) {}

  /** The org the role was looked up in. */
  private final String orgId;
  /** The role as the caller named it. */
  private final String reference;
  /** The roles the reference matched. */
  private final List<Candidate> candidates;

  /**
   * Creates the exception.
   *
   * @param orgId the org the role was looked up in
   * @param reference the role as the caller named it
   * @param candidates the roles the reference matched
   */
  public AmbiguousRoleException(String orgId, String reference, List<Candidate> candidates) {
    super("role '" + reference + "' in org " + orgId + " is ambiguous: it matches " + candidates.stream()
        .map(c -> c.name() + " (id " + c.roleId() + ")").toList() + "; name one by its local name");
    this.orgId = orgId;
    this.reference = reference;
    this.candidates = List.copyOf(candidates);
  }

  /** {@return the org the role was looked up in} */
  public String orgId() {
    return orgId;
  }

  /** {@return the role as the caller named it} */
  public String reference() {
    return reference;
  }

  /**
   * {@return the roles it matched: the one its display-name reading names, then the one its id reading names}
   */
  public List<Candidate> candidates() {
    return candidates;
  }
}

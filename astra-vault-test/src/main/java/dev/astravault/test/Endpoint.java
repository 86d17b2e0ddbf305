package dev.astravault.test;

/** The DevOps API operations that {@link FakeAstra} serves; faults are scripted per endpoint. */
public enum Endpoint {
  /** {@code POST /v2/clientIdSecrets} and {@code POST /v2/tokens}. */
  CREATE_TOKEN,
  /** {@code GET /v2/clientIdSecrets}. */
  LIST_TOKENS,
  /** {@code DELETE /v2/clientIdSecrets/{clientId}}. */
  DELETE_TOKEN,
  /** {@code GET /v2/organizations/roles}. */
  LIST_ROLES,
  /** {@code GET /v2/organizations/roles/{roleId}}. */
  GET_ROLE,
  /** {@code GET /v2/currentOrg}. */
  CURRENT_ORG,
  /** {@code POST /v2/organizations/roles}: creates a custom role (201, 409 on a duplicate name). */
  CREATE_ROLE,
  /** {@code PUT /v2/organizations/roles/{roleId}}: replaces a role's name and policy (200). */
  UPDATE_ROLE,
  /** {@code DELETE /v2/organizations/roles/{roleId}} (204, 404 when unknown). */
  DELETE_ROLE
}

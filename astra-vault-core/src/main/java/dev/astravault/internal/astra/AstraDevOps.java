package dev.astravault.internal.astra;

import dev.astravault.AstraApiException;
import dev.astravault.AstraUnavailableException;
import java.util.List;

/**
 * The token, role and organization endpoints of the Astra DevOps API v2, bound to one organization's base URL and
 * root token. One instance per org, so that no org can ever use another's credentials (the plugin's cross-org
 * client cache bug).
 *
 * <p>Errors are thrown as the {@link dev.astravault.AstraApiException} tree or
 * {@link dev.astravault.AstraUnavailableException}. GET and DELETE are retried on I/O errors, 429, 502, 503 and 504;
 * POST is never retried. Implementations are thread-safe.
 */
public interface AstraDevOps {

  /**
   * {@code POST /v2/clientIdSecrets}. Never retried. The response is verified (format, and
   * {@code token == "AstraCS:" + clientId + ":" + sha256hex(secret)}).
   *
   * @throws AmbiguousCreateException when the request may or may not have created a token (I/O error or timeout
   *     after the request was sent); the caller settles it with {@link #listTokens()} and the description tag. Other
   *     failures may leave the outcome just as unclear: see {@link #createdNothing}.
   */
  CreatedToken createToken(CreateTokenRequest request);

  /**
   * Whether a failure of {@link #createToken} proves that Astra created nothing: a clear 4xx (Astra refused the
   * request; 408 excepted, since a proxy's timeout says nothing of the upstream) or a failure before the request was
   * sent. Anything else leaves the outcome unclear and must be settled by the description tag: a 5xx or gateway
   * status (a proxy may answer 502/504 after Astra created the token), a reset or timeout after sending, a body
   * that could not be read or was too large, an invalid token response.
   */
  static boolean createdNothing(RuntimeException failure) {
    if (failure instanceof AstraApiException api) {
      return api.status() >= 400 && api.status() < 500 && api.status() != 408;
    }
    return failure instanceof AstraUnavailableException && !(failure instanceof AmbiguousCreateException);
  }

  /** {@code GET /v2/clientIdSecrets}: every token of the org, never with secrets. */
  List<RemoteToken> listTokens();

  /**
   * {@code DELETE /v2/clientIdSecrets/{clientId}}.
   *
   * @return {@code true} when Astra deleted it (any 2xx), {@code false} when it was already gone (404)
   */
  boolean deleteToken(String clientId);

  /** {@code GET /v2/organizations/roles}, parsed leniently ({@code ID}/{@code id}, policy as object or string). */
  List<RemoteRole> listRoles();

  /** {@code GET /v2/organizations/roles/{roleId}}. */
  RemoteRole role(String roleId);

  /**
   * {@code POST /v2/organizations/roles}: creates a custom role. Never retried (a retry after an unclear outcome would
   * answer 409; the caller settles a 409 by reading the role under that name).
   *
   * @return the created role as Astra answers it (201)
   * @throws AstraApiException with status 409 when a role of that name exists
   */
  RemoteRole createRole(String name, RolePolicy policy);

  /**
   * {@code DELETE /v2/organizations/roles/{roleId}}.
   *
   * @return {@code true} when Astra deleted it (any 2xx), {@code false} when it was already gone (404)
   */
  boolean deleteRole(String roleId);

  /** {@code GET /v2/currentOrg} with the root token: the org id it belongs to. */
  String currentOrgId();

  /** {@code GET /v2/currentOrg} with another token, to validate a freshly issued token before using it. */
  String currentOrgId(String bearerToken);
}

package dev.astravault.vault;

import dev.astravault.AstraVaultException;
import dev.astravault.OrgConfig;
import dev.astravault.StoreException;
import dev.astravault.internal.Validation;
import dev.astravault.internal.vault.KvMountInfo;
import dev.astravault.internal.vault.VaultKv;
import dev.astravault.internal.vault.VaultSession;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads org configs, root tokens included, from Vault KV for direct mode: the application then holds only its Vault
 * credentials, and the root token lives in Vault (written there by an operator) and in this process's memory.
 *
 * <p>A secret holds {@code org_id} and {@code root_token} (required), {@code url} (default
 * {@link OrgConfig#DEFAULT_URL}) and {@code logical_name} (default: the org id); the camelCase spellings
 * {@code orgId}, {@code rootToken} and {@code logicalName} are accepted too.
 *
 * <pre>{@code
 * vault kv put secret/astra/orgs/prod org_id=… root_token=AstraCS:… logical_name=prod
 * TokenManager tokens = TokenManager.builder()
 *     .org(VaultOrgConfigs.read(vaultConfig, "secret", "astra/orgs/prod"))   // KV v1 or v2
 *     .build();
 * }</pre>
 *
 * <p><b>The KV version.</b> Given a mount and a path, the mount's KV version is asked of Vault, as
 * {@code vault kv get} does ({@code GET sys/internal/ui/mounts/<mount>/<path>}, answered for any token that may read
 * under the mount); a mount that is not KV is a {@link VaultKvMountException}. Given a {@link KvPath}, the version it
 * states is used and nothing is looked up: for a token or proxy that refuses that lookup.
 *
 * <p>Read once, when called; read again (and rebuild or {@code writeOrg}) after rotating a root token. Error messages
 * name the path and the field, never the root token.
 */
public final class VaultOrgConfigs {
  private VaultOrgConfigs() {}

  /**
   * The org at {@code path}.
   *
   * @throws StoreException if Vault cannot be read or there is no secret at {@code path}
   * @throws IllegalArgumentException if a field is missing or invalid
   *
   * @param vault where Vault is and how to log in
   * @param path the secret of the org
   * @return the org's config, root token included
   */
  public static OrgConfig read(VaultConfig vault, KvPath path) {
    VaultSession session = session(vault, path);
    return read(kv(session, path), path, path.path());
  }

  /**
   * The org at {@code path} in {@code mount}, on whichever KV version the mount is (asked of Vault).
   *
   * @throws VaultKvMountException if the mount is not a KV engine
   * @throws StoreException if Vault cannot be read, refuses the version lookup (the message names the mount and says
   *     to state the version), or there is no secret at {@code path}
   * @throws IllegalArgumentException if the mount or path is malformed, or a field is missing or invalid
   *
   * @param vault where Vault is and how to log in
   * @param mount the KV engine's mount, e.g. {@code secret}
   * @param path the org's secret in the mount, e.g. {@code astra/orgs/prod}
   * @return the org's config, root token included
   */
  public static OrgConfig read(VaultConfig vault, String mount, String path) {
    KvPath given = KvPath.v2(mount, path);   // checks and normalises both; the version is looked up
    VaultSession session = session(vault, given);
    KvPath at = lookUp(session, given);
    return read(kv(session, at), at, at.path());
  }

  /**
   * Every org under folder {@code folder} (one secret per org; sub-folders are ignored), ordered by path.
   *
   * @param vault where Vault is and how to log in
   * @param folder the folder of org secrets
   * @return the orgs' configs, ordered by path
   */
  public static List<OrgConfig> readAll(VaultConfig vault, KvPath folder) {
    return readAll(kv(session(vault, folder), folder), folder);
  }

  /**
   * Every org under folder {@code folder} of {@code mount} (one secret per org; sub-folders are ignored), ordered by
   * path, on whichever KV version the mount is (asked of Vault).
   *
   * @throws VaultKvMountException if the mount is not a KV engine
   * @throws StoreException if Vault cannot be read or refuses the version lookup
   *
   * @param vault where Vault is and how to log in
   * @param mount the KV engine's mount, e.g. {@code secret}
   * @param folder the folder of org secrets in the mount, e.g. {@code astra/orgs/}
   * @return the orgs' configs, ordered by path
   */
  public static List<OrgConfig> readAll(VaultConfig vault, String mount, String folder) {
    KvPath given = KvPath.v2(mount, folder);
    VaultSession session = session(vault, given);
    KvPath at = lookUp(session, given);
    return readAll(kv(session, at), at);
  }

  private static List<OrgConfig> readAll(VaultKv kv, KvPath folder) {
    String dir = folder.path().endsWith("/") ? folder.path() : folder.path() + "/";
    List<String> keys;
    try {
      keys = kv.list("list orgs", dir);
    } catch (AstraVaultException e) {
      throw new StoreException("cannot list orgs in Vault at " + folder + ": " + e.getMessage(), e);
    }
    List<OrgConfig> out = new ArrayList<>();
    keys.stream().filter(k -> !k.endsWith("/")).sorted()
        .forEach(k -> out.add(read(kv, new KvPath(folder.mount(), dir + k, folder.kvVersion()), dir + k)));
    return List.copyOf(out);
  }

  private static VaultSession session(VaultConfig vault, KvPath path) {
    Objects.requireNonNull(vault, "vault");
    Objects.requireNonNull(path, "path");
    return new VaultSession(vault, Clock.systemUTC());
  }

  private static VaultKv kv(VaultSession session, KvPath path) {
    return new VaultKv(session, path.mount(), path.kvVersion());
  }

  /** {@code given} with its mount's KV version, asked of Vault; a failure to ask is a {@link StoreException}. */
  private static KvPath lookUp(VaultSession session, KvPath given) {
    try {
      return KvMountInfo.resolve(session, "the org config", given);
    } catch (VaultKvMountException ex) {
      throw ex;
    } catch (AstraVaultException ex) {
      throw new StoreException("cannot read the org config in Vault at " + given.mount() + "/" + given.path() + ": "
          + ex.getMessage(), ex);
    }
  }

  private static OrgConfig read(VaultKv kv, KvPath path, String rel) {
    VaultKv.Entry e;
    try {
      e = kv.read("read org", rel).orElseThrow(() -> new StoreException("no org config in Vault at " + path));
    } catch (StoreException ex) {
      throw ex;
    } catch (AstraVaultException ex) {
      throw new StoreException("cannot read the org config in Vault at " + path + ": " + ex.getMessage(), ex);
    }
    String orgId = field(e, path, true, "org_id", "orgId");
    String rootToken = field(e, path, true, "root_token", "rootToken");
    String url = field(e, path, false, "url");
    String logicalName = field(e, path, false, "logical_name", "logicalName");
    OrgConfig.Builder b = OrgConfig.builder().orgId(orgId).rootToken(rootToken);
    if (url != null) {
      b.url(Validation.parseUrl("the org config in Vault at " + path + " has a field 'url' that", url));
    }
    if (logicalName != null) {
      b.logicalName(logicalName);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException ex) {
      // OrgConfig's messages never echo the root token.
      throw new IllegalArgumentException("the org config in Vault at " + path + " is invalid: " + ex.getMessage(),
          ex);
    }
  }

  private static @Nullable String field(VaultKv.Entry e, KvPath path, boolean required, String... names) {
    for (String n : names) {
      String v = e.string(n);
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    if (required) {
      throw new IllegalArgumentException("the org config in Vault at " + path + " has no field '" + names[0] + "'");
    }
    return null;
  }
}

package dev.astravault.vault;

import dev.astravault.AstraVaultException;
import dev.astravault.OrgConfig;
import dev.astravault.StoreException;
import dev.astravault.internal.support.Validation;
import dev.astravault.internal.vault.KvMountInfo;
import dev.astravault.internal.vault.VaultKv;
import dev.astravault.internal.vault.VaultSession;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 * states is used and nothing is looked up: for a token or proxy that refuses that lookup. Only when such a read finds
 * nothing is the mount looked up, so that a stated version that is not the mount's (v2 on a v1 mount reads
 * {@code <mount>/data/...}, where nothing is) is a {@link VaultKvMountException} saying so instead of "no org
 * config"; a correct configuration pays nothing.
 *
 * <p>Read once, when called; read again (and rebuild or {@code writeOrg}) after rotating a root token. Error messages
 * name the path and the field, never the root token.
 */
public final class VaultOrgConfigs {
  private static final String WHAT = "the org config";

  private VaultOrgConfigs() {}

  /**
   * The org at {@code path}, on the KV version it states (nothing is looked up unless the secret is missing).
   *
   * @throws VaultKvMountException if there is no secret at {@code path} and Vault says why: the mount is KV of the
   *     other version than {@code path} states, not KV at all, or not the mount Vault serves the path from (one level
   *     off)
   * @throws StoreException if Vault cannot be read or there is no secret at {@code path}
   * @throws IllegalArgumentException if a field is missing or invalid
   *
   * @param vault where Vault is and how to log in
   * @param path the secret of the org
   * @return the org's config, root token included
   */
  public static OrgConfig read(VaultConfig vault, KvPath path) {
    VaultSession session = session(vault, path);
    return read(session, kv(session, path), path, path.path(), true);
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
    return read(session, kv(session, at), at, at.path(), false);
  }

  /**
   * Every org under folder {@code folder} (one secret per org; sub-folders are ignored), ordered by path, on the KV
   * version it states.
   *
   * @throws VaultKvMountException if the folder is empty and Vault says why: the mount is KV of the other version
   *     than {@code folder} states, or not KV at all
   * @throws StoreException if Vault cannot be read
   * @param vault where Vault is and how to log in
   * @param folder the folder of org secrets
   * @return the orgs' configs, ordered by path
   */
  public static List<OrgConfig> readAll(VaultConfig vault, KvPath folder) {
    VaultSession session = session(vault, folder);
    return readAll(session, kv(session, folder), folder, true);
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
    return readAll(session, kv(session, at), at, false);
  }

  /** {@code stated}: the version is the caller's, so nothing found may mean a mount of another version. */
  private static List<OrgConfig> readAll(VaultSession session, VaultKv kv, KvPath folder, boolean stated) {
    String dir = folder.path().endsWith("/") ? folder.path() : folder.path() + "/";
    List<String> keys;
    try {
      keys = kv.list("list orgs", dir);
    } catch (AstraVaultException e) {
      throw new StoreException("cannot list orgs in Vault at " + folder + ": " + e.getMessage(), e);
    }
    if (keys.isEmpty() && stated) {
      throwIfMismatched(session, folder);
    }
    List<OrgConfig> out = new ArrayList<>();
    keys.stream().filter(k -> !k.endsWith("/")).sorted()
        .forEach(k -> out.add(read(session, kv, new KvPath(folder.mount(), dir + k, folder.kvVersion()), dir + k,
        false)));
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
      return KvMountInfo.resolve(session, WHAT, given);
    } catch (VaultKvMountException ex) {
      throw ex;
    } catch (AstraVaultException ex) {
      throw new StoreException("cannot read the org config in Vault at " + given.mount() + "/" + given.path() + ": "
          + ex.getMessage(), ex);
    }
  }

  /**
   * A mount that is not as {@code stated} says (another KV version, or not KV): the cause of a miss, which would
   * otherwise read as "no org config". Asked only after a miss, so a correct configuration pays nothing.
   */
  private static void throwIfMismatched(VaultSession session, KvPath stated) {
    Optional<VaultKvMountException> wrong = KvMountInfo.mismatch(session, WHAT, stated);
    if (wrong.isPresent()) {
      throw wrong.get();
    }
  }

  private static OrgConfig read(VaultSession session, VaultKv kv, KvPath path, String rel, boolean stated) {
    Optional<VaultKv.Entry> found;
    try {
      found = kv.read("read org", rel);
    } catch (AstraVaultException ex) {
      throw new StoreException("cannot read the org config in Vault at " + path + ": " + ex.getMessage(), ex);
    }
    if (found.isEmpty() && stated) {
      throwIfMismatched(session, path);
    }
    VaultKv.Entry e = found.orElseThrow(() -> new StoreException("no org config in Vault at " + path));
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

package dev.astravault.vault;

import dev.astravault.AstraVaultException;
import dev.astravault.OrgConfig;
import dev.astravault.StoreException;
import dev.astravault.internal.Validation;
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
 *     .org(VaultOrgConfigs.read(vaultConfig, KvPath.v2("secret", "astra/orgs/prod")))
 *     .build();
 * }</pre>
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
    return read(kv(vault, path), path, path.path());
  }

  /**
   * Every org under folder {@code folder} (one secret per org; sub-folders are ignored), ordered by path.
   *
   * @param vault where Vault is and how to log in
   * @param folder the folder of org secrets
   * @return the orgs' configs, ordered by path
   */
  public static List<OrgConfig> readAll(VaultConfig vault, KvPath folder) {
    VaultKv kv = kv(vault, folder);
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

  private static VaultKv kv(VaultConfig vault, KvPath path) {
    Objects.requireNonNull(vault, "vault");
    Objects.requireNonNull(path, "path");
    return new VaultKv(new VaultSession(vault, Clock.systemUTC()), path.mount(), path.kvVersion());
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

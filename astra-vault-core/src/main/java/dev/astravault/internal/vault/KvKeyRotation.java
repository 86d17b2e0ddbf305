package dev.astravault.internal.vault;

import dev.astravault.Role;
import dev.astravault.internal.crypto.SecretCipher;
import dev.astravault.internal.store.RowBindings;
import dev.astravault.internal.vault.KvEntries.StoredRole;
import dev.astravault.internal.vault.KvEntries.TaggedRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@link dev.astravault.vault.VaultKvLeaseStore#rotateKeys()}: one pass over the lease, org and role entries that
 * reseals those whose seal or tag is not under the cipher's current key. Every stale entry is opened or checked
 * before any is written, and each is written with check-and-set on the KV version it was read at.
 */
public final class KvKeyRotation {
  /** An entry to write back under the current key, with check-and-set on the KV version it was read at. */
  private record Reseal(String what, String path, Map<String, Object> data, long kvVersion) {}

  private final VaultKv kv;
  private final KvCalls calls;
  private final KvPaths paths;
  private final KvEntries entries;
  private final KvCodec codec;
  private final SecretCipher cipher;

  public KvKeyRotation(VaultKv kv, KvCalls calls, KvPaths paths, KvEntries entries, KvCodec codec,
      SecretCipher cipher) {
    this.kv = kv;
    this.calls = calls;
    this.paths = paths;
    this.entries = entries;
    this.codec = codec;
    this.cipher = cipher;
  }

  /** How many entries were resealed; see the store's {@code rotateKeys} for what a lost race means. */
  public int rotateKeys() {
    String current = cipher.currentKeyId();
    List<Reseal> stale = new ArrayList<>();
    for (String id : entries.leaseIds("")) {
      String rel = paths.lease(id);
      VaultKv.Entry e = calls.call("read lease " + id, () -> kv.readVersioned("read lease", rel)).live();
      if (e != null && !KvCodec.isTombstone(e) && !sealedUnder(current, e.string("secret_ct"))) {
        // decode opens the seal (or checks the tag): a rewritten entry throws here, naming the lease.
        stale.add(new Reseal("re-encrypt lease " + id, rel, codec.encode(codec.decodeLease(id, e)),
            e.version()));
      }
    }
    for (String orgId : entries.orgIds()) {
      String rel = paths.org(orgId);
      VaultKv.Entry e = calls.call("read org " + orgId, () -> kv.readVersioned("read org", rel)).live();
      if (e != null && !sealedUnder(current, e.string("root_token_ct"))) {
        stale.add(new Reseal("re-encrypt org " + orgId, rel, codec.encode(codec.decodeOrg(orgId, e)),
            e.version()));
      }
    }
    for (String orgId : entries.roleOrgIds()) {
      for (String name : entries.roleNames(orgId)) {
        Optional<StoredRole> stored = entries.role(orgId, name);
        TaggedRole r = stored.map(StoredRole::role).orElse(null);
        if (r != null && !sealedUnder(current, r.tag())) {
          Role checked = RowBindings.checkRoleTag(cipher, r.tag(), r.role());
          stale.add(new Reseal("re-tag role " + name + " of org " + orgId, paths.role(orgId, name),
              codec.encode(checked), stored.get().kvVersion()));
        }
      }
    }
    int resealed = 0;
    for (Reseal r : stale) {
      if (calls.call(r.what(), () -> kv.write(r.what(), r.path(), r.data(), r.kvVersion()))) {
        resealed++;
      }
    }
    return resealed;
  }

  private static boolean sealedUnder(String keyId, @Nullable String sealed) {
    return sealed != null && SecretCipher.keyId(sealed).equals(keyId);
  }
}

package dev.astravault.internal.vault;

import static dev.astravault.internal.vault.KvPaths.unescape;
import static dev.astravault.internal.vault.KvPaths.written;

import dev.astravault.LeaseRecord;
import dev.astravault.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The lease, org and role entries of {@link dev.astravault.vault.VaultKvLeaseStore} as a check-and-set sees them:
 * listed, read with their KV version (a tombstone, or an entry an operator soft-deleted or destroyed, reads as no
 * record but keeps its version), written with check-and-set over reseals, and hard-deleted. The order of the writes
 * that makes an insert or a compare-and-set atomic stays in the store.
 */
public final class KvEntries {
  /** A stored lease entry: the record (null for a tombstone) and its KV version. */
  public record Stored(@Nullable LeaseRecord record, long kvVersion) {}

  /** A role as stored, its tag not yet checked. */
  public record TaggedRole(Role role, @Nullable String tag) {}

  /**
   * A role entry and its KV version; {@code role} is null for a tombstone (left by a conditional delete). The tag is
   * not checked here: the conditional writes compare the fields, as the JDBC store's do.
   */
  public record StoredRole(@Nullable TaggedRole role, long kvVersion) {
    public @Nullable Role fields() {
      return role == null ? null : role.role();
    }
  }

  private final VaultKv kv;
  private final KvCalls calls;
  private final KvPaths paths;
  private final KvCodec codec;

  public KvEntries(VaultKv kv, KvCalls calls, KvPaths paths, KvCodec codec) {
    this.kv = kv;
    this.calls = calls;
    this.paths = paths;
    this.codec = codec;
  }

  // ---- leases

  /** The ids of the lease entries that start with {@code prefix}, sorted; keys not written by the store left out. */
  public List<String> leaseIds(String prefix) {
    return writtenKeys("list leases", paths.leases()).stream().filter(id -> id.startsWith(prefix)).sorted().toList();
  }

  /** The entry; a soft-deleted or destroyed one (left by an operator) reads like a tombstone, with its version. */
  public Optional<Stored> lease(String leaseId) {
    VaultKv.Versioned v = calls.call("read lease " + leaseId,
        () -> kv.readVersioned("read lease", paths.lease(leaseId)));
    VaultKv.Entry e = v.live();
    if (e == null) {
      return v.version() == 0 ? Optional.empty() : Optional.of(new Stored(null, v.version()));
    }
    return Optional.of(new Stored(KvCodec.isTombstone(e) ? null : codec.decodeLease(leaseId, e), e.version()));
  }

  /**
   * Writes the lease entry with check-and-set on {@code kvVersion}. A write in between that left the record at
   * {@code recordVersion} was a reseal by {@link dev.astravault.vault.VaultKvLeaseStore#rotateKeys()} (every other
   * write moves the version on): the record is the one the caller read, so the write is tried again on top of it. The
   * entry is read whole (its seal opened): one rewritten outside the library throws rather than being written over.
   */
  public boolean writeIfVersion(String what, String leaseId, long recordVersion, long kvVersion,
      Supplier<Map<String, Object>> data) {
    return calls.writeOverReseals(what, paths.lease(leaseId), kvVersion, data, () -> lease(leaseId)
        .filter(now -> now.record() != null && now.record().version() == recordVersion).map(Stored::kvVersion));
  }

  // ---- orgs

  /** The ids of the org entries, sorted; keys not written by the store left out. */
  public List<String> orgIds() {
    return writtenKeys("list orgs", paths.orgs()).stream().sorted().toList();
  }

  // ---- roles

  /** The orgs that have a folder of role entries, in listing order. */
  public List<String> roleOrgIds() {
    List<String> out = new ArrayList<>();
    for (String folder : calls.call("list roles", () -> kv.list("list roles", paths.roles()))) {
      String orgKey = folder.endsWith("/") ? folder.substring(0, folder.length() - 1) : "";
      if (written(orgKey)) {
        out.add(unescape(orgKey));
      }
    }
    return out;
  }

  /** The names of an org's role entries, in listing order (tombstones included). */
  public List<String> roleNames(String orgId) {
    return writtenKeys("list roles", paths.roles(orgId));
  }

  /** The keys listed under {@code folder} that the store wrote, unescaped, in listing order. */
  private List<String> writtenKeys(String what, String folder) {
    return calls.call(what, () -> kv.list(what, folder)).stream().filter(KvPaths::written).map(KvPaths::unescape)
        .toList();
  }

  public Optional<StoredRole> role(String orgId, String name) {
    VaultKv.Versioned v = calls.call("read role " + name, () -> kv.readVersioned("read role", paths.role(orgId, name)));
    VaultKv.Entry e = v.live();
    if (e == null) {
      // Soft-deleted by an operator: no role, but a conditional write must name its version.
      return v.version() == 0 ? Optional.empty() : Optional.of(new StoredRole(null, v.version()));
    }
    return Optional.of(new StoredRole(KvCodec.isTombstone(e) ? null
        : new TaggedRole(KvCodec.decodeRole(orgId, name, e), e.string("tag")), e.version()));
  }

  /**
   * Writes the role entry with check-and-set on {@code kvVersion}; when that loses to a write that left the role's
   * fields equal to {@code expected} (a reseal by {@link dev.astravault.vault.VaultKvLeaseStore#rotateKeys()}), again
   * on top of it.
   */
  public boolean writeIfRole(String what, @Nullable Role expected, Role role, long kvVersion,
      Supplier<Map<String, Object>> data) {
    return calls.writeOverReseals(what, paths.role(role.orgId(), role.name()), kvVersion, data, () -> expected == null
        ? Optional.empty()
        : role(role.orgId(), role.name()).filter(now -> expected.equals(now.fields()))
            .map(StoredRole::kvVersion));
  }

  // ---- any entry

  /** Hard-deletes an entry, a soft-deleted one too (its metadata would stay listed); whether it was live. */
  public boolean deleteEntry(String what, String rel) {
    return calls.call(what, () -> {
      VaultKv.Versioned v = kv.readVersioned(what, rel);
      if (v.live() == null && v.version() == 0) {
        return false;
      }
      kv.destroy(what, rel);
      return v.live() != null;
    });
  }
}

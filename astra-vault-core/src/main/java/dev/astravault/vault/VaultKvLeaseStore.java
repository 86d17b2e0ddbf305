package dev.astravault.vault;

import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.StoreException;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.internal.crypto.SecretCipher;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.internal.store.RowBindings;
import dev.astravault.internal.store.UnreadableRows;
import dev.astravault.internal.support.Validation;
import dev.astravault.internal.vault.KvCalls;
import dev.astravault.internal.vault.KvCodec;
import dev.astravault.internal.vault.KvEntries;
import dev.astravault.internal.vault.KvEntries.Stored;
import dev.astravault.internal.vault.KvEntries.StoredRole;
import dev.astravault.internal.vault.KvIndexes;
import dev.astravault.internal.vault.KvIndexes.Key;
import dev.astravault.internal.vault.KvKeyRotation;
import dev.astravault.internal.vault.KvPaths;
import dev.astravault.internal.vault.VaultKv;
import dev.astravault.internal.vault.VaultSession;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * A durable {@link LeaseStore} on a Vault KV version 2 engine, for applications that already run Vault and would
 * rather not run a database. Several managers may share it.
 *
 * <pre>{@code
 * LeaseStore store = VaultKvLeaseStore.builder(vaultConfig)
 *     .mount("secret").pathPrefix("astra-vault/orders-service")
 *     .keyProvider(VaultKeyProvider.of(vaultConfig, KvPath.v2("secret", "astra-vault/store-key")))
 *     .build();
 * }</pre>
 *
 * <p><b>Layout</b> under {@code <mount>/<prefix>/}: {@code leases/<id>}, {@code triples/<org>/<role>/<name>/primary}
 * (or {@code /successor}), {@code clients/<client id>}, {@code holders/<org id>/<role id>/<lease id>} (the leases
 * that carry an Astra role id, for {@link #holdsRole}), {@code orgs/<org id>} and {@code roles/<org id>/<name>}.
 * Path segments are escaped ({@code ~} and two hex digits for any byte outside {@code [A-Za-z0-9_-]}), so a lease id's
 * {@code /} stays inside one segment.
 *
 * <p><b>Atomicity</b> comes from KV v2's check-and-set. A lease's KV version is read together with the record, and
 * every change writes with {@code cas} set to it, so of concurrent compare-and-sets exactly one is stored. An insert
 * writes the record with {@code cas=0} (create only), then claims its (org, role, logical name, successor) key by
 * writing the key's claim entry with {@code cas=0}, or with the claim's version when the claim is free or its holder
 * is gone; the loser of a claim removes its record and gets {@link TokenAlreadyExistsException}. A primary's insert
 * then reads the successor claim and, if a successor record holds it, takes itself back the same way. A delete first
 * replaces the record by a tombstone with {@code cas} (the atomic step: exactly one delete wins), then frees the
 * claim and hard-deletes the entry (the driver's KV v2 {@code delete} removes the metadata and all versions). Lease
 * ids are never reused, which is what makes that final hard delete safe. Role names are reused, so a conditional role
 * delete ({@link #deleteRole(Role)}) leaves its tombstone in place (reads skip it, the next write replaces it).
 *
 * <p><b>The engine</b> must be KV version 2: every compare-and-set above is KV v2's check-and-set, which KV v1 lacks
 * (it stores the request body as plain data and takes every {@code cas} unchecked), so the store cannot be correct on
 * v1. At its first use (or {@link #checkMount()}) the store asks Vault the mount's engine and version, as
 * {@code vault kv get} does ({@code sys/internal/ui/mounts/<mount>/<prefix>}, answered for any token that may do
 * something under the mount), and refuses a KV v1 mount, one that is not KV, or a mount set one level off (Vault
 * serves {@code <mount>/<prefix>} from another mount, e.g. {@code team/kv} for mount {@code team} and prefix
 * {@code kv/x}) with a {@link StoreException} naming the mount, whose cause is a {@link VaultKvMountException}
 * ({@code requiredKvVersion() == 2}); nothing is read or written. If Vault will not say, a KV v1 mount is still
 * refused at the first write. {@code cas_required} on the mount or a key is fine: every write names a version. An
 * entry soft-deleted or destroyed by an operator ({@code vault kv delete}) reads as absent, and a later write names
 * its version. A mount with
 * {@code delete_version_after} set is refused at first use ({@link StoreException} naming the mount and the value):
 * Vault would soft-delete live leases and claims after that time. The store reads {@code <mount>/config} for it; a
 * policy without {@code read} there gets one WARN and the store proceeds unchecked (a 403 before any call of the
 * store succeeded may be a bad token's, so it is not taken for the policy's: the next call asks again).
 *
 * <p><b>Limits.</b> The finders and lists read every lease entry (one LIST, then one read per lease), so keep a store
 * to a few thousand leases; use {@link dev.astravault.store.JdbcLeaseStore} beyond that. While an insert is being
 * refused, its record is briefly visible to readers. The logical-name uniqueness of orgs is checked, not enforced
 * atomically (orgs are written by operators). Claims freed by a crashed manager stay held until their holder is
 * deleted.
 *
 * <p><b>Secrets</b> (token secrets, root tokens) are sealed with AES-256-GCM under the {@link KeyProvider}'s current
 * key, with what they belong to as associated data, exactly as {@link dev.astravault.store.JdbcLeaseStore} does;
 * Vault never sees them in clear. A lease entry without a secret (PENDING) holds a tag in {@code secret_ct} instead,
 * and a role entry one in {@code tag}: an empty value sealed with the entry's every field; an entry whose seal fails,
 * or which has none, is refused. Vault failures surface as {@link StoreException} with the Vault exception as cause.
 */
public final class VaultKvLeaseStore implements LeaseStore {
  private static final Logger LOG = Redaction.logger(VaultKvLeaseStore.class);
  private final VaultKv kv;
  private final KvCalls calls;
  private final KvPaths paths;
  private final SecretCipher cipher;
  private final KvCodec codec;
  private final KvEntries entries;
  private final KvIndexes indexes;
  private final KvKeyRotation rotation;
  private final UnreadableRows unreadable = new UnreadableRows(VaultKvLeaseStore.class);

  private VaultKvLeaseStore(VaultKv kv, String prefix, SecretCipher cipher) {
    this.kv = kv;
    this.calls = new KvCalls(kv, prefix, VaultKvLeaseStore.class);
    this.paths = new KvPaths(prefix);
    this.cipher = cipher;
    this.codec = new KvCodec(cipher);
    this.entries = new KvEntries(kv, calls, paths, codec);
    this.indexes = new KvIndexes(kv, calls, paths, this::get);
    this.rotation = new KvKeyRotation(kv, calls, paths, entries, codec, cipher);
  }

  /**
   * Starts a store that logs in to Vault with {@code vault}'s address, TLS and credentials.
   *
   * @param vault where Vault is and how to log in
   * @return a builder
   */
  public static Builder builder(VaultConfig vault) {
    return new Builder(Objects.requireNonNull(vault, "vault"));
  }

  // ------------------------------------------------------------------ leases

  @Override
  public Optional<LeaseRecord> get(String leaseId) {
    return Optional.ofNullable(entries.lease(leaseId).map(Stored::record).orElse(null));
  }

  @Override
  public Optional<LeaseRecord> findByTriple(String orgId, String roleName, String logicalName) {
    return indexes.holderRecord(new Key(orgId, roleName, logicalName, false));
  }

  @Override
  public Optional<LeaseRecord> findByClientId(String clientId) {
    return indexes.leaseIdOfClient(clientId).flatMap(this::get)
        .filter(r -> r.clientId().equals(Optional.of(clientId)));
  }

  @Override
  public List<LeaseRecord> list(String prefix) {
    List<LeaseRecord> out = new ArrayList<>();
    for (String id : entries.leaseIds(prefix)) {
      get(id).ifPresent(out::add);
    }
    return List.copyOf(out);
  }

  @Override
  public List<LeaseRecord> list(String prefix, BiConsumer<String, StoreException> unreadable) {
    List<LeaseRecord> out = new ArrayList<>();
    for (String id : entries.leaseIds(prefix)) {
      try {
        get(id).ifPresent(out::add);
      } catch (StoreException e) {
        if (!UnreadableRows.unreadable(e)) {
          throw e;
        }
        unreadable.accept(id, e);
      }
    }
    return List.copyOf(out);
  }

  /**
   * Every lease this instance can read, for the finders: a row it cannot read (an unknown key, a rewritten value) is
   * left out and reported, so that it cannot stop the sweeper or recovery; a failure of Vault still throws. Every
   * entry is read anyway, so the rows left out never take the place of readable ones in a batch.
   */
  private List<LeaseRecord> readable() {
    List<LeaseRecord> out = new ArrayList<>();
    for (String id : entries.leaseIds("")) {
      try {
        get(id).ifPresent(out::add);
        unreadable.readable(id);
      } catch (StoreException e) {
        if (!UnreadableRows.unreadable(e)) {
          throw e;
        }
        unreadable.skipped(id, e);
      }
    }
    return out;
  }

  @Override
  public List<LeaseRecord> expiringBefore(Instant instant, int limit) {
    return readable().stream()
        .filter(r -> r.state() == LeaseState.ACTIVE && r.expiresAt().isBefore(instant))
        .sorted(Comparator.comparing(LeaseRecord::expiresAt).thenComparing(LeaseRecord::leaseId))
        .limit(limit)
        .toList();
  }

  @Override
  public List<LeaseRecord> pendingBefore(Instant instant, int limit) {
    return readable().stream()
        .filter(r -> r.state() == LeaseState.PENDING && r.issuedAt().isBefore(instant))
        .sorted(Comparator.comparing(LeaseRecord::issuedAt).thenComparing(LeaseRecord::leaseId))
        .limit(limit)
        .toList();
  }

  @Override
  public List<LeaseRecord> changedBefore(LeaseState state, Instant instant, int limit) {
    return readable().stream()
        .filter(r -> r.state() == state && r.stateChangedAt().map(t -> t.isBefore(instant)).orElse(true))
        .sorted(Comparator.comparing((LeaseRecord r) -> r.stateChangedAt().orElse(Instant.MIN))
            .thenComparing(LeaseRecord::leaseId))
        .limit(limit)
        .toList();
  }

  @Override
  public void insert(LeaseRecord record) {
    Objects.requireNonNull(record, "record");
    String id = record.leaseId();
    Optional<Stored> existing = entries.lease(id);
    if (existing.isPresent() && existing.get().record() != null) {
      throw new IllegalStateException("lease " + id + " is already stored");
    }
    long cas = existing.map(Stored::kvVersion).orElse(0L);
    // Looked for before too: a primary that claimed its slot and then backed out would make a concurrent promotion
    // of the successor lose to nobody (KV has no lock to wait on).
    Optional<Key> key = Key.of(record);
    if (key.isPresent() && !key.get().successor()) {
      indexes.refuseIfSuccessorHeld(key.get());
    }
    indexes.markHolder(record);
    if (!calls.write("insert lease " + id, paths.lease(id), codec.encode(record), cas)) {
      throw new IllegalStateException("lease " + id + " is already stored");
    }
    if (key.isPresent()) {
      try {
        indexes.claim(key.get(), id);
        if (!key.get().successor()) {
          indexes.refuseIfSuccessorHeld(key.get());
        }
      } catch (RuntimeException e) {
        // The record went in first so that a claim never points at a record still to come; take it back.
        remove(id);
        throw e;
      }
    }
    record.clientId().ifPresent(c -> indexes.indexClient(c, id));
  }

  @Override
  public boolean compareAndSet(LeaseRecord expected, LeaseRecord updated) {
    LeaseStore.checkSuccessor(expected, updated);
    String id = updated.leaseId();
    Optional<Stored> stored = entries.lease(id);
    if (stored.isEmpty() || stored.get().record() == null
        || stored.get().record().version() != expected.version()) {
      return false;
    }
    LeaseRecord current = Objects.requireNonNull(stored.get().record());
    Optional<Key> oldKey = Key.of(current);
    Optional<Key> newKey = Key.of(updated);
    boolean roleMoves = !current.orgId().equals(updated.orgId()) || !current.roleId().equals(updated.roleId());
    if (roleMoves) {
      indexes.markHolder(updated);   // before the record, as on insert; a lost race leaves it for holdsRole to skip
    }
    boolean claimed = false;
    if (newKey.isPresent() && !newKey.equals(oldKey)) {
      indexes.claim(newKey.get(), id);
      claimed = true;
    }
    Optional<String> newClient = updated.clientId().filter(c -> !updated.clientId().equals(current.clientId()));
    // The index goes first: findByClientId checks the record, so an index entry ahead of its record is harmless.
    newClient.ifPresent(c -> indexes.indexClient(c, id));
    if (!entries.writeIfVersion("update lease " + id, id, expected.version(), stored.get().kvVersion(),
        () -> codec.encode(updated))) {
      if (claimed) {
        indexes.release(newKey.get(), id);
      }
      return false;
    }
    // Stored: from here on it is true whatever happens to the tidying below, whose leftovers no reader counts.
    if (oldKey.isPresent() && !oldKey.equals(newKey)) {
      tidy(id, () -> indexes.release(oldKey.get(), id));
    }
    if (roleMoves) {
      tidy(id, () -> indexes.unmarkHolder(current));
    }
    if (newClient.isPresent()) {
      current.clientId().ifPresent(c -> tidy(id, () -> indexes.dropClient(c)));
    }
    return true;
  }

  /**
   * A step after a change was stored (freeing a claim, dropping an index entry, the hard delete): a failure is logged,
   * not thrown, since throwing would tell the caller the change may not have happened, and a retry of it would then
   * find its own change and report a lost race. What is left names a record that no longer carries it, so every
   * reader skips it (docs/stores.md).
   */
  private void tidy(String leaseId, Runnable step) {
    try {
      step.run();
    } catch (StoreException e) {
      LOG.warn("Vault KV lease store: lease {} was stored, but tidying its index entries failed; they are left for "
          + "readers to skip: {}", leaseId, e.getMessage());
    }
  }

  @Override
  public boolean delete(LeaseRecord expected) {
    String id = expected.leaseId();
    Optional<Stored> stored = entries.lease(id);
    if (stored.isEmpty() || stored.get().record() == null
        || stored.get().record().version() != expected.version()) {
      return false;
    }
    LeaseRecord current = Objects.requireNonNull(stored.get().record());
    if (!entries.writeIfVersion("delete lease " + id, id, expected.version(), stored.get().kvVersion(),
        KvCodec::tombstone)) {
      return false;
    }
    cleanUp(current);
    return true;
  }

  /** Takes back a record this store just inserted (its claim was refused). */
  private void remove(String id) {
    Optional<Stored> stored = entries.lease(id);
    if (stored.isPresent() && stored.get().record() != null) {
      if (calls.write("remove lease " + id, paths.lease(id), KvCodec.tombstone(), stored.get().kvVersion())) {
        cleanUp(Objects.requireNonNull(stored.get().record()));
      }
    }
  }

  /** After a tombstone: frees the claim and the client index, then hard-deletes the entry (metadata included). */
  private void cleanUp(LeaseRecord deleted) {
    String id = deleted.leaseId();
    Key.of(deleted).ifPresent(k -> tidy(id, () -> indexes.release(k, id)));
    deleted.clientId().ifPresent(c -> tidy(id, () -> indexes.dropClient(c)));
    tidy(id, () -> calls.run("hard-delete lease " + id, () -> kv.destroy("hard-delete lease", paths.lease(id))));
    tidy(id, () -> indexes.unmarkHolder(deleted));
  }

  /**
   * Whether a record of the org carries the role id, from {@code holders/<org>/<role id>/}: one LIST and a read of
   * each listed lease until one still carries it. An entry is written before its record takes the role id and
   * removed only after the record lost it, so the folder names every holder; an entry left behind by a crash (or a
   * lost compare-and-set) costs one read and is never counted.
   */
  @Override
  public boolean holdsRole(String orgId, String roleId) {
    return indexes.holdsRole(orgId, roleId);
  }

  // ------------------------------------------------------------------ orgs

  @Override
  public void putOrg(OrgConfig org) {
    Objects.requireNonNull(org, "org");
    // By id, without opening the other org: an unreadable one still holds its name and must not fail this write.
    Optional<String> clash = orgIdByLogicalName(org.logicalName()).filter(id -> !id.equals(org.orgId()));
    if (clash.isPresent()) {
      throw new IllegalArgumentException("logicalName '" + org.logicalName() + "' is already used by org "
          + clash.get());
    }
    calls.run("write org " + org.orgId(), () -> kv.put("write org", paths.org(org.orgId()), codec.encode(org)));
  }

  @Override
  public Optional<OrgConfig> org(String orgId) {
    return calls.call("read org " + orgId, () -> kv.read("read org", paths.org(orgId)))
        .map(e -> codec.decodeOrg(orgId, e));
  }

  @Override
  public Optional<OrgConfig> orgByLogicalName(String logicalName) {
    // Found by the logical_name field, then only that org is opened: another org's damaged entry is not read.
    return orgIdByLogicalName(logicalName).flatMap(this::org);
  }

  /** The id of the org whose entry holds this logical name, read without opening any config. */
  private Optional<String> orgIdByLogicalName(String logicalName) {
    for (String orgId : storedOrgIds()) {
      Optional<VaultKv.Entry> e = calls.call("read org " + orgId, () -> kv.read("read org", paths.org(orgId)));
      if (e.isPresent() && logicalName.equals(e.get().string("logical_name"))) {
        return Optional.of(orgId);
      }
    }
    return Optional.empty();
  }

  @Override
  public List<OrgConfig> orgs() {
    List<OrgConfig> out = new ArrayList<>();
    for (String orgId : storedOrgIds()) {
      try {
        org(orgId).ifPresent(out::add);
        unreadable.readableOrg(orgId);
      } catch (StoreException e) {
        if (!UnreadableRows.unreadable(e)) {
          throw e;
        }
        unreadable.skippedOrg(orgId, e);   // one damaged entry must not hide every other org
      }
    }
    return List.copyOf(out);
  }

  @Override
  public List<String> storedOrgIds() {
    return entries.orgIds();
  }

  @Override
  public boolean deleteOrg(String orgId) {
    return entries.deleteEntry("delete org " + orgId, paths.org(orgId));
  }

  @Override
  public Optional<String> storedOrgId(String idOrLogicalName) {
    // The entry's path and its logical_name field only: neither the URL nor the root token is opened.
    if (calls.call("read org " + idOrLogicalName, () -> kv.read("read org", paths.org(idOrLogicalName))).isPresent()) {
      return Optional.of(idOrLogicalName);
    }
    return orgIdByLogicalName(idOrLogicalName);
  }

  // ------------------------------------------------------------------ roles

  @Override
  public void putRole(Role role) {
    calls.run("write role " + role.name(),
        () -> kv.put("write role", paths.role(role.orgId(), role.name()), codec.encode(role)));
  }

  /**
   * The role, its tag checked (the org and name are the entry's path, so an entry copied to another path fails too).
   *
   * @throws dev.astravault.SecretDecryptionException ({@code TAMPERED}) naming the org and role if it was rewritten
   */
  @Override
  public Optional<Role> role(String orgId, String name) {
    return entries.role(orgId, name).flatMap(s -> Optional.ofNullable(s.role()))
        .map(r -> RowBindings.checkRoleTag(cipher, r.tag(), r.role()));
  }

  // Check-and-set with the KV version read: a write in between changes the version, and Vault refuses ours. A
  // conditional delete writes a tombstone the same way and leaves it (a hard delete after it could destroy a role
  // written in between, since names come back); role() and roles() skip tombstones, putRole overwrites them.
  @Override
  public boolean compareAndSetRole(@Nullable Role expected, Role updated) {
    LeaseStore.checkSameRole(expected, updated);
    Optional<StoredRole> stored = entries.role(updated.orgId(), updated.name());
    Role current = stored.map(StoredRole::fields).orElse(null);
    if (!Objects.equals(current, expected)) {
      return false;
    }
    return entries.writeIfRole("update role " + updated.name(), expected, updated, stored.map(StoredRole::kvVersion)
        .orElse(0L), () -> codec.encode(updated));
  }

  @Override
  public boolean deleteRole(Role expected) {
    Optional<StoredRole> stored = entries.role(expected.orgId(), expected.name());
    if (stored.isEmpty() || !expected.equals(stored.get().fields())) {
      return false;
    }
    return entries.writeIfRole("delete role " + expected.name(), expected, expected, stored.get().kvVersion(),
        KvCodec::tombstone);
  }

  /** Leaves out (with a WARN) a role this store cannot read: one damaged role must not hide the org's others. */
  @Override
  public List<Role> roles(String orgId) {
    List<Role> out = new ArrayList<>();
    for (String name : entries.roleNames(orgId)) {
      try {
        role(orgId, name).ifPresent(out::add);
        unreadable.readableRole(orgId, name);
      } catch (StoreException e) {
        if (!UnreadableRows.unreadable(e)) {
          throw e;
        }
        unreadable.skippedRole(orgId, name, e);
      }
    }
    out.sort(Comparator.comparing(Role::name));
    return List.copyOf(out);
  }

  @Override
  public boolean deleteRole(String orgId, String name) {
    Optional<StoredRole> stored = entries.role(orgId, name);
    if (stored.isEmpty()) {
      return false;
    }
    calls.run("delete role " + name, () -> kv.destroy("delete role", paths.role(orgId, name)));
    return stored.get().role() != null;   // a tombstone counts as no role
  }

  // ------------------------------------------------------------------ key rotation

  /**
   * Reseals every lease entry (its secret, or its tag), org entry (root token) and role entry (tag) whose seal is
   * not under the current key, as {@link dev.astravault.store.JdbcLeaseStore#rotateKeys()} does. One full pass,
   * reading every entry as the finders do (keep the store to its size limit). Every stale entry is opened or
   * verified with its old key before any is written, so one that fails (rewritten, sealed under a key the provider
   * lacks, or without a seal) stops the pass with nothing rewritten and is never sealed afresh. Each is then written
   * with check-and-set on the KV version it was read at: a write in between wins, and the entry is not counted (its
   * writer sealed it afresh under its own current key; a later call finds it if that was still the old one). A reseal
   * keeps the record's version, so the compare-and-sets of managers that read the entry before it try again on top
   * of it.
   *
   * @return how many entries were resealed
   * @throws dev.astravault.SecretDecryptionException naming an entry whose seal or tag cannot be opened
   */
  @Override
  public int rotateKeys() {
    return rotation.rotateKeys();
  }

  /**
   * Checks the mount now, as the store's first call does: that it is a KV version 2 engine (asked of Vault, as
   * {@code vault kv get} does) and has no {@code delete_version_after}. {@link Builder#build()} contacts nobody, so
   * startup code that would rather fail at once than at the first lease calls this; Spring Boot's auto-configuration
   * and the CLI do. As at the first call, a 403 before any call of this store succeeded leaves the check to the next
   * call (it may be a bad token's), and a passed check is not made again.
   *
   * @throws StoreException if the mount is refused, naming it: its cause is a {@link VaultKvMountException}
   *     ({@link VaultKvMountException#kvVersion()}, {@link VaultKvMountException#requiredKvVersion()} 2) when it is
   *     KV version 1 or not KV, or Vault serves {@code <mount>/<prefix>} from another mount (set one level off;
   *     {@link VaultKvMountException#mount()} is Vault's); or if Vault cannot be read
   */
  public void checkMount() {
    calls.checkMount();
  }

  @Override
  public String toString() {
    return "VaultKvLeaseStore[" + kv.mount() + "/" + paths.prefix() + "]";
  }

  /** Builds a {@link VaultKvLeaseStore}. A {@link #keyProvider} is required. */
  public static final class Builder {
    private final VaultConfig vault;
    private String mount = "secret";
    private String pathPrefix = "astra-vault";
    private @Nullable KeyProvider keyProvider;
    private Clock clock = Clock.systemUTC();

    private Builder(VaultConfig vault) {
      this.vault = vault;
    }

    /**
     * The KV version 2 engine's mount (default {@code secret}); e.g. {@code team/kv}.
     *
     * @param mount the mount
     * @return this builder
     */
    public Builder mount(String mount) {
      this.mount = KvPath.v2(mount, "x").mount();
      return this;
    }

    /**
     * The folder under the mount that holds this store (default {@code astra-vault}).
     *
     * @param prefix the folder
     * @return this builder
     */
    public Builder pathPrefix(String prefix) {
      this.pathPrefix = Validation.vaultPath("pathPrefix", prefix, "astra-vault", false);
      return this;
    }

    /**
     * The keys that encrypt secrets before they are written to Vault. Required.
     *
     * @param keys the key provider
     * @return this builder
     */
    public Builder keyProvider(KeyProvider keys) {
      this.keyProvider = Objects.requireNonNull(keys, "keyProvider");
      return this;
    }

    /**
     * The clock that times the renewal of the Vault token. Injected so that tests drive it.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the store; a key provider is required.
     *
     * @return the store
     */
    public VaultKvLeaseStore build() {
      if (keyProvider == null) {
        throw new IllegalStateException("VaultKvLeaseStore needs a keyProvider to encrypt secrets at rest "
            + "(e.g. VaultKeyProvider.of(..) or KeyProvider.fromEnv())");
      }
      VaultKv kv = new VaultKv(new VaultSession(vault, clock), mount, 2);
      return new VaultKvLeaseStore(kv, pathPrefix, new SecretCipher(keyProvider));
    }
  }
}

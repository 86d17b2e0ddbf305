package dev.astravault.internal.vault;

import static dev.astravault.internal.vault.KvPaths.unescape;
import static dev.astravault.internal.vault.KvPaths.written;

import dev.astravault.IssueStyle;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseStore;
import dev.astravault.TokenAlreadyExistsException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The entries of {@link dev.astravault.vault.VaultKvLeaseStore} that point at lease records: the claims of
 * (org, role, logical name) keys under {@code triples/}, the role holders under {@code holders/} and the client ids
 * under {@code clients/}. None is the truth: each is checked against the record it names, read through
 * {@code leases} (the store's {@code get}), so one left behind by a crash is never counted.
 */
public final class KvIndexes {
  /** The key a UNIQUE lease claims: its (org, role, logical name), as primary or as successor. */
  public record Key(String orgId, String roleName, String logicalName, boolean successor) {
    public static Optional<Key> of(LeaseRecord r) {
      return r.style() == IssueStyle.UNIQUE
          ? Optional.of(new Key(r.orgId(), r.roleName(), r.logicalName().orElseThrow(), r.successor()))
          : Optional.empty();
    }

    public TokenAlreadyExistsException taken() {
      return new TokenAlreadyExistsException(orgId, roleName, logicalName);
    }
  }

  private final VaultKv kv;
  private final KvCalls calls;
  private final KvPaths paths;
  private final Function<String, Optional<LeaseRecord>> leases;

  public KvIndexes(VaultKv kv, KvCalls calls, KvPaths paths, Function<String, Optional<LeaseRecord>> leases) {
    this.kv = kv;
    this.calls = calls;
    this.paths = paths;
    this.leases = leases;
  }

  // ---- claims

  /** The record that holds {@code key}: the claim's lease, if it still carries the key. */
  public Optional<LeaseRecord> holderRecord(Key key) {
    return holder(key).flatMap(leases).filter(r -> Key.of(r).equals(Optional.of(key)));
  }

  /** The lease id a claim names, if the claim exists and is not free. */
  private Optional<String> holder(Key key) {
    return calls.call("read triple claim", () -> kv.read("read triple claim", claimPath(key)))
        .map(e -> e.string("lease_id")).filter(s -> !s.isEmpty());
  }

  /**
   * Makes {@code leaseId} the holder of {@code key}: creates the claim with {@code cas=0}, or takes it over with
   * {@code cas} of its version when it is free or its holder record is gone.
   */
  public void claim(Key key, String leaseId) {
    String path = claimPath(key);
    while (true) {
      VaultKv.Versioned claim = calls.call("read triple claim", () -> kv.readVersioned("read triple claim", path));
      // Missing, or soft-deleted by an operator (free, but cas must name its version, not 0).
      VaultKv.Entry live = claim.live();
      if (live != null) {
        String holder = Objects.requireNonNullElse(live.string("lease_id"), "");
        if (holder.equals(leaseId)) {
          return;
        }
        if (!holder.isEmpty() && leases.apply(holder).filter(r -> !promotedFrom(key, r)).isPresent()) {
          throw key.taken();
        }
      }
      // Names this lease: a lost answer on a write that did take is settled by reading it back (KvCalls.write).
      if (calls.write("claim triple", path, claimData(key, leaseId), claim.version())) {
        return;
      }
      // Someone else changed the claim meanwhile: look again.
    }
  }

  /**
   * Whether {@code holder}, named by the successor claim {@code key}, has since been promoted to the triple's primary
   * (its compare-and-set stored, the claim's release lost): it no longer holds the claim. Only this direction: the
   * engine promotes successors and never makes a record a successor again, while a record named by a claim it does
   * not carry yet may be in the middle of a compare-and-set that takes it.
   */
  private static boolean promotedFrom(Key key, LeaseRecord holder) {
    return key.successor() && Key.of(holder).equals(Optional.of(
        new Key(key.orgId(), key.roleName(), key.logicalName(), false)));
  }

  /**
   * A primary's insert, once it holds the primary claim: refused while a successor holds the triple (see
   * {@link LeaseStore}'s insert-unique). Read after the claim is taken, so every successor claimed before the primary
   * claim became free is seen.
   */
  public void refuseIfSuccessorHeld(Key primary) {
    Key successor = new Key(primary.orgId(), primary.roleName(), primary.logicalName(), true);
    // A claim left naming a promoted lease (a crash inside its compare-and-set) does not count: as in findByTriple.
    if (holderRecord(successor).isPresent()) {
      throw primary.taken();
    }
  }

  /** Frees {@code key} if {@code leaseId} still holds it; losing that race means someone else holds it now. */
  public void release(Key key, String leaseId) {
    String path = claimPath(key);
    Optional<VaultKv.Entry> claim = calls.call("read triple claim", () -> kv.read("read triple claim", path));
    if (claim.isPresent() && leaseId.equals(claim.get().string("lease_id"))) {
      calls.write("release triple claim", path, claimData(key, ""), claim.get().version());
    }
  }

  private String claimPath(Key key) {
    return paths.claim(key.orgId(), key.roleName(), key.logicalName(), key.successor());
  }

  private static Map<String, Object> claimData(Key key, String leaseId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("lease_id", leaseId);
    m.put("org_id", key.orgId());
    m.put("role_name", key.roleName());
    m.put("logical_name", key.logicalName());
    m.put("successor", String.valueOf(key.successor()));
    return m;
  }

  // ---- role holders

  /**
   * Whether a record of the org carries the role id, from {@code holders/<org>/<role id>/}: one LIST and a read of
   * each listed lease until one still carries it. An entry is written before its record takes the role id and
   * removed only after the record lost it, so the folder names every holder; an entry left behind by a crash (or a
   * lost compare-and-set) costs one read and is never counted.
   */
  public boolean holdsRole(String orgId, String roleId) {
    for (String k : calls.call("list role holders", () -> kv.list("list role holders", paths.holders(orgId, roleId)))) {
      if (written(k)) {
        Optional<LeaseRecord> r = leases.apply(unescape(k));
        if (r.isPresent() && r.get().orgId().equals(orgId) && r.get().roleId().equals(roleId)) {
          return true;
        }
      }
    }
    return false;
  }

  public void markHolder(LeaseRecord r) {
    // cas=0: lease ids are never reused, so an entry already there (even soft-deleted: still listed) says the same.
    calls.write("mark role holder", holderPath(r), Map.of("lease_id", r.leaseId()), 0L);
  }

  public void unmarkHolder(LeaseRecord r) {
    calls.run("unmark role holder", () -> kv.destroy("unmark role holder", holderPath(r)));
  }

  private String holderPath(LeaseRecord r) {
    return paths.holder(r.orgId(), r.roleId(), r.leaseId());
  }

  // ---- client ids

  /** The lease id the client id's index entry names; the caller checks the record still carries the client id. */
  public Optional<String> leaseIdOfClient(String clientId) {
    return calls.call("find lease by client id", () -> kv.read("read client index",
        paths.client(clientId))).map(e -> e.string("lease_id"));
  }

  public void indexClient(String clientId, String leaseId) {
    calls.run("index client id", () -> kv.put("index client id", paths.client(clientId), Map.of("lease_id", leaseId)));
  }

  public void dropClient(String clientId) {
    calls.run("drop client index", () -> kv.destroy("drop client index", paths.client(clientId)));
  }
}

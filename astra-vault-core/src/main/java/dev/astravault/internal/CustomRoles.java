package dev.astravault.internal;

import dev.astravault.AstraApiException;
import dev.astravault.AstraNotFoundException;
import dev.astravault.AstraToken;
import dev.astravault.ConflictException;
import dev.astravault.LeaseRecord;
import dev.astravault.OrgConfig;
import dev.astravault.ReconcileReport;
import dev.astravault.Role;
import dev.astravault.Scheduler;
import dev.astravault.Scope;
import dev.astravault.ScopeNotSupportedException;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.TokenRequest;
import dev.astravault.event.RoleDeleted;
import dev.astravault.internal.astra.AstraDevOps;
import dev.astravault.internal.astra.RemoteRole;
import dev.astravault.internal.astra.RolePolicy;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.internal.support.Descriptions;
import dev.astravault.internal.support.Validation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The custom Astra roles behind scoped tokens (issue 17): one role per distinct policy, created before its first
 * token, shared by every lease of that policy, and deleted a grace period after its last lease ended.
 *
 * <p><b>Write-ahead record.</b> Each role this deployment may have made is a {@link Role} entry in the
 * {@link dev.astravault.LeaseStore} under its reserved local name {@code astra-vault-<fingerprint>}: written (with the
 * placeholder id {@value #PENDING_ID}) before the POST, completed with Astra's id after it, and removed only after
 * the role is gone in Astra. Every store already keeps roles, so no new record kind and no migration are needed.
 *
 * <p><b>Reference count.</b> A role is in use while any lease record of its org, in any state, carries its role id
 * (a REVOKE_FAILED token still exists in Astra and still holds the role). It is counted from the store, never from
 * memory, so that other processes sharing the store count too.
 *
 * <p><b>Deletion.</b> When a lease ends and its role is unused, a deletion is scheduled after the grace period; it
 * checks again before deleting. Managers of a fleet share the store, not their locks, so a deletion first marks the
 * record ({@link #DELETING_PREFIX}, a compare-and-set), then counts holders; an issue stores its lease, then re-reads
 * the record before it makes the token ({@link #stillTaken}). No role is deleted under a token (see {@link #delete}).
 * Recovery deletes roles found unused on passes at least the grace period apart (a crash between role and token, or
 * between last revoke and role deletion), finishes or undoes marks left by a crashed deleter (a live deleter settles
 * its own, even when another manager took its deletion over for a moment: {@link #settleOrFollow}), and with the orphan
 * sweep deletes roles in Astra that carry this deployment's exact tag but have no record. A role is deleted in Astra
 * only when its policy description is exactly this deployment's tag for its name: roles of other deployments, or not
 * made by astra-vault, are never touched.
 *
 * <p>Why this class is long: a custom role's whole life (ensure, release, grace deletion, recovery, reconcile) turns
 * on the same write-ahead record and the same rule for which roles are ours; kept together, that rule is written
 * once.
 */
public final class CustomRoles {
  private static final Logger LOG = Redaction.logger(CustomRoles.class);
  /** The prefix of every custom role name; also the reserved prefix of local role names. */
  public static final String PREFIX = Scope.ROLE_PREFIX;
  /** The role id of a write-ahead record whose POST has not answered yet. */
  static final String PENDING_ID = "pending-create";
  /**
   * The start of a role record's id while a manager deletes the role: {@code deleting:<attempt>:<role id>} (the role
   * id may be {@value #PENDING_ID}). {@code <attempt>} is random per deletion attempt, so that a deleter's
   * conditional writes fail once another manager took its deletion over.
   */
  public static final String DELETING_PREFIX = "deleting:";
  // How often one issue goes back to the record when a deleter got in its way before it gives up (ConflictException).
  static final int ROLE_ATTEMPTS = 3;
  /**
   * How often a deleter whose last write on its own mark failed looks again for its mark, put back by the manager that
   * took its deletion over (see {@code follow}); the delays double from {@link #FOLLOW_FIRST_DELAY}, about four
   * minutes in all, below the default grace period after which recovery settles a mark left behind.
   */
  public static final int FOLLOW_ATTEMPTS = 8;
  /** The delay before a deleter's first look again at its mark (see {@link #FOLLOW_ATTEMPTS}). */
  public static final Duration FOLLOW_FIRST_DELAY = Duration.ofSeconds(1);
  /** Metadata key naming a scoped lease's custom role (reserved: requests may not set it). */
  public static final String ROLE_KEY = "astra-vault.role";
  /** Metadata key carrying a scoped lease's scope, readable, for audit and listings. */
  public static final String SCOPE_KEY = "astra-vault.scope";
  private static final int HASH_CHARS = 32;
  private static final String ORPHAN = "#orphan";
  private static final int MAX_SCOPE_TEXT = 512;

  private final RealTokenManager engine;
  private final Scheduler scheduler;
  private volatile Duration grace = Duration.ofMinutes(5);
  // Two kinds of lock, both in this process only (other processes are kept out by the store's compare-and-set on the
  // role record). A role's own lock (roleLock) makes its use and its deletion exclusive: an issue taking the
  // role and the deletion deciding it is unused and calling Astra never interleave. It is held across Astra calls, so
  // it is per role: a slow create or delete of one role never holds up issues that need another. `lock` guards only
  // the bookkeeping below, never across I/O, and is taken inside a role's lock, never around one.
  private final Object lock = new Object();
  // org/name -> the role's lock. Never shrinks: one small object per custom role this process touched, which Astra's
  // limit on custom roles per org bounds; removing them would let two threads hold "the" lock of one role.
  private final Map<String, Object> roleLocks = new ConcurrentHashMap<>();
  // Under lock: org/name -> the scheduled deletion; -> when this process last handed the role to an issue; -> when a
  // recovery pass first saw it unused.
  private final Map<String, Scheduler.Task> deletions = new HashMap<>();
  private final Map<String, Instant> lastEnsured = new HashMap<>();
  private final Map<String, Instant> firstSeenUnused = new HashMap<>();
  // Under lock: the scheduled looks of follow(), cancelled at close.
  private final Set<Scheduler.Task> follows = new HashSet<>();
  // Under lock: the orgs recovery looks at after its first pass (which looks at every org): those that had custom-role
  // records or scoped activity in this process. Keeps recovery from reading the roles of orgs that never use scopes
  // (in Vault KV, a list and a read per role) and the orphan sweep from listing their Astra roles.
  private final Set<String> watched = new HashSet<>();
  private boolean scannedAll;

  CustomRoles(RealTokenManager engine, Scheduler scheduler) {
    this.engine = engine;
    this.scheduler = scheduler;
  }

  /** Sets how long an unused role is kept for a quick re-issue; also the recovery's wait before deleting. */
  void grace(Duration grace) {
    this.grace = Validation.requireNonNegative("customRoleGrace", grace);
  }

  Duration grace() {
    return grace;
  }

  // ------------------------------------------------------------------ naming

  /** The canonical text of a policy: org, deployment, resources, actions and effect, sorted, one per field. */
  static String canonical(String orgId, @Nullable String deploymentId, Scope scope) {
    return "v1\norg=" + orgId + "\ndeployment=" + (deploymentId == null ? "" : deploymentId)
        + "\nresources=" + String.join(",", new TreeSet<>(scope.resources(orgId)))
        + "\nactions=" + String.join(",", new TreeSet<>(scope.actions())) + "\neffect=allow";
  }

  /** {@code astra-vault-} and the first 32 hex digits of the SHA-256 of the canonical policy. */
  public static String roleName(String orgId, @Nullable String deploymentId, Scope scope) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(canonical(orgId, deploymentId, scope).getBytes(StandardCharsets.UTF_8));
      return PREFIX + HexFormat.of().formatHex(hash).substring(0, HASH_CHARS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The policy sent for {@code scope}; its description is the deployment's role tag. */
  public static RolePolicy policy(String orgId, @Nullable String deploymentId, Scope scope) {
    return new RolePolicy(Descriptions.roleTag(deploymentId, roleName(orgId, deploymentId, scope)),
        scope.resources(orgId), scope.actions(), "allow");
  }

  /** The metadata a scoped lease carries: the request's, plus the role name and the scope. */
  static Map<String, String> metadata(Map<String, String> requested, String roleName, Scope scope) {
    Map<String, String> out = new LinkedHashMap<>(requested);
    out.put(ROLE_KEY, roleName);
    String text = scope.toString();
    out.put(SCOPE_KEY, text.length() > MAX_SCOPE_TEXT ? text.substring(0, MAX_SCOPE_TEXT - 3) + "..." : text);
    return out;
  }

  /** A request's metadata plus its scope, if any: what an {@code IssueFailed} event records. */
  static Map<String, String> withScope(TokenRequest request) {
    if (request.scope().isEmpty()) {
      return request.metadata();
    }
    Map<String, String> out = new LinkedHashMap<>(request.metadata());
    String text = request.scope().get().toString();
    out.put(SCOPE_KEY, text.length() > MAX_SCOPE_TEXT ? text.substring(0, MAX_SCOPE_TEXT - 3) + "..." : text);
    return out;
  }

  /**
   * The triple's stored token, if a managed {@code request} may adopt it: only when it carries the custom role the
   * request would get (none for an unscoped request). A scoped handle never serves an org-wide token, nor one of
   * another scope.
   *
   * @param taken what the issue threw
   * @throws TokenAlreadyExistsException {@code taken} when nothing is stored, or one that says the scope differs
   */
  static AstraToken adoptable(TokenRequest request, @Nullable String deploymentId, Optional<AstraToken> stored,
      TokenAlreadyExistsException taken) {
    AstraToken token = stored.orElseThrow(() -> taken);
    String wanted = request.scope().map(s -> roleName(token.orgId(), deploymentId, s)).orElse(null);
    if (Objects.equals(wanted, token.metadata().get(ROLE_KEY))) {
      return token;
    }
    TokenAlreadyExistsException otherScope = new TokenAlreadyExistsException(taken.orgId(), taken.roleName(),
        taken.logicalName(), "its token (lease " + token.lease().leaseId() + ") was made for another scope than this "
        + "managed request (" + request.scope().map(Object::toString).orElse("none") + "); revoke it, or use "
        + "another logical name");
    otherScope.addSuppressed(taken);
    throw otherScope;
  }

  private static String key(String orgId, String name) {
    return orgId + "/" + name;
  }

  // ------------------------------------------------------------------ issue

  /**
   * Refuses a scope where no custom role can be made, before anything else is looked at or created.
   *
   * @throws ScopeNotSupportedException in Vault mode
   */
  void requireSupported() {
    if (!engine.backend().makesCustomRoles()) {
      throw new ScopeNotSupportedException("Vault mode");
    }
  }

  /**
   * Makes sure the custom role for {@code scope} exists in Astra, creating it (or adopting it on 409 when its policy
   * is exactly the requested one), and returns {@code ttlRole} with the custom role's id: the role the token is made
   * with. Any failure means no token may be issued.
   *
   * @throws ScopeNotSupportedException in Vault mode
   * @throws ConflictException when a role of the fingerprint name exists with another policy
   */
  Role ensure(OrgConfig org, Role ttlRole, Scope scope) {
    requireSupported();
    String deployment = engine.settings().deploymentId();
    String name = roleName(org.orgId(), deployment, scope);
    RolePolicy policy = policy(org.orgId(), deployment, scope);
    String key = key(org.orgId(), name);
    synchronized (roleLock(key)) {
      synchronized (lock) {
        Scheduler.Task pending = deletions.remove(key);
        if (pending != null) {
          pending.cancel();
        }
        firstSeenUnused.remove(key);
        watched.add(org.orgId());
        lastEnsured.put(key, engine.clock().instant());
      }
      for (int attempt = 0; attempt < ROLE_ATTEMPTS; attempt++) {
        String roleId = take(org, name, policy);
        if (roleId != null) {
          return new Role(ttlRole.orgId(), ttlRole.name(), roleId, ttlRole.ttl(), ttlRole.maxTtl());
        }
      }
      throw changedMeanwhile(org.orgId(), name);
    }
  }

  /**
   * One attempt to take the role: its id, or null when another manager changed the record meanwhile (look again).
   * Never takes a role whose record says it is being deleted: that deletion is finished first (or, if leases still
   * hold the role, the issue fails), since its deleter may be past its holders check.
   */
  private @Nullable String take(OrgConfig org, String name, RolePolicy policy) {
    Optional<Role> record = engine.store().role(org.orgId(), name);
    if (record.isPresent() && isDeleting(record.get().roleId())) {
      // Another manager's deletion (live, or left by a crash). Finish it: this issue needs the name free.
      if (delete(org.orgId(), name, record.get(), Mode.HELPER) == Outcome.KEPT) {
        throw new ConflictException("custom role " + name + " of org " + org.orgId() + " is being deleted by "
            + "another manager while leases still hold it; no token was issued. Retry the issue; recovery settles "
            + "the deletion within the custom-role grace period");
      }
      return null;
    }
    if (record.isPresent() && !PENDING_ID.equals(record.get().roleId())) {
      return record.get().roleId();
    }
    // The write-ahead record: from here on, recovery knows this role may exist. Conditional, so that it never
    // overwrites a deleter's mark (or a record another issue completed meanwhile).
    Role pending = new Role(org.orgId(), name, PENDING_ID, Role.DEFAULT_TTL, Role.DEFAULT_TTL);
    if (record.isEmpty() && !engine.store().compareAndSetRole(null, pending)) {
      return null;
    }
    String roleId = createOrAdopt(org, name, policy, pending);
    Role complete = new Role(org.orgId(), name, roleId, Role.DEFAULT_TTL, Role.DEFAULT_TTL);
    if (engine.store().compareAndSetRole(pending, complete)
        || engine.store().role(org.orgId(), name).filter(complete::equals).isPresent()) {
      return roleId;   // completed by this issue, or by another that made or adopted the same role meanwhile
    }
    // A deleter marked or removed the write-ahead record meanwhile: it may delete what this issue made or adopted.
    return null;
  }

  /** The issue's attempts ran out: the record kept changing under it. */
  static ConflictException changedMeanwhile(String orgId, String name) {
    return new ConflictException("custom role " + name + " of org " + orgId + " was deleted or re-created by "
        + "another manager while this issue was taking it; no token was issued. Retry the issue");
  }

  /**
   * Whether the role record still names {@code roleId} complete: the re-read an issue makes after its write-ahead
   * lease is stored and before it asks Astra for the token.
   *
   * <p>The invariant (with {@link #delete}): a deleter marks the record before it counts the role's holders, and an
   * issue stores its lease before this re-read. Of the two first steps one comes first: either the mark precedes
   * this re-read (which then sees it, and the issue backs off), or the lease precedes the holders check (which then
   * sees the lease, and the role is kept). A role with a lease past this check is never deleted.
   */
  boolean stillTaken(String orgId, String name, String roleId) {
    return engine.store().role(orgId, name).filter(r -> r.roleId().equals(roleId)).isPresent();
  }

  private String createOrAdopt(OrgConfig org, String name, RolePolicy policy, Role pending) {
    try {
      RemoteRole created = engine.backend().createRole(org, name, policy);
      LOG.info("Created custom role {} ({}) for {}", name, created.id(), policy.resources());
      return created.id();
    } catch (AstraApiException e) {
      if (e.status() == 409) {
        return adopt(org, name, policy, e, pending);
      }
      if (AstraDevOps.createdNothing(e) && e.status() == 429) {
        engine.store().deleteRole(pending);
        throw e;
      }
      if (AstraDevOps.createdNothing(e)) {
        engine.store().deleteRole(pending);
        throw new AstraApiException("Astra refused to create custom role " + name + " (HTTP " + e.status()
            + "): the root token may lack the Read/Write Custom Role permissions, or the org may have reached "
            + "its limit of custom roles; no token was issued. Astra said: " + e.getMessage(), e.status(),
            e.astraErrorId().isPresent() ? e.astraErrorId().getAsInt() : null, null);
      }
      throw e;   // unclear outcome: the PENDING record stays, recovery settles it by name
    } catch (RuntimeException e) {
      if (AstraDevOps.createdNothing(e)) {
        engine.store().deleteRole(pending);
      }
      throw e;
    }
  }

  /** 409: a role of this name exists; adopt it only when its policy is exactly the requested one. */
  private String adopt(OrgConfig org, String name, RolePolicy policy, AstraApiException conflict, Role pending) {
    RemoteRole existing = engine.backend().remoteRoles(org).stream().filter(r -> r.name().equals(name))
        .findFirst().orElseThrow(() -> conflict);
    RolePolicy found = RolePolicy.parse(existing.policyJson());
    if (found == null) {
      found = RolePolicy.parse(engine.backend().readRole(org, existing.id()).policyJson());
    }
    if (!policy.sameAs(found)) {
      engine.store().deleteRole(pending);
      throw new ConflictException("custom role " + name + " (" + existing.id() + ") already exists in org "
          + org.orgId() + " with a different policy; it was not adopted and no token was issued. Delete or rename "
          + "that role if astra-vault should own the name");
    }
    LOG.info("Adopted existing custom role {} ({}): its policy is the requested one", name, existing.id());
    return existing.id();
  }

  // ------------------------------------------------------------------ release

  /** After a lease ended: when it held a custom role that no lease holds now, schedule the role's deletion. */
  void released(LeaseRecord ended) {
    String name = ended.metadata().get(ROLE_KEY);
    if (name == null || !name.startsWith(PREFIX)) {
      return;
    }
    scheduleIfUnused(ended.orgId(), name, ended.roleId());
  }

  /**
   * After an issue that made or took the role {@link #ensure} returned failed before its lease record was stored
   * (it lost its triple to a concurrent issue, say): when no lease holds the role, its deletion is scheduled, as after
   * a last revoke. Never throws: the issue's own failure is what the caller reports.
   */
  void abandoned(String orgId, String name, String roleId) {
    scheduleIfUnused(orgId, name, roleId);
  }

  private void scheduleIfUnused(String orgId, String name, String roleId) {
    try {
      if (inUse(orgId, roleId)) {
        return;
      }
      String key = key(orgId, name);
      synchronized (lock) {
        watched.add(orgId);
        Scheduler.Task previous = deletions.put(key,
            scheduler.schedule(() -> deleteQuietly(orgId, name), grace));
        if (previous != null) {
          previous.cancel();
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("could not schedule the deletion of custom role {}: {}; recovery will", name,
          RealTokenManager.safeMessage(e));
    }
  }

  private void deleteQuietly(String orgId, String name) {
    try {
      synchronized (lock) {
        deletions.remove(key(orgId, name));
      }
      deleteIfUnused(orgId, name, null);
    } catch (RuntimeException e) {
      LOG.warn("could not delete custom role {}: {}; recovery retries", name, RealTokenManager.safeMessage(e));
    }
  }

  /** Whether any lease record of the org, in any state, carries {@code roleId}: the store answers from an index. */
  private boolean inUse(String orgId, String roleId) {
    return engine.store().holdsRole(orgId, roleId);
  }

  /**
   * Deletes the role in Astra and then its record, if no lease holds it and no issue took it within the grace
   * period. Deletes in Astra only a role whose description is this deployment's exact tag.
   *
   * @param staleMark for recovery: the deletion mark it saw on passes the grace period apart (its deleter is taken
   *     to be dead, so the mark may be rolled back); null otherwise, when a mark found is only finished, never undone
   * @return whether the record is gone now
   */
  boolean deleteIfUnused(String orgId, String name, @Nullable Role staleMark) {
    String key = key(orgId, name);
    synchronized (roleLock(key)) {
      Optional<Role> record = engine.store().role(orgId, name);
      if (record.isEmpty()) {
        return true;
      }
      Role seen = record.get();
      Instant now = engine.clock().instant();
      Instant ensured;
      synchronized (lock) {
        ensured = lastEnsured.get(key);
      }
      // A recent issue keeps its role. Not a mark: issues refused by it (and retrying) must not keep it forever.
      if (!isDeleting(seen.roleId()) && ensured != null && ensured.plus(grace).isAfter(now)) {
        return false;
      }
      Mode mode;
      if (!isDeleting(seen.roleId())) {
        if (!PENDING_ID.equals(seen.roleId()) && inUse(orgId, seen.roleId())) {
          return false;   // a quick answer; the decision is made after the mark, in delete()
        }
        mode = Mode.OWNER;
      } else if (seen.equals(staleMark)) {
        mode = Mode.RECOVERY;
      } else {
        mode = Mode.HELPER;
      }
      return delete(orgId, name, seen, mode) == Outcome.DELETED;
    }
  }

  /** Who deletes: what a deleter may do when it finds the role still held. */
  private enum Mode {
    /** From an unmarked record: it marks it, and unmarks it when the role is held. */
    OWNER,
    /** Recovery, from a mark seen on passes the grace period apart: its deleter is gone; held, it is unmarked. */
    RECOVERY,
    /** From another manager's mark, which may be live: held, that mark is put back (its deleter may be deleting). */
    HELPER
  }

  private enum Outcome { DELETED, KEPT, CHANGED }

  /**
   * The deletion protocol, safe against other managers over the same store. (1) Mark: compare-and-set the record
   * from {@code seen} to a mark of this attempt ({@link #DELETING_PREFIX}); from then on no issue takes the role
   * (see {@link #stillTaken} for why). (2) Only then count the holders: held, the role is kept (and, unless the mark
   * was another live manager's, unmarked). (3) Unused: delete in Astra, then the record, both conditional on our
   * mark. The last write (undo, put back, drop) is conditional on our mark: when another manager took the deletion
   * over meanwhile, this deleter follows its mark until it is back ({@link #settleOrFollow}). A crash after (1) leaves
   * the mark; issues finish it ({@link Mode#HELPER}), recovery finishes or unmarks it.
   */
  private Outcome delete(String orgId, String name, Role seen, Mode mode) {
    String target = target(seen.roleId());
    Role mark = new Role(orgId, name, DELETING_PREFIX + attempt() + ":" + target, seen.ttl(), seen.maxTtl());
    if (!engine.store().compareAndSetRole(seen, mark)) {
      return Outcome.CHANGED;   // another issue or deleter got there first
    }
    boolean held = false;
    // The id an undone mark goes back to: the target, or the role a pending-create mark found held in Astra.
    String restored = target;
    Optional<OrgConfig> org = Optional.empty();
    String tag = Descriptions.roleTag(engine.settings().deploymentId(), name);
    List<RemoteRole> doomed = new ArrayList<>();
    try {
      held = !PENDING_ID.equals(target) && inUse(orgId, target);
      org = held ? Optional.empty() : engine.store().org(orgId);
      if (!held && org.isPresent()) {
        if (PENDING_ID.equals(target)) {
          // The POST's outcome was never known: look for the role by its name and our tag (and keep it if held).
          for (RemoteRole r : engine.backend().remoteRoles(org.get())) {
            if (r.name().equals(name) && ours(org.get(), r, tag)) {
              if (inUse(orgId, r.id())) {
                held = true;
                restored = r.id();
              }
              doomed.add(r);
            } else if (r.name().equals(name)) {
              LOG.warn("custom role {} ({}) does not carry this deployment's tag; its pending record is dropped and "
                  + "the role left alone", name, r.id());
            }
          }
        } else {
          RemoteRole remote = readOrNull(org.get(), target);
          if (remote != null && ours(org.get(), remote, tag)) {
            doomed.add(remote);
          } else if (remote != null) {
            LOG.warn("custom role {} ({}) does not carry this deployment's tag; its record is dropped and the role "
                + "left alone", name, target);
          }
        }
      }
    } catch (RuntimeException e) {
      // Nothing was deleted yet (only reads ran): an owner's mark is undone, a helper's put back, rather than left to
      // refuse issues until recovery. Not recovery's: the dead deleter it took over may have deleted the role.
      if (mode != Mode.RECOVERY) {
        try {
          settleOrFollow(mark, seen, false);
        } catch (RuntimeException again) {
          e.addSuppressed(again);
        }
      }
      throw e;
    }
    if (held || org.isEmpty()) {
      // Our own deletion is undone; another live manager's mark is put back as it was (it may be deleting: only it
      // may undo its mark), so that recovery still sees the same mark and can tell when it is stale.
      // Undoing a pending-create mark over a held role restores the role's id, not pending-create: a pending record
      // would be marked again on every recovery pass (and refuse issues meanwhile) for as long as the lease lives.
      settleOrFollow(mark, mode == Mode.HELPER ? seen : new Role(orgId, name, restored, seen.ttl(), seen.maxTtl()),
          false);
      return Outcome.KEPT;
    }
    boolean deleted = false;
    for (RemoteRole r : doomed) {
      deleted |= engine.backend().deleteRole(org.get(), r.id());
    }
    String key = key(orgId, name);
    synchronized (lock) {
      lastEnsured.remove(key);
      firstSeenUnused.remove(key);
    }
    boolean dropped = settleOrFollow(mark, null, true);
    // Audited by the manager whose conditional delete removed the record: once per deletion, even when another
    // manager took it over (and one of the two found the role already gone in Astra).
    if (dropped) {
      engine.auditor().record(new RoleDeleted(engine.clock().instant(), engine.auditor().actor(), orgId, name));
      LOG.info("Deleted custom role {} ({}){}", name, target, deleted ? "" : ": it was already gone in Astra");
    } else if (deleted) {
      LOG.info("Deleted custom role {} ({}) in Astra; another manager took over its deletion", name, target);
    }
    return Outcome.DELETED;
  }

  // ------------------------------------------------------------------ a deleter's last write on its own mark

  /**
   * A deleter's last write on its own mark: back to {@code to} (an owner's undo, a helper putting the mark it took
   * over back), or the record dropped ({@code to == null}: the role deleted in Astra, or an orphan sweep's mark
   * undone). Conditional on the mark.
   */
  private boolean settle(Role mark, @Nullable Role to) {
    return to == null ? engine.store().deleteRole(mark) : engine.store().compareAndSetRole(mark, to);
  }

  /**
   * Settles {@code mark}, and when that fails because another manager took the deletion over, follows it (see
   * {@link #follow}). Why: only the manager whose mark it is may settle it, and a manager that took it over while
   * leases held the role puts it back, possibly just after this write failed; nobody else would settle it then, and
   * the role's scoped issues would be refused until recovery saw the same mark twice, a grace period apart. A write
   * that threw is followed too (the store may answer later, or the write may have landed after all).
   *
   * @param audited whether dropping the record finishes a deletion that a later settling audits ({@code RoleDeleted})
   * @return whether this call settled it
   */
  private boolean settleOrFollow(Role mark, @Nullable Role to, boolean audited) {
    try {
      if (settle(mark, to)) {
        return true;
      }
    } catch (RuntimeException e) {
      followLater(mark, to, audited, 0);
      throw e;
    }
    return follow(mark, to, audited, 0);
  }

  /**
   * Looks at the record again: holding {@code mark} (put back by the manager that took it over), it is settled now;
   * another manager's mark over the same role (that manager may still put ours back), a look is scheduled, with
   * growing delays, at most {@link #FOLLOW_ATTEMPTS} times; anything else (gone, a plain record, a mark over another
   * role) means another manager settled the deletion, and this one stops. Safe however late: the record can hold
   * {@code mark} again only if every manager that took it over found holders and deleted nothing (a manager that
   * deletes the role in Astra drops its own mark and never puts one back), so the role is still in Astra, as when
   * this deleter counted its holders.
   */
  private boolean follow(Role mark, @Nullable Role to, boolean audited, int attempt) {
    try {
      synchronized (roleLock(key(mark.orgId(), mark.name()))) {
        Optional<Role> now = engine.store().role(mark.orgId(), mark.name());
        if (now.filter(mark::equals).isPresent()) {
          if (settle(mark, to)) {
            return true;
          }
          now = engine.store().role(mark.orgId(), mark.name());
        }
        if (now.isEmpty() || !isDeleting(now.get().roleId())
            || !target(now.get().roleId()).equals(target(mark.roleId()))) {
          return false;   // settled by another manager (or recovery): nothing of ours is left
        }
        if (attempt >= FOLLOW_ATTEMPTS) {
          LOG.warn("custom role {} of org {}: another manager's deletion mark stayed in place of this manager's; "
              + "recovery settles it once two passes a grace period apart see the same mark", mark.name(),
              mark.orgId());
          return false;
        }
      }
    } catch (RuntimeException e) {
      if (attempt >= FOLLOW_ATTEMPTS) {
        LOG.warn("custom role {} of org {}: could not settle this manager's deletion mark: {}; recovery will",
            mark.name(), mark.orgId(), RealTokenManager.safeMessage(e));
        return false;
      }
    }
    followLater(mark, to, audited, attempt);
    return false;
  }

  private void followLater(Role mark, @Nullable Role to, boolean audited, int attempt) {
    Duration delay = FOLLOW_FIRST_DELAY.multipliedBy(1L << attempt);
    AtomicReference<Scheduler.Task> self = new AtomicReference<>();
    try {
      synchronized (lock) {
        Scheduler.Task task = scheduler.schedule(() -> {
          synchronized (lock) {
            follows.remove(self.get());
          }
          if (follow(mark, to, audited, attempt + 1)) {
            settledLate(mark, to, audited);
          }
        }, delay);
        self.set(task);
        follows.add(task);
      }
    } catch (RuntimeException e) {   // a scheduler shut down with the manager, say
      LOG.warn("custom role {} of org {}: could not schedule another look at this manager's deletion mark: {}; "
          + "recovery settles it", mark.name(), mark.orgId(), RealTokenManager.safeMessage(e));
    }
  }

  private void settledLate(Role mark, @Nullable Role to, boolean audited) {
    if (to == null && audited) {
      engine.auditor().record(new RoleDeleted(engine.clock().instant(), engine.auditor().actor(), mark.orgId(),
          mark.name()));
      LOG.info("Deleted custom role {} ({}): its record once another manager put this deletion's mark back",
          mark.name(), target(mark.roleId()));
    } else {
      LOG.info("Custom role {} of org {}: this manager's deletion mark was settled once another manager put it back",
          mark.name(), mark.orgId());
    }
  }

  private @Nullable RemoteRole readOrNull(OrgConfig org, String roleId) {
    try {
      return engine.backend().readRole(org, roleId);
    } catch (AstraNotFoundException gone) {
      return null;
    } catch (AstraApiException e) {
      if (e.status() != 404) {
        throw e;
      }
      return null;
    }
  }

  /** Whether a role record's id is a deletion mark. */
  public static boolean isDeleting(String roleId) {
    return roleId.startsWith(DELETING_PREFIX);
  }

  /** The role id a record is about: a mark's role id, or the id itself. */
  static String target(String roleId) {
    if (!isDeleting(roleId)) {
      return roleId;
    }
    int at = roleId.indexOf(':', DELETING_PREFIX.length());
    return at < 0 ? roleId.substring(DELETING_PREFIX.length()) : roleId.substring(at + 1);
  }

  private static String attempt() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
  }

  private boolean ours(OrgConfig org, RemoteRole role, String tag) {
    RolePolicy policy = RolePolicy.parse(role.policyJson());
    if (policy == null) {
      policy = RolePolicy.parse(engine.backend().readRole(org, role.id()).policyJson());
    }
    return policy != null && tag.equals(policy.description());
  }

  // ------------------------------------------------------------------ recovery

  /**
   * One recovery pass over custom roles: records found unused on passes at least the grace period apart are
   * deleted (role first, record second); with {@code sweep}, roles in Astra that carry this deployment's exact tag
   * but have no record are deleted the same way.
   *
   * @return how many roles were deleted
   */
  int recover(boolean sweep) {
    if (!engine.backend().makesCustomRoles()) {
      return 0;
    }
    int deleted = 0;
    Set<String> stillUnused = new HashSet<>();
    Instant now = engine.clock().instant();
    String deployment = engine.settings().deploymentId();
    List<OrgConfig> orgs;
    synchronized (lock) {
      orgs = scannedAll ? watched.stream().map(id -> engine.store().org(id)).flatMap(Optional::stream).toList()
          : engine.store().orgs();
      scannedAll = true;
    }
    for (OrgConfig org : orgs) {
      try {
        Set<String> recorded = new HashSet<>();
        for (Role r : engine.store().roles(org.orgId())) {
          if (!r.name().startsWith(PREFIX)) {
            continue;
          }
          recorded.add(r.name());
          boolean mark = isDeleting(r.roleId());
          if (!mark && !PENDING_ID.equals(r.roleId()) && inUse(org.orgId(), r.roleId())) {
            continue;
          }
          // A mark counts as stale only when the very same mark (same deletion attempt) is seen on passes the grace
          // period apart: a live deleter finishes within a few calls.
          String key = key(org.orgId(), r.name()) + (mark ? "#" + r.roleId() : "");
          if (dueForDeletion(key, now, stillUnused) && deleteIfUnused(org.orgId(), r.name(), mark ? r : null)) {
            deleted++;
          }
        }
        if (sweep && deployment != null) {
          deleted += sweepOrphans(org, recorded, now, stillUnused);
        }
        if (!recorded.isEmpty()) {
          synchronized (lock) {
            watched.add(org.orgId());   // once an org had custom roles here, recovery keeps looking at it
          }
        }
      } catch (RuntimeException e) {
        LOG.warn("custom role recovery for org {} failed: {}", org.orgId(), RealTokenManager.safeMessage(e));
      }
    }
    synchronized (lock) {
      // Orphans are only looked at by sweep passes: a pass without the sweep keeps their first sighting.
      firstSeenUnused.keySet().removeIf(k -> !stillUnused.contains(k) && (sweep || !k.endsWith(ORPHAN)));
    }
    return deleted;
  }

  private boolean dueForDeletion(String key, Instant now, Set<String> stillUnused) {
    synchronized (lock) {
      Instant first = firstSeenUnused.computeIfAbsent(key, k -> now);
      if (first.plus(grace).isAfter(now)) {
        stillUnused.add(key);
        return false;
      }
      return true;
    }
  }

  private int sweepOrphans(OrgConfig org, Set<String> recorded, Instant now, Set<String> stillUnused) {
    int deleted = 0;
    String deployment = engine.settings().deploymentId();
    for (RemoteRole r : engine.backend().remoteRoles(org)) {
      if (!r.name().startsWith(PREFIX) || recorded.contains(r.name())) {
        continue;
      }
      RolePolicy policy = RolePolicy.parse(r.policyJson());
      if (policy == null || !Descriptions.roleTag(deployment, r.name()).equals(policy.description())) {
        continue;   // another deployment's, or not astra-vault's: never touched
      }
      if (inUse(org.orgId(), r.id())) {
        continue;   // its record was dropped (e.g. by deleteRole) but leases still hold it
      }
      String key = key(org.orgId(), r.name()) + ORPHAN;
      if (!dueForDeletion(key, now, stillUnused)) {
        continue;
      }
      synchronized (roleLock(key(org.orgId(), r.name()))) {
        if (deleteOrphan(org, r).orElse(false)) {
          deleted++;
          engine.auditor().record(new RoleDeleted(now, engine.auditor().actor(), org.orgId(), r.name()));
          LOG.warn("orphan sweep deleted custom role {} ({}): it carries this deployment's tag but no record "
              + "knows it", r.name(), r.id());
        }
      }
    }
    return deleted;
  }

  /**
   * Deletes an Astra role of this deployment that no record knows, by the same protocol as {@link #delete}: a mark
   * record first (insert-if-absent, so an issue making or taking the role meanwhile wins and the role is kept), then
   * the holders check, then Astra's DELETE and the mark's removal. A crash in between leaves the mark, which
   * recovery finishes.
   *
   * @return empty when the role was kept (a record appeared, or a lease holds it); else whether Astra deleted it
   *     (false: it was already gone)
   */
  private Optional<Boolean> deleteOrphan(OrgConfig org, RemoteRole r) {
    Role mark = new Role(org.orgId(), r.name(), DELETING_PREFIX + attempt() + ":" + r.id(), Role.DEFAULT_TTL,
        Role.DEFAULT_TTL);
    if (!engine.store().compareAndSetRole(null, mark)) {
      return Optional.empty();
    }
    if (inUse(org.orgId(), r.id())) {
      settleOrFollow(mark, null, false);
      return Optional.empty();
    }
    boolean deleted = engine.backend().deleteRole(org, r.id());
    settleOrFollow(mark, null, false);
    return Optional.of(deleted);
  }

  /**
   * Reconcile's view of {@code org}'s custom roles: records no lease holds ({@code UNUSED}), and Astra roles with
   * this deployment's exact tag that no record knows ({@code UNKNOWN}). With {@code fix}, both are deleted now (a role
   * an issue took within the grace period excepted); roles of other deployments are never listed nor touched.
   */
  List<ReconcileReport.CustomRoleFinding> reconcile(OrgConfig org, boolean fix) {
    List<ReconcileReport.CustomRoleFinding> out = new ArrayList<>();
    if (!engine.backend().makesCustomRoles()) {
      return out;
    }
    Set<String> recordedNames = new HashSet<>();
    for (Role r : recorded(org.orgId())) {
      recordedNames.add(r.name());
      String target = target(r.roleId());
      boolean pending = PENDING_ID.equals(target);
      if (!pending && inUse(org.orgId(), target)) {
        continue;
      }
      boolean fixed = false;
      if (fix) {
        try {
          fixed = deleteIfUnused(org.orgId(), r.name(), null);
        } catch (RuntimeException e) {
          LOG.warn("reconcile could not delete custom role {}: {}", r.name(), RealTokenManager.safeMessage(e));
        }
      }
      out.add(new ReconcileReport.CustomRoleFinding(r.name(), pending ? null : target,
          ReconcileReport.CustomRoleFinding.Kind.UNUSED, fixed));
    }
    String deployment = engine.settings().deploymentId();
    if (deployment == null) {
      return out;
    }
    for (RemoteRole r : engine.backend().remoteRoles(org)) {
      if (!r.name().startsWith(PREFIX) || recordedNames.contains(r.name())) {
        continue;
      }
      RolePolicy policy = RolePolicy.parse(r.policyJson());
      if (policy == null || !Descriptions.roleTag(deployment, r.name()).equals(policy.description())
          || inUse(org.orgId(), r.id())) {
        continue;
      }
      boolean fixed = false;
      if (fix) {
        synchronized (roleLock(key(org.orgId(), r.name()))) {
          try {
            if (deleteOrphan(org, r).isPresent()) {
              engine.auditor().record(new RoleDeleted(engine.clock().instant(), engine.auditor().actor(),
                  org.orgId(), r.name()));
              fixed = true;
            }
          } catch (RuntimeException e) {
            LOG.warn("reconcile could not delete custom role {}: {}", r.name(), RealTokenManager.safeMessage(e));
          }
        }
      }
      out.add(new ReconcileReport.CustomRoleFinding(r.name(), r.id(),
          ReconcileReport.CustomRoleFinding.Kind.UNKNOWN, fixed));
    }
    return out;
  }

  /** The custom roles this deployment recorded for {@code orgId} (names under {@link #PREFIX}). */
  List<Role> recorded(String orgId) {
    return engine.store().roles(orgId).stream().filter(r -> r.name().startsWith(PREFIX)).toList();
  }

  private Object roleLock(String key) {
    return roleLocks.computeIfAbsent(key, k -> new Object());
  }

  /**
   * Cancels scheduled deletions and follows of this manager's marks (at close); recovery on the next start (or of
   * another manager) deletes what they would have, and settles a mark left behind.
   */
  void close() {
    synchronized (lock) {
      deletions.values().forEach(Scheduler.Task::cancel);
      deletions.clear();
      follows.forEach(Scheduler.Task::cancel);
      follows.clear();
    }
  }

  static boolean isReserved(@Nullable String roleName) {
    return roleName != null && roleName.toLowerCase(Locale.ROOT).startsWith(PREFIX);
  }
}

package dev.tollgate.gateway.budget;

import dev.tollgate.events.v1.BudgetLeaseGrant;
import dev.tollgate.events.v1.BudgetState;
import dev.tollgate.gateway.auth.Principal;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Every budget this replica enforces, in memory: definitions (from {@code tollgate.budgets.v1}), the spend the
 * streams app publishes ({@code tollgate.budget-state.v1}) and, for hard budgets, this replica's spend leases
 * ({@code tollgate.budget-lease-grants.v1}). The follower threads apply what they read; the request path reads a
 * per-org index and takes each applicable hard budget's lock for a few arithmetic operations. An org without
 * budgets costs one map lookup; a soft budget costs nothing at admission (the streams app counts it).
 */
@Singleton
public class BudgetBook {

    private final LeaseSettings settings;
    private final LeaseChannel channel;
    private final Map<String, BudgetAccount> accounts = new ConcurrentHashMap<>();
    private final Map<String, BudgetState> latestStates = new ConcurrentHashMap<>();
    private volatile Map<String, List<BudgetAccount>> byOrg = Map.of();

    @Inject
    BudgetBook(BudgetConfig config, LeaseRequests requests) {
        this(LeaseSettings.of(config, config.replicaId().orElseGet(BudgetBook::newReplicaId)), requests);
    }

    BudgetBook(LeaseSettings settings, LeaseChannel channel) {
        this.settings = settings;
        this.channel = channel;
    }

    /** This replica's id in lease requests. */
    public String replicaId() {
        return settings.replicaId();
    }

    /**
     * Adds or replaces a budget. An older definition (by {@code updatedAtMs}) than the one held is ignored, so a
     * snapshot and the topic can be applied in either order.
     */
    public synchronized void define(Budget budget) {
        BudgetAccount held = accounts.get(budget.id());
        if (held != null) {
            Budget before = held.budget();
            if (before.updatedAtMs() > budget.updatedAtMs()) {
                return;
            }
            held.redefine(budget, System.nanoTime());
            if (!before.orgId().equals(budget.orgId())) {
                reindex();
            }
            return;
        }
        BudgetAccount account = new BudgetAccount(budget, settings, channel);
        BudgetState state = latestStates.get(budget.id());
        if (state != null) {
            apply(account, state);
        }
        accounts.put(budget.id(), account);
        reindex();
    }

    /** Drops a deleted budget: its leases are returned, and requests in flight settle against nothing more. */
    public synchronized void remove(String budgetId) {
        BudgetAccount removed = accounts.remove(budgetId);
        if (removed != null) {
            reindex();
            removed.removed(System.nanoTime());
        }
        latestStates.remove(budgetId);
    }

    /** Takes a state published by the streams app; kept even before its budget's definition arrives. */
    public void applyState(BudgetState state) {
        latestStates.put(state.getBudgetId(), state);
        BudgetAccount account = accounts.get(state.getBudgetId());
        if (account != null) {
            apply(account, state);
        }
    }

    /**
     * Takes the owner's answer to a lease request; answers to other replicas, or for unknown budgets, are ignored.
     *
     * @return how long the answer took from its ask, in nanoseconds, or -1 when it was not one of this replica's
     */
    public long applyGrant(BudgetLeaseGrant grant, long nowMs, long nowNanos) {
        if (!settings.replicaId().equals(grant.getReplicaId())) {
            return -1;
        }
        BudgetAccount account = accounts.get(grant.getBudgetId());
        return account == null ? -1 : account.answer(grant, nowMs, nowNanos);
    }

    /** The keeper's round over every hard budget: expiry, returns, asks ahead of need. */
    public void tick(long nowMs, long nowNanos) {
        for (BudgetAccount account : accounts.values()) {
            account.tick(nowMs, nowNanos);
        }
    }

    /** Whether any budget applies to {@code principal}'s org; the request path skips pricing when not. */
    public boolean covers(Principal principal) {
        return byOrg.containsKey(principal.orgId());
    }

    /**
     * Admits a request by {@code principal} against a lease of every hard budget that applies to it, or none.
     *
     * @param worstCaseMicros computed only when a hard budget applies
     * @return {@link Outcome.Admitted#NONE} when no hard budget applies
     */
    public Outcome admit(Principal principal, LongSupplier worstCaseMicros, long nowMs, long nowNanos) {
        return admit(principal, worstCaseMicros, nowMs, nowNanos, true);
    }

    /**
     * As {@link #admit(Principal, LongSupplier, long, long)}, for a request that tries for the first time, or again
     * after waiting ({@code firstAttempt} false): its demand was counted towards the replica's spend rate when it
     * first had to wait, and is not counted again.
     */
    public Outcome admit(Principal principal, LongSupplier worstCaseMicros, long nowMs, long nowNanos,
                         boolean firstAttempt) {
        List<BudgetAccount> candidates = byOrg.get(principal.orgId());
        if (candidates == null) {
            return Outcome.Admitted.NONE;
        }
        long amount = -1;
        List<Hold> holds = new ArrayList<>(candidates.size());
        for (BudgetAccount account : candidates) {
            Budget budget = account.budget();
            if (!budget.hard() || !budget.appliesTo(principal)) {
                continue;
            }
            if (amount < 0) {
                amount = worstCaseMicros.getAsLong();
            }
            BudgetAccount.Step step = account.reserve(amount, nowMs, nowNanos, firstAttempt);
            if (step instanceof BudgetAccount.Step.Reserved reserved) {
                holds.add(new Hold(account, reserved.lease(), amount));
                continue;
            }
            for (Hold hold : holds) {
                hold.account().release(hold.lease(), hold.amountMicros(), nowNanos);
            }
            if (step instanceof BudgetAccount.Step.Refused refused) {
                return new Outcome.Refused(refused.refusal());
            }
            return new Outcome.Wait(account, amount);
        }
        return holds.isEmpty() ? Outcome.Admitted.NONE : new Outcome.Admitted(List.copyOf(holds));
    }

    /** How this replica sees budget {@code id} now, if it knows it. */
    public Optional<BudgetAccount.View> view(String id, long nowMs) {
        BudgetAccount account = accounts.get(id);
        return account == null ? Optional.empty() : Optional.of(account.view(nowMs, System.nanoTime()));
    }

    /**
     * A request's reservation on one lease.
     *
     * @param account      the budget
     * @param lease        the lease reserved
     * @param amountMicros the request's worst case, reserved on it
     */
    record Hold(BudgetAccount account, HeldLease lease, long amountMicros) {
    }

    /** The outcome of admission. */
    public sealed interface Outcome {

        /**
         * Reserved on a lease of every hard budget that applies (none when none does): settle it when the request ends.
         *
         * @param holds the reservations
         */
        record Admitted(List<Hold> holds) implements Outcome {

            /** No hard budget applies: nothing to settle. */
            public static final Admitted NONE = new Admitted(List.of());

            /** Budget id to the lease paying for the request, for its usage event; null when none. */
            public Map<String, String> leaseIds() {
                if (holds.isEmpty()) {
                    return null;
                }
                Map<String, String> ids = new LinkedHashMap<>();
                for (Hold hold : holds) {
                    ids.put(hold.account().budget().id(), hold.lease().id);
                }
                return ids;
            }

            /** Replaces the reservations with the request's real cost; call exactly once when it ends. */
            public void settle(long costMicros, long nowNanos) {
                for (Hold hold : holds) {
                    hold.account().settle(hold.lease(), hold.amountMicros(), costMicros, nowNanos);
                }
            }

            /** Gives the reservations back unspent: the request never reached an endpoint after all. */
            public void release(long nowNanos) {
                for (Hold hold : holds) {
                    hold.account().release(hold.lease(), hold.amountMicros(), nowNanos);
                }
            }
        }

        /**
         * Refused by a hard budget.
         *
         * @param refusal why
         */
        record Refused(Refusal refusal) implements Outcome {
        }

        /**
         * No lease of {@code account} fits yet; its owner was asked. Wait for the answer, then admit again.
         *
         * @param account      the budget to wait on
         * @param amountMicros the request's worst case
         */
        record Wait(BudgetAccount account, long amountMicros) implements Outcome {
        }
    }

    /** The host name (a pod's name) and a random suffix: a restarted replica is a new one, holding no lease. */
    static String newReplicaId() {
        String host = System.getenv("HOSTNAME");
        String prefix = host == null || host.isBlank() ? "gateway" : host;
        return prefix + "-" + Long.toHexString(new SecureRandom().nextLong() & 0xffffffffffL);
    }

    private static void apply(BudgetAccount account, BudgetState state) {
        account.applyState(state.getPeriodStart().toEpochMilli(), state.getSpentMicros(), state.getAsOf().toEpochMilli());
    }

    private void reindex() {
        Map<String, List<BudgetAccount>> index = new HashMap<>();
        accounts.values().forEach(a -> index.computeIfAbsent(a.budget().orgId(), o -> new ArrayList<>()).add(a));
        Map<String, List<BudgetAccount>> frozen = new HashMap<>();
        index.forEach((org, list) -> frozen.put(org, List.copyOf(list)));
        byOrg = Map.copyOf(frozen);
    }
}

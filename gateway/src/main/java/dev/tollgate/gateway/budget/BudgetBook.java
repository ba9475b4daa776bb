package dev.tollgate.gateway.budget;

import dev.tollgate.events.v1.BudgetState;
import dev.tollgate.gateway.auth.Principal;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Every budget this replica enforces, with its ledger, in memory. Admin changes and published states are applied
 * by the follower threads; the request path only reads a per-org index and takes each applicable ledger's lock
 * for a few arithmetic operations. An org without budgets costs one map lookup.
 */
@Singleton
public class BudgetBook {

    private final long overlapMs;
    private final Map<String, BudgetLedger> ledgers = new ConcurrentHashMap<>();
    private final Map<String, BudgetState> latestStates = new ConcurrentHashMap<>();
    private volatile Map<String, List<BudgetLedger>> byOrg = Map.of();

    @Inject
    BudgetBook(BudgetConfig config) {
        this(config.localSpendOverlap().toMillis());
    }

    BudgetBook(long overlapMs) {
        this.overlapMs = overlapMs;
    }

    /**
     * Adds or replaces a budget. An older definition (by {@code updatedAtMs}) than the one held is ignored, so a
     * snapshot and the topic can be applied in either order.
     */
    public synchronized void define(Budget budget) {
        BudgetLedger held = ledgers.get(budget.id());
        if (held != null) {
            if (held.budget().updatedAtMs() > budget.updatedAtMs()) {
                return;
            }
            String oldOrg = held.budget().orgId();
            held.redefine(budget);
            if (!oldOrg.equals(budget.orgId())) {
                reindex();
            }
            return;
        }
        BudgetLedger ledger = new BudgetLedger(budget, overlapMs);
        BudgetState state = latestStates.get(budget.id());
        if (state != null) {
            apply(ledger, state);
        }
        ledgers.put(budget.id(), ledger);
        reindex();
    }

    /** Drops a deleted budget; requests in flight settle against nothing. */
    public synchronized void remove(String budgetId) {
        if (ledgers.remove(budgetId) != null) {
            reindex();
        }
        latestStates.remove(budgetId);
    }

    /** Takes a state published by the streams app; kept even before its budget's definition arrives. */
    public void applyState(BudgetState state) {
        latestStates.put(state.getBudgetId(), state);
        BudgetLedger ledger = ledgers.get(state.getBudgetId());
        if (ledger != null) {
            apply(ledger, state);
        }
    }

    /** Whether any budget applies to {@code principal}'s org; the request path skips pricing when not. */
    public boolean covers(Principal principal) {
        return byOrg.containsKey(principal.orgId());
    }

    /**
     * Reserves the request's worst-case cost on every budget that applies to {@code principal}, or on none.
     *
     * @param worstCaseMicros computed only when a budget applies
     * @return {@link Admission#NONE} when no budget applies
     */
    public Admission admit(Principal principal, LongSupplier worstCaseMicros, long nowMs) {
        List<BudgetLedger> candidates = byOrg.get(principal.orgId());
        if (candidates == null) {
            return Admission.NONE;
        }
        long amount = -1;
        List<BudgetLedger> reserved = new ArrayList<>(candidates.size());
        for (BudgetLedger ledger : candidates) {
            if (!ledger.budget().appliesTo(principal)) {
                continue;
            }
            if (amount < 0) {
                amount = worstCaseMicros.getAsLong();
            }
            BudgetLedger.Refusal refusal = ledger.reserve(amount, nowMs);
            if (refusal != null) {
                for (BudgetLedger r : reserved) {
                    r.release(amount);
                }
                return new Admission(List.of(), 0, refusal);
            }
            reserved.add(ledger);
        }
        return reserved.isEmpty() ? Admission.NONE : new Admission(reserved, amount, null);
    }

    /** How this replica sees budget {@code id} now, if it knows it. */
    public Optional<BudgetLedger.View> view(String id, long nowMs) {
        BudgetLedger ledger = ledgers.get(id);
        return ledger == null ? Optional.empty() : Optional.of(ledger.view(nowMs));
    }

    /**
     * The outcome of admission: either reservations to settle when the request ends, or the refusal.
     *
     * @param ledgers        the ledgers holding the reservation
     * @param reservedMicros the amount held on each
     * @param refusal        why it was refused, or null when admitted
     */
    public record Admission(List<BudgetLedger> ledgers, long reservedMicros, BudgetLedger.Refusal refusal) {

        /** No budget applies: nothing to settle. */
        public static final Admission NONE = new Admission(List.of(), 0, null);

        public boolean admitted() {
            return refusal == null;
        }

        /** Replaces the reservations with the request's real cost; call exactly once when it ends. */
        public void settle(long completedAtMs, long costMicros, long nowMs) {
            for (BudgetLedger ledger : ledgers) {
                ledger.settle(reservedMicros, completedAtMs, costMicros, nowMs);
            }
        }
    }

    private static void apply(BudgetLedger ledger, BudgetState state) {
        ledger.applyState(state.getPeriodStart().toEpochMilli(), state.getSpentMicros(), state.getAsOf().toEpochMilli(),
                System.currentTimeMillis());
    }

    private void reindex() {
        Map<String, List<BudgetLedger>> index = new HashMap<>();
        ledgers.values().forEach(l -> index.computeIfAbsent(l.budget().orgId(), o -> new ArrayList<>()).add(l));
        Map<String, List<BudgetLedger>> frozen = new HashMap<>();
        index.forEach((org, list) -> frozen.put(org, List.copyOf(list)));
        byOrg = Map.copyOf(frozen);
    }
}

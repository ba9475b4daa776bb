package dev.tollgate.streams.budgets;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.tollgate.events.v1.BudgetLeaseGrant;
import dev.tollgate.events.v1.BudgetLeaseRequest;
import dev.tollgate.events.v1.BudgetLeaseReturn;
import dev.tollgate.events.v1.BudgetLeaseStatus;

/**
 * The owner's rules for leasing out a hard budget, as functions of the budget's spend record: grant, return,
 * settle, release. The spend processor applies them in the budget's task, so each budget has one owner and its
 * leases change in the same transaction as its spend and as the grants published.
 *
 * <p><b>The invariant:</b> {@code spent + outstanding ≤ limit}, where outstanding is what the leases hold
 * ({@link BudgetLease#holdMicros}). A grant never exceeds {@code limit − spent − outstanding}. A usage event naming
 * a lease moves its cost from that lease's hold to spend, leaving the sum as it was, as long as a lease never pays
 * for more than it was granted: a replica reserves each request's worst case from the lease. A return only lowers
 * a hold. So counted spend stays within the limit; what can break it is spend that names no lease still held
 * ({@link BudgetSpend#unleasedMicros}), which docs/budgets.md lists.
 *
 * <p><b>Sizing:</b> a replica asks for about its spend rate times a short horizon ({@code requested}) and says the
 * least that is of use ({@code min}, the worst case of the request waiting). The owner grants
 * {@code min(requested, max(min, available / (2 × replicas)))}, where replicas are those holding unreturned leases
 * plus the asker: plenty while plenty is left, and ever smaller leases as the budget nears its end, so that the last
 * of it is shared among the replicas instead of stranded in one.
 */
final class LeaseDesk {

    private LeaseDesk() {
    }

    /**
     * The answer to a request, and the spend record after it.
     *
     * @param spend the budget's spend and leases after the request
     * @param grant what to publish, or null when the request was answered before (a replayed request)
     */
    record Answer(BudgetSpend spend, BudgetLeaseGrant grant) {
    }

    /**
     * What a sweep did.
     *
     * @param spend          the spend record after it
     * @param released       leases dropped
     * @param releasedMicros what they still held, freed
     */
    record Sweep(BudgetSpend spend, int released, long releasedMicros) {
    }

    /** Applies the returns the replica sent with its request; a return of a lease not held, or not its own, is ignored. */
    static BudgetSpend applyReturns(BudgetSpend spend, String replicaId, List<BudgetLeaseReturn> returns, long nowMs) {
        BudgetSpend next = spend;
        for (BudgetLeaseReturn back : returns) {
            BudgetLease lease = next.lease(back.getLeaseId());
            if (lease == null || !lease.replicaId().equals(replicaId)) {
                continue;
            }
            next = next.withLeaseChanged(lease.id(), l -> {
                BudgetLease returned = l.returned(back.getUsedMicros(), back.getComplete(), nowMs);
                return returned.settled() ? null : returned;
            });
        }
        return next;
    }

    /**
     * Grants a lease for {@code request}, or says why not; nothing when a lease was already granted for it.
     *
     * @param nowMs the owner's wall clock
     */
    static Answer decide(BudgetRule rule, BudgetSpend spend, BudgetLeaseRequest request, long nowMs, LeaseTerms terms) {
        String id = BudgetLease.idFor(spend.periodStartMs(), request.getEventId());
        if (spend.lease(id) != null) {
            return new Answer(spend, null);
        }
        long min = Math.max(1, request.getMinMicros());
        long requested = Math.max(request.getRequestedMicros(), min);
        long outstanding = spend.outstandingMicros();
        long available = rule.amountMicros() - spend.spentMicros() - outstanding;
        if (available < min) {
            BudgetLeaseStatus status = spend.spentMicros() >= rule.amountMicros() || outstanding == 0
                    ? BudgetLeaseStatus.EXHAUSTED : BudgetLeaseStatus.HELD;
            return new Answer(spend, answer(rule, spend, request, status, null, 0, nowMs, terms));
        }
        long share = available / (2L * replicasWith(spend, request.getReplicaId()));
        long amount = Math.min(available, Math.min(requested, Math.max(min, share)));
        BudgetSpend next = spend.withLease(BudgetLease.granted(id, request.getReplicaId(), amount, nowMs,
                terms.ttl().toMillis()));
        return new Answer(next, answer(rule, next, request, BudgetLeaseStatus.GRANTED, id, amount, nowMs, terms));
    }

    /** The answer to a request for a budget the owner does not enforce as hard (unknown, soft or deleted). */
    static BudgetLeaseGrant unknown(BudgetLeaseRequest request, long nowMs) {
        Instant now = Instant.ofEpochMilli(nowMs);
        return BudgetLeaseGrant.newBuilder().setRequestId(request.getEventId()).setOrgId(request.getOrgId())
                .setBudgetId(request.getBudgetId()).setReplicaId(request.getReplicaId())
                .setStatus(BudgetLeaseStatus.UNKNOWN).setExpiresAt(now).setPeriodStart(now).setPeriodEnd(now)
                .setGrantedAt(now).build();
    }

    /** Counts {@code costMicros} of a usage event naming lease {@code leaseId} against it; unleased if not held. */
    static BudgetSpend settle(BudgetSpend spend, String leaseId, long costMicros) {
        if (spend.lease(leaseId) == null) {
            return spend.unleased(costMicros);
        }
        return spend.withLeaseChanged(leaseId, l -> {
            BudgetLease counted = l.counted(costMicros);
            return counted.settled() ? null : counted;
        });
    }

    /**
     * Releases the leases that can hold nothing any more: unreturned ones a settle grace past their expiry (their
     * replica is taken for dead), and returned ones whose settling usage has not come within the horizon.
     */
    static Sweep sweep(BudgetSpend spend, long nowMs, LeaseTerms terms) {
        List<BudgetLease> kept = new ArrayList<>(spend.leases().size());
        int released = 0;
        long freed = 0;
        for (BudgetLease lease : spend.leases()) {
            boolean gone = lease.returned()
                    ? nowMs >= lease.returnedAtMs() + terms.returnedHorizon().toMillis()
                    : nowMs >= lease.expiresAtMs() + terms.settleGrace().toMillis();
            if (gone) {
                released++;
                freed += lease.holdMicros();
            } else {
                kept.add(lease);
            }
        }
        return released == 0 ? new Sweep(spend, 0, 0) : new Sweep(spend.withLeases(kept), released, freed);
    }

    private static int replicasWith(BudgetSpend spend, String asker) {
        Set<String> replicas = new HashSet<>();
        replicas.add(asker);
        for (BudgetLease lease : spend.leases()) {
            if (!lease.returned()) {
                replicas.add(lease.replicaId());
            }
        }
        return replicas.size();
    }

    private static BudgetLeaseGrant answer(BudgetRule rule, BudgetSpend spend, BudgetLeaseRequest request,
            BudgetLeaseStatus status, String leaseId, long amount, long nowMs, LeaseTerms terms) {
        long ttl = leaseId == null ? 0 : terms.ttl().toMillis();
        return BudgetLeaseGrant.newBuilder().setRequestId(request.getEventId()).setOrgId(request.getOrgId())
                .setBudgetId(request.getBudgetId()).setReplicaId(request.getReplicaId()).setStatus(status)
                .setLeaseId(leaseId).setGrantedMicros(amount).setTtlMs(ttl)
                .setExpiresAt(Instant.ofEpochMilli(nowMs + ttl))
                .setPeriodStart(Instant.ofEpochMilli(spend.periodStartMs()))
                .setPeriodEnd(Instant.ofEpochMilli(spend.periodEndMs())).setLimitMicros(rule.amountMicros())
                .setSpentMicros(spend.spentMicros()).setOutstandingMicros(spend.outstandingMicros())
                .setGrantedAt(Instant.ofEpochMilli(nowMs)).build();
    }
}

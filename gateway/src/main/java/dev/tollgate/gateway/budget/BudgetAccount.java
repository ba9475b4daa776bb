package dev.tollgate.gateway.budget;

import dev.tollgate.events.v1.BudgetLeaseGrant;
import dev.tollgate.events.v1.BudgetLeaseRequest;
import dev.tollgate.events.v1.BudgetLeaseReturn;
import dev.tollgate.events.v1.BudgetLeaseStatus;
import dev.tollgate.schemas.CalendarPeriods;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One budget as this replica enforces it: the admin's definition, the spend the streams app last published and,
 * for a hard budget, the spend leases this replica holds on it.
 *
 * <p><b>Admission of a hard budget is against a lease only.</b> The budget's owner (the streams task that counts its
 * spend) leases parts of what is left to replicas; a request is admitted when its worst-case cost fits what a lease
 * this replica holds has left, and reserves it there, exactly as a budget was reserved before leases. No replica
 * can admit against another's lease, and the owner never leases out more than is left, so with any number of
 * replicas the spend counted stays within the limit (docs/budgets.md#leases).
 *
 * <p><b>Ahead of need.</b> Each admission updates the replica's recent spend rate on the budget; when what its
 * leases have left falls below half of the rate times the lease horizon, it asks for the next lease, so that at a
 * steady rate a request never waits. A request that finds no lease to fit (the first one, a burst, a budget near its
 * end) waits for the answer to an ask ({@link Step.Wait}), at most {@code lease-wait}.
 *
 * <p><b>Giving back.</b> A lease is closed when it expires (counted from when this replica asked, so before the
 * owner's expiry), when its period ends, when it sat idle, when what it has left cannot pay for even the smallest
 * recent request, or, once the owner said what is left is short, when it cannot pay for the request that asked;
 * closed leases are returned, so what they did not pay for is leased again at once.
 *
 * <p>Every method is synchronized: the lock is held for a few arithmetic operations on the request path, and sends
 * and wake-ups only enqueue (they never block).
 */
final class BudgetAccount {

    /** A denial answers requests larger than what it says is left, without asking again, for this long. */
    static final long DENIAL_FRESH_NANOS = 500_000_000L;
    /** A lease is taken to expire this much before the time to live the owner gave it, counted from the ask. */
    static final long EXPIRY_MARGIN_NANOS = 250_000_000L;
    /** An ask whose answer has not come in this long is forgotten; a grant for it is then returned at once. */
    static final long ASK_MEMORY_NANOS = 60_000_000_000L;
    /** After an answer that granted nothing usable (UNKNOWN), waiting requests ask again no sooner than this. */
    static final long REASK_NANOS = 100_000_000L;
    /** How long the largest and smallest recent worst cases are remembered, to size leases and spot fragments. */
    static final long LARGEST_MEMORY_NANOS = 10_000_000_000L;

    /** A request waiting for a lease of this budget: woken (on its own event loop) when the owner answers. */
    interface Waiter {
        /** The owner answered an ask of this budget: try again. Must not block. */
        void wake();
    }

    /** What admission decided for one budget. */
    sealed interface Step {
        /** Reserved on {@code lease}. */
        record Reserved(HeldLease lease) implements Step {
        }

        /** Refused, and why. */
        record Refused(Refusal refusal) implements Step {
        }

        /** No lease fits yet and the owner was asked: wait for its answer ({@link #await}). */
        record Wait() implements Step {
        }
    }

    private record Ask(String id, long sentAtNanos, long minMicros) {
    }

    /**
     * The owner's last refusal to grant.
     *
     * @param kind           {@link Refusal.Kind#HELD} or {@link Refusal.Kind#TOO_LARGE} (nothing held) or
     *                       {@link Refusal.Kind#SPENT}
     * @param leftMicros     limit less spend less what leases held, then
     * @param spentMicros    spend the owner had counted
     * @param heldMicros     what leases held
     * @param periodStartMs  the period it was about
     * @param atNanos        when it arrived
     */
    private record Denial(Refusal.Kind kind, long leftMicros, long spentMicros, long heldMicros, long periodStartMs,
                          long atNanos) {
    }

    private final LeaseSettings settings;
    private final LeaseChannel channel;
    private Budget budget;
    private CalendarPeriods.Window window;
    private long statePeriodStartMs = Long.MIN_VALUE;
    private long stateSpentMicros;
    private long asOfMs = Long.MIN_VALUE;
    private final List<HeldLease> leases = new ArrayList<>();
    private final Map<String, Ask> asked = new LinkedHashMap<>();
    private Ask pending;
    private long lastAnswerNanos = Long.MIN_VALUE;
    /** When the oldest ask with no answer since was sent, or {@code Long.MIN_VALUE}: how long the owner is silent. */
    private long unansweredSinceNanos = Long.MIN_VALUE;
    private Denial denial;
    /** Spend, and what leases held, as the owner's last answer of the current period said. */
    private long ownerSpentMicros;
    private long ownerHeldMicros;
    private final List<Waiter> waiters = new ArrayList<>();
    private final List<BudgetLeaseReturn> unsentReturns = new ArrayList<>();
    private final SpendRate rate = new SpendRate();
    private long largestMicros;
    private long largestAtNanos;
    private long smallestMicros = Long.MAX_VALUE;
    private long smallestAtNanos;

    BudgetAccount(Budget budget, LeaseSettings settings, LeaseChannel channel) {
        this.budget = budget;
        this.settings = settings;
        this.channel = channel;
    }

    synchronized Budget budget() {
        return budget;
    }

    /**
     * Replaces the definition; leases carry over, unless the budget is no longer hard or its calendar changed, in
     * which case they are closed and returned (a raised limit admits again at once on the next lease).
     */
    synchronized void redefine(Budget newer, long nowNanos) {
        boolean calendar = budget.period() != newer.period() || !budget.zone().equals(newer.zone());
        if (calendar) {
            window = null;
        }
        boolean wasHard = budget.hard();
        budget = newer;
        denial = null;
        if (calendar || (wasHard && !newer.hard())) {
            closeAll(nowNanos);
        }
        wakeAll();
    }

    /** The budget was deleted: every lease is returned, and waiting requests try again without it. */
    synchronized void removed(long nowNanos) {
        closeAll(nowNanos);
        wakeAll();
    }

    /** Takes a state published by the streams app: the spend of the period starting at {@code periodStartMs}. */
    synchronized void applyState(long periodStartMs, long spentMicros, long asOf) {
        statePeriodStartMs = periodStartMs;
        stateSpentMicros = spentMicros;
        asOfMs = asOf;
    }

    /**
     * Admits a request of worst case {@code amountMicros} against a lease of this (hard) budget: reserves it, refuses
     * it, or asks the owner and says to wait.
     */
    synchronized Step reserve(long amountMicros, long nowMs, long nowNanos) {
        return reserve(amountMicros, nowMs, nowNanos, true);
    }

    /**
     * As {@link #reserve(long, long, long)}; {@code firstAttempt} is false for a request trying again after it
     * waited, whose demand was counted towards the spend rate when it first waited.
     */
    synchronized Step reserve(long amountMicros, long nowMs, long nowNanos, boolean firstAttempt) {
        roll(nowMs, nowNanos);
        remember(amountMicros, nowNanos);
        if (publishedSpent() >= budget.limitMicros()) {
            return refused(Refusal.Kind.SPENT, publishedSpent(), 0, amountMicros);
        }
        HeldLease lease = fitting(amountMicros, nowNanos);
        if (lease != null) {
            lease.reserve(amountMicros, nowNanos);
            if (firstAttempt) {
                rate.add(amountMicros, nowNanos);
            }
            prefetch(nowMs, nowNanos);
            return new Step.Reserved(lease);
        }
        if (denial != null && denial.periodStartMs == window.startMs()
                && nowNanos - denial.atNanos < DENIAL_FRESH_NANOS && amountMicros > denial.leftMicros) {
            return refused(denial.kind, denial.spentMicros, denial.heldMicros, amountMicros);
        }
        if (ownerUnreachable(nowNanos)) {
            if (pending == null || nowNanos - pending.sentAtNanos >= settings.waitNanos()) {
                ask(amountMicros, nowMs, nowNanos); // probe again, at most once per wait
            }
            return refused(Refusal.Kind.OWNER_UNREACHABLE, publishedSpent(), 0, amountMicros);
        }
        // Demand that waits counts towards the rate as much as demand admitted, once per request (when it first
        // waits): otherwise a replica that starts (or comes back from idle) under load sizes each ask by the trickle
        // the last small lease let through, and grows its leases over a chain of round trips while requests wait.
        if (firstAttempt) {
            rate.add(amountMicros, nowNanos);
        }
        if (pending == null || pending.minMicros < amountMicros) {
            ask(amountMicros, nowMs, nowNanos);
        }
        return new Step.Wait();
    }

    /** A reservation made by {@link #reserve} that will not be spent: a later budget of the request refused it. */
    synchronized void release(HeldLease lease, long amountMicros, long nowNanos) {
        lease.settle(amountMicros, 0);
        if (lease.closed) {
            sendReturns(nowNanos);
        }
    }

    /** Replaces a reservation with what the request really cost, once it ended. */
    synchronized void settle(HeldLease lease, long reservedMicros, long costMicros, long nowNanos) {
        lease.settle(reservedMicros, costMicros);
        if (lease.closed) {
            sendReturns(nowNanos);
        }
    }

    /** Registers a request to wake when the owner next answers an ask of this budget. */
    synchronized void await(Waiter waiter) {
        waiters.add(waiter);
    }

    /** Forgets a waiting request (it timed out, or its client left). */
    synchronized void forget(Waiter waiter) {
        waiters.remove(waiter);
    }

    /**
     * Why a request that waited since {@code sinceNanos} until its deadline is refused: the owner's last refusal if
     * it said no; that what is left is held by leases if it answered meanwhile but no lease came to fit this request
     * (other requests took what it granted: a budget near its end, shared by many); else that the owner did not
     * answer at all, the only case that is not the budget's but the owner's (503).
     */
    synchronized Refusal refusalAfterWait(long amountMicros, long nowMs, long nowNanos, long sinceNanos) {
        roll(nowMs, nowNanos);
        if (denial != null && denial.periodStartMs == window.startMs() && amountMicros > denial.leftMicros) {
            return new Refusal(budget, window, denial.kind, denial.spentMicros, denial.heldMicros, amountMicros);
        }
        if (lastAnswerNanos != Long.MIN_VALUE && lastAnswerNanos - sinceNanos >= 0) {
            return new Refusal(budget, window, Refusal.Kind.HELD, Math.max(publishedSpent(), ownerSpentMicros),
                    ownerHeldMicros, amountMicros);
        }
        return new Refusal(budget, window, Refusal.Kind.OWNER_UNREACHABLE, publishedSpent(), 0, amountMicros);
    }

    /**
     * Applies the owner's answer to one of this replica's asks, and wakes the requests waiting for it.
     *
     * @return how long the answer took from the ask, in nanoseconds; -1 for an ask this replica no longer knows
     */
    synchronized long answer(BudgetLeaseGrant grant, long nowMs, long nowNanos) {
        Ask ask = asked.remove(grant.getRequestId());
        boolean granted = grant.getStatus() == BudgetLeaseStatus.GRANTED && grant.getLeaseId() != null;
        if (ask == null) {
            if (granted) { // an answer to an ask long forgotten: give it back untouched
                unsentReturns.add(complete(grant.getLeaseId(), 0));
                sendReturns(nowNanos);
            }
            return -1;
        }
        if (pending == ask) {
            pending = null;
        }
        lastAnswerNanos = nowNanos;
        unansweredSinceNanos = Long.MIN_VALUE;
        roll(nowMs, nowNanos);
        long periodStart = grant.getPeriodStart().toEpochMilli();
        if (periodStart == window.startMs()) {
            ownerSpentMicros = grant.getSpentMicros();
            ownerHeldMicros = grant.getOutstandingMicros();
        }
        if (granted) {
            long expiresAt = ask.sentAtNanos + grant.getTtlMs() * 1_000_000L - EXPIRY_MARGIN_NANOS;
            if (periodStart != window.startMs() || expiresAt <= nowNanos || !budget.hard()) {
                unsentReturns.add(complete(grant.getLeaseId(), 0));
                sendReturns(nowNanos);
            } else {
                leases.add(new HeldLease(grant.getLeaseId(), periodStart, grant.getGrantedMicros(), expiresAt,
                        nowNanos));
                denial = null;
            }
        } else if (grant.getStatus() == BudgetLeaseStatus.UNKNOWN) {
            // the owner has not loaded the budget (yet): the keeper asks again, the waiters keep waiting
            return nowNanos - ask.sentAtNanos;
        } else {
            long held = grant.getOutstandingMicros();
            long spent = grant.getSpentMicros();
            Refusal.Kind kind = spent >= grant.getLimitMicros() ? Refusal.Kind.SPENT
                    : grant.getStatus() == BudgetLeaseStatus.EXHAUSTED ? Refusal.Kind.TOO_LARGE : Refusal.Kind.HELD;
            denial = new Denial(kind, Math.max(0, grant.getLimitMicros() - spent - held), spent, held, periodStart,
                    nowNanos);
            // What is left is short: fragments of leases that cannot pay for what was asked go back, so that what
            // is left is granted again in one piece, to this replica or another.
            closeUnfit(ask.minMicros);
            sendReturns(nowNanos);
        }
        wakeAll();
        return nowNanos - ask.sentAtNanos;
    }

    /**
     * The keeper's round, every few tens of milliseconds: closes leases that expired, ended with their period or sat
     * idle; returns what is closed; asks again for requests still waiting (after an UNKNOWN answer or a lost ask);
     * and fetches the next lease ahead of need.
     */
    synchronized void tick(long nowMs, long nowNanos) {
        roll(nowMs, nowNanos);
        for (HeldLease lease : leases) {
            if (!lease.closed && (nowNanos >= lease.expiresAtNanos || lease.periodStartMs != window.startMs()
                    || (lease.inFlight == 0 && nowNanos - lease.lastUsedNanos >= settings.idleNanos()))) {
                lease.closed = true;
            }
        }
        asked.values().removeIf(a -> nowNanos - a.sentAtNanos > ASK_MEMORY_NANOS);
        if (pending != null && !asked.containsValue(pending)) {
            pending = null;
        }
        if (budget.hard() && !waiters.isEmpty() && (lastAnswerNanos == Long.MIN_VALUE
                || nowNanos - lastAnswerNanos >= REASK_NANOS) && (pending == null
                || nowNanos - pending.sentAtNanos >= settings.waitNanos())) {
            ask(largestMicros, nowMs, nowNanos);
        } else {
            prefetch(nowMs, nowNanos);
        }
        sendReturns(nowNanos);
    }

    /** What this replica holds of the budget now, for the admin API and tests. */
    synchronized View view(long nowMs, long nowNanos) {
        roll(nowMs, nowNanos);
        long reserved = 0;
        long leased = 0;
        int open = 0;
        for (HeldLease lease : leases) {
            reserved += lease.reservedMicros;
            if (!lease.closed) {
                leased += Math.max(0, lease.freeMicros());
                open++;
            }
        }
        long spent = publishedSpent();
        return new View(budget, window, spent, reserved, leased, open,
                Math.max(0, budget.limitMicros() - spent - reserved), asOfMs);
    }

    /**
     * One budget as this replica sees it.
     *
     * @param budget          the definition
     * @param window          the current period
     * @param spentMicros     spend of the period the streams app last published
     * @param reservedMicros  held by this replica's requests in flight
     * @param leasedMicros    what this replica's open leases have left to admit
     * @param leases          this replica's open leases
     * @param remainingMicros the limit less the published spend and this replica's reservations
     * @param asOfMs          the published state's as-of, or {@code Long.MIN_VALUE} before the first state
     */
    record View(Budget budget, CalendarPeriods.Window window, long spentMicros, long reservedMicros, long leasedMicros,
                int leases, long remainingMicros, long asOfMs) {
    }

    private long publishedSpent() {
        return statePeriodStartMs >= window.startMs() ? stateSpentMicros : 0;
    }

    private Step.Refused refused(Refusal.Kind kind, long spent, long held, long amount) {
        return new Step.Refused(new Refusal(budget, window, kind, spent, held, amount));
    }

    private boolean ownerUnreachable(long nowNanos) {
        return unansweredSinceNanos != Long.MIN_VALUE && nowNanos - unansweredSinceNanos >= settings.waitNanos();
    }

    /** The open lease that fits {@code amount} and expires first, so the oldest are used up before the newest. */
    private HeldLease fitting(long amount, long nowNanos) {
        HeldLease best = null;
        for (HeldLease lease : leases) {
            if (lease.fits(amount, nowNanos, window.startMs())
                    && (best == null || lease.expiresAtNanos < best.expiresAtNanos)) {
                best = lease;
            }
        }
        return best;
    }

    /** Closes the open leases with less left than {@code amount}, so that what they have left goes back. */
    private void closeUnfit(long amount) {
        for (HeldLease lease : leases) {
            if (!lease.closed && lease.freeMicros() < amount) {
                lease.closed = true;
            }
        }
    }

    private void closeAll(long nowNanos) {
        for (HeldLease lease : leases) {
            lease.closed = true;
        }
        sendReturns(nowNanos);
    }

    /** Asks for the next lease when what the open leases have left is below half of the target. */
    private void prefetch(long nowMs, long nowNanos) {
        if (pending != null || !budget.hard()) {
            return;
        }
        double perSecond = rate.perSecond(nowNanos);
        if (perSecond < 1) {
            return;
        }
        long free = 0;
        for (HeldLease lease : leases) {
            if (lease.fits(1, nowNanos, window.startMs())) {
                free += lease.freeMicros();
            }
        }
        if (free < target(nowNanos) / 2) {
            ask(largestMicros, nowMs, nowNanos);
        }
    }

    /** About the lease horizon's worth of recent spend, and at least two of the largest recent requests. */
    private long target(long nowNanos) {
        double horizon = rate.perSecond(nowNanos) * settings.horizonNanos() / 1e9;
        return Math.max((long) Math.ceil(horizon), 2 * largestMicros);
    }

    private void ask(long minMicros, long nowMs, long nowNanos) {
        long min = Math.max(1, minMicros);
        Ask ask = new Ask(UUID.randomUUID().toString(), nowNanos, min);
        pending = ask;
        asked.put(ask.id(), ask);
        closeUnfit(smallestMicros); // leases that cannot pay for even the smallest recent request go back with it
        if (unansweredSinceNanos == Long.MIN_VALUE) {
            unansweredSinceNanos = nowNanos;
        }
        List<BudgetLeaseReturn> returns = takeReturns();
        BudgetLeaseRequest request = request(ask.id(), Math.max(min, target(nowNanos)), min, returns, nowMs,
                nowNanos);
        channel.send(request, failure -> returnsFailed(returns));
    }

    private void sendReturns(long nowNanos) {
        List<BudgetLeaseReturn> returns = takeReturns();
        if (returns.isEmpty()) {
            return;
        }
        long nowMs = System.currentTimeMillis();
        channel.send(request(UUID.randomUUID().toString(), 0, 0, returns, nowMs, nowNanos),
                failure -> returnsFailed(returns));
    }

    /** Returns not delivered are sent again with the next message: a lost complete return only delays settlement. */
    private synchronized void returnsFailed(List<BudgetLeaseReturn> returns) {
        unsentReturns.addAll(returns);
    }

    /** The returns due: complete for closed leases with nothing in flight, a bound for those with requests in flight. */
    private List<BudgetLeaseReturn> takeReturns() {
        List<BudgetLeaseReturn> returns = new ArrayList<>(unsentReturns);
        unsentReturns.clear();
        for (Iterator<HeldLease> it = leases.iterator(); it.hasNext(); ) {
            HeldLease lease = it.next();
            if (!lease.closed) {
                continue;
            }
            if (lease.inFlight == 0) {
                returns.add(complete(lease.id, lease.spentMicros));
                it.remove();
            } else if (!lease.boundSent) {
                returns.add(BudgetLeaseReturn.newBuilder().setLeaseId(lease.id)
                        .setUsedMicros(lease.spentMicros + lease.reservedMicros).setComplete(false).build());
                lease.boundSent = true;
            }
        }
        return returns;
    }

    private static BudgetLeaseReturn complete(String leaseId, long spentMicros) {
        return BudgetLeaseReturn.newBuilder().setLeaseId(leaseId).setUsedMicros(spentMicros).setComplete(true).build();
    }

    private BudgetLeaseRequest request(String id, long requested, long min, List<BudgetLeaseReturn> returns,
                                       long nowMs, long nowNanos) {
        return BudgetLeaseRequest.newBuilder().setEventId(id).setOrgId(budget.orgId()).setBudgetId(budget.id())
                .setReplicaId(settings.replicaId()).setRequestedMicros(requested).setMinMicros(min)
                .setSpendRateMicros(Math.round(rate.perSecond(nowNanos))).setReturns(returns)
                .setSentAt(Instant.ofEpochMilli(nowMs)).build();
    }

    private void remember(long amount, long nowNanos) {
        if (amount >= largestMicros || nowNanos - largestAtNanos > LARGEST_MEMORY_NANOS) {
            largestMicros = amount;
            largestAtNanos = nowNanos;
        }
        if (amount <= smallestMicros || nowNanos - smallestAtNanos > LARGEST_MEMORY_NANOS) {
            smallestMicros = amount;
            smallestAtNanos = nowNanos;
        }
    }

    private void wakeAll() {
        if (waiters.isEmpty()) {
            return;
        }
        List<Waiter> woken = List.copyOf(waiters);
        waiters.clear();
        woken.forEach(Waiter::wake);
    }

    /** Moves to the period containing {@code nowMs}; the leases of the one that ended are closed and returned. */
    private void roll(long nowMs, long nowNanos) {
        if (window == null || nowMs >= window.endMs() || nowMs < window.startMs()) {
            window = CalendarPeriods.containing(budget.period(), budget.zone(), Instant.ofEpochMilli(nowMs));
            denial = null;
            ownerSpentMicros = 0;
            ownerHeldMicros = 0;
            for (HeldLease lease : leases) {
                if (lease.periodStartMs != window.startMs()) {
                    lease.closed = true;
                }
            }
        }
    }
}

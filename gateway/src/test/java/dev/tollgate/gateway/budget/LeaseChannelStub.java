package dev.tollgate.gateway.budget;

import dev.tollgate.events.v1.BudgetLeaseGrant;
import dev.tollgate.events.v1.BudgetLeaseRequest;
import dev.tollgate.events.v1.BudgetLeaseReturn;
import dev.tollgate.events.v1.BudgetLeaseStatus;
import dev.tollgate.schemas.CalendarPeriods;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Records what a replica sends to the budget's owner, and makes the owner's answers to it, for unit tests. */
final class LeaseChannelStub implements LeaseChannel {

    final List<BudgetLeaseRequest> sent = new ArrayList<>();
    private final List<Consumer<Throwable>> failures = new ArrayList<>();

    @Override
    public synchronized void send(BudgetLeaseRequest request, Consumer<Throwable> failed) {
        sent.add(request);
        failures.add(failed);
    }

    /** The asks sent (requests for a lease, not returns only). */
    synchronized List<BudgetLeaseRequest> asks() {
        return sent.stream().filter(r -> r.getMinMicros() > 0).toList();
    }

    /** Every return sent, in order. */
    synchronized List<BudgetLeaseReturn> returns() {
        return sent.stream().flatMap(r -> r.getReturns().stream()).toList();
    }

    synchronized BudgetLeaseRequest lastAsk() {
        List<BudgetLeaseRequest> asks = asks();
        return asks.get(asks.size() - 1);
    }

    /** Fails delivery of the {@code index}th message sent. */
    synchronized void fail(int index) {
        failures.get(index).accept(new RuntimeException("broker away"));
    }

    /** The owner's grant of {@code amount} for {@code ask}, in the period containing {@code nowMs}. */
    static BudgetLeaseGrant grant(BudgetLeaseRequest ask, Budget budget, long amount, long ttlMs, long nowMs) {
        CalendarPeriods.Window window = CalendarPeriods.containing(budget.period(), budget.zone(),
                Instant.ofEpochMilli(nowMs));
        return answer(ask, BudgetLeaseStatus.GRANTED, window, budget.limitMicros(), 0, amount)
                .setLeaseId(window.startMs() + "-" + ask.getEventId()).setGrantedMicros(amount).setTtlMs(ttlMs)
                .setExpiresAt(Instant.ofEpochMilli(nowMs + ttlMs)).build();
    }

    /** The owner's refusal of {@code ask}. */
    static BudgetLeaseGrant denial(BudgetLeaseRequest ask, Budget budget, BudgetLeaseStatus status, long spent,
                                   long outstanding, long nowMs) {
        CalendarPeriods.Window window = CalendarPeriods.containing(budget.period(), budget.zone(),
                Instant.ofEpochMilli(nowMs));
        return answer(ask, status, window, budget.limitMicros(), spent, outstanding)
                .setExpiresAt(Instant.ofEpochMilli(nowMs)).build();
    }

    private static BudgetLeaseGrant.Builder answer(BudgetLeaseRequest ask, BudgetLeaseStatus status,
                                                   CalendarPeriods.Window window, long limit, long spent,
                                                   long outstanding) {
        return BudgetLeaseGrant.newBuilder().setRequestId(ask.getEventId()).setOrgId(ask.getOrgId())
                .setBudgetId(ask.getBudgetId()).setReplicaId(ask.getReplicaId()).setStatus(status)
                .setPeriodStart(Instant.ofEpochMilli(window.startMs())).setPeriodEnd(Instant.ofEpochMilli(window.endMs()))
                .setLimitMicros(limit).setSpentMicros(spent).setOutstandingMicros(outstanding)
                .setGrantedAt(ask.getSentAt());
    }
}

package dev.tollgate.streams.budgets;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tollgate.schemas.CalendarPeriods;

/**
 * Spend against one budget in its current period, and the spend leases granted against it in that period, as kept
 * in the spend store (JSON; the field names are a storage contract: add fields, never rename them; a value written
 * before leases existed reads as having none).
 *
 * @param periodStartMs     inclusive start of the period, epoch milliseconds
 * @param periodEndMs       exclusive end of the period, epoch milliseconds
 * @param spentMicros       cost counted in the period, integer micro-dollars
 * @param asOfMs            the latest {@code completed_at} counted, epoch milliseconds
 * @param firedThresholds   the threshold percents already published in this period, ascending; they are what
 *                          makes a threshold event go out once per period even when spend keeps growing
 * @param leases            the leases of the period that still hold something or may still be returned
 * @param unleasedMicros    spend counted against a hard budget that named no lease the owner holds: requests admitted
 *                          before the budget was hard, by a replica with budgets off, or after their lease was
 *                          released. It is the only spend the lease guarantee does not cover (docs/budgets.md)
 */
public record BudgetSpend(
        @JsonProperty("period_start_ms") long periodStartMs,
        @JsonProperty("period_end_ms") long periodEndMs,
        @JsonProperty("spent_micros") long spentMicros,
        @JsonProperty("as_of_ms") long asOfMs,
        @JsonProperty("fired_thresholds") List<Integer> firedThresholds,
        @JsonProperty("leases") List<BudgetLease> leases,
        @JsonProperty("unleased_micros") long unleasedMicros) {

    public BudgetSpend {
        firedThresholds = firedThresholds == null ? List.of() : firedThresholds;
        leases = leases == null ? List.of() : leases;
    }

    /** Nothing spent yet in {@code window}, no lease granted. */
    public static BudgetSpend start(CalendarPeriods.Window window) {
        return new BudgetSpend(window.startMs(), window.endMs(), 0, window.startMs(), List.of(), List.of(), 0);
    }

    /** This spend plus one event's {@code costMicros}, completed at {@code atMs}. */
    public BudgetSpend add(long costMicros, long atMs) {
        return new BudgetSpend(periodStartMs, periodEndMs, Math.addExact(spentMicros, costMicros),
                Math.max(asOfMs, atMs), firedThresholds, leases, unleasedMicros);
    }

    /** This spend with {@code percents} also marked as published. */
    public BudgetSpend fired(List<Integer> percents) {
        return new BudgetSpend(periodStartMs, periodEndMs, spentMicros, asOfMs,
                Stream.concat(firedThresholds.stream(), percents.stream()).distinct().sorted().toList(), leases,
                unleasedMicros);
    }

    /** What the period's leases hold: granted or reported, and not yet counted from usage. */
    public long outstandingMicros() {
        long sum = 0;
        for (BudgetLease lease : leases) {
            sum += lease.holdMicros();
        }
        return sum;
    }

    /** The lease {@code id}, or null. */
    public BudgetLease lease(String id) {
        for (BudgetLease lease : leases) {
            if (lease.id().equals(id)) {
                return lease;
            }
        }
        return null;
    }

    /** This spend with {@code lease} added. */
    BudgetSpend withLease(BudgetLease lease) {
        List<BudgetLease> next = new ArrayList<>(leases.size() + 1);
        next.addAll(leases);
        next.add(lease);
        return withLeases(next);
    }

    /** This spend with lease {@code id} changed by {@code change}, or dropped when it yields null. */
    BudgetSpend withLeaseChanged(String id, UnaryOperator<BudgetLease> change) {
        List<BudgetLease> next = new ArrayList<>(leases.size());
        for (BudgetLease lease : leases) {
            BudgetLease changed = lease.id().equals(id) ? change.apply(lease) : lease;
            if (changed != null) {
                next.add(changed);
            }
        }
        return withLeases(next);
    }

    /** This spend with exactly {@code next} as its leases. */
    BudgetSpend withLeases(List<BudgetLease> next) {
        return new BudgetSpend(periodStartMs, periodEndMs, spentMicros, asOfMs, firedThresholds, List.copyOf(next),
                unleasedMicros);
    }

    /** This spend with {@code costMicros} more counted that no held lease covered. */
    BudgetSpend unleased(long costMicros) {
        return new BudgetSpend(periodStartMs, periodEndMs, spentMicros, asOfMs, firedThresholds, leases,
                Math.addExact(unleasedMicros, costMicros));
    }
}

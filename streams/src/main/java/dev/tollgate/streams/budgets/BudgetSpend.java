package dev.tollgate.streams.budgets;

import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tollgate.schemas.CalendarPeriods;

/**
 * Spend against one budget in its current period, as kept in the spend store (JSON; the field names are a storage
 * contract: add fields, never rename them).
 *
 * @param periodStartMs     inclusive start of the period, epoch milliseconds
 * @param periodEndMs       exclusive end of the period, epoch milliseconds
 * @param spentMicros       cost counted in the period, integer micro-dollars
 * @param asOfMs            the latest {@code completed_at} counted, epoch milliseconds
 * @param firedThresholds   the threshold percents already published in this period, ascending; they are what
 *                          makes a threshold event go out once per period even when spend keeps growing
 */
public record BudgetSpend(
        @JsonProperty("period_start_ms") long periodStartMs,
        @JsonProperty("period_end_ms") long periodEndMs,
        @JsonProperty("spent_micros") long spentMicros,
        @JsonProperty("as_of_ms") long asOfMs,
        @JsonProperty("fired_thresholds") List<Integer> firedThresholds) {

    /** Nothing spent yet in {@code window}. */
    public static BudgetSpend start(CalendarPeriods.Window window) {
        return new BudgetSpend(window.startMs(), window.endMs(), 0, window.startMs(), List.of());
    }

    /** This spend plus one event's {@code costMicros}, completed at {@code atMs}. */
    public BudgetSpend add(long costMicros, long atMs) {
        return new BudgetSpend(periodStartMs, periodEndMs, Math.addExact(spentMicros, costMicros),
                Math.max(asOfMs, atMs), firedThresholds);
    }

    /** This spend with {@code percents} also marked as published. */
    public BudgetSpend fired(List<Integer> percents) {
        return new BudgetSpend(periodStartMs, periodEndMs, spentMicros, asOfMs,
                Stream.concat(firedThresholds.stream(), percents.stream()).distinct().sorted().toList());
    }
}

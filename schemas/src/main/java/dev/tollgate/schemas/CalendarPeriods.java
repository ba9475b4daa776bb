package dev.tollgate.schemas;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;

import dev.tollgate.events.v1.BudgetPeriod;

/**
 * Budget periods on calendar boundaries of a time zone: a day from local midnight, an ISO week from Monday
 * midnight, a month from midnight of its first day. Boundaries are computed with {@code java.time}, so a day with a
 * daylight-saving change is 23 or 25 hours long, as its owner's calendar says, and a month is as long as it is.
 */
public final class CalendarPeriods {

    private CalendarPeriods() {
    }

    /**
     * One period: the instants {@code [startMs, endMs)}.
     *
     * @param startMs inclusive start, epoch milliseconds
     * @param endMs   exclusive end, epoch milliseconds
     */
    public record Window(long startMs, long endMs) {
    }

    /** The period of kind {@code period}, in {@code zone}'s calendar, that contains {@code at}. */
    public static Window containing(BudgetPeriod period, ZoneId zone, Instant at) {
        LocalDate day = at.atZone(zone).toLocalDate();
        LocalDate start = switch (period) {
            case DAILY -> day;
            case WEEKLY -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTHLY -> day.withDayOfMonth(1);
        };
        LocalDate end = switch (period) {
            case DAILY -> start.plusDays(1);
            case WEEKLY -> start.plusWeeks(1);
            case MONTHLY -> start.plusMonths(1);
        };
        return new Window(start.atStartOfDay(zone).toInstant().toEpochMilli(),
                end.atStartOfDay(zone).toInstant().toEpochMilli());
    }
}

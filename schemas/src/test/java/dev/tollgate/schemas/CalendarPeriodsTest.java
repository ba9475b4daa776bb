package dev.tollgate.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

import dev.tollgate.events.v1.BudgetPeriod;

class CalendarPeriodsTest {

    @Test
    void startsAWeekOnMondayMidnightInTheBudgetsZone() {
        // 14:30Z on Sunday 2026-11-22 is 23:30 that Sunday in Tokyo; 15:00Z is Monday midnight there.
        CalendarPeriods.Window sunday = CalendarPeriods.containing(BudgetPeriod.WEEKLY, ZoneId.of("Asia/Tokyo"),
                Instant.parse("2026-11-22T14:30:00Z"));
        CalendarPeriods.Window monday = CalendarPeriods.containing(BudgetPeriod.WEEKLY, ZoneId.of("Asia/Tokyo"),
                Instant.parse("2026-11-22T15:00:00Z"));

        assertThat(Instant.ofEpochMilli(sunday.startMs())).isEqualTo(Instant.parse("2026-11-15T15:00:00Z"));
        assertThat(Instant.ofEpochMilli(sunday.endMs())).isEqualTo(Instant.parse("2026-11-22T15:00:00Z"));
        assertThat(monday.startMs()).isEqualTo(sunday.endMs());
    }

    @Test
    void makesTheDayOfADaylightSavingChangeTwentyThreeHoursLong() {
        CalendarPeriods.Window day = CalendarPeriods.containing(BudgetPeriod.DAILY, ZoneId.of("Europe/Berlin"),
                Instant.parse("2026-03-29T12:00:00Z"));

        assertThat(Duration.ofMillis(day.endMs() - day.startMs())).isEqualTo(Duration.ofHours(23));
        assertThat(Instant.ofEpochMilli(day.startMs())).isEqualTo(Instant.parse("2026-03-28T23:00:00Z"));
    }

    @Test
    void makesFebruaryTwentyEightDaysLongInACommonYear() {
        CalendarPeriods.Window month = CalendarPeriods.containing(BudgetPeriod.MONTHLY, ZoneId.of("UTC"),
                Instant.parse("2026-02-14T00:00:00Z"));

        assertThat(Duration.ofMillis(month.endMs() - month.startMs())).isEqualTo(Duration.ofDays(28));
    }
}

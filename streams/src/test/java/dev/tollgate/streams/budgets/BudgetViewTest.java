package dev.tollgate.streams.budgets;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tollgate.events.v1.BudgetEnforcement;
import dev.tollgate.events.v1.BudgetPeriod;
import dev.tollgate.events.v1.BudgetScopeType;

class BudgetViewTest {

    private static final BudgetRule DAILY = new BudgetRule("b-1", BudgetScopeType.ORG, "acme", "acme", 10_000,
            BudgetPeriod.DAILY, "UTC", List.of(50, 100), BudgetEnforcement.SOFT, 0);
    private static final long NOV_10 = Instant.parse("2026-11-10T00:00:00Z").toEpochMilli();
    private static final long NOV_11 = Instant.parse("2026-11-11T00:00:00Z").toEpochMilli();

    @Test
    void reportsTheStoredSpendWhileItsPeriodLasts() {
        BudgetSpend spend = new BudgetSpend(NOV_10, NOV_11, 6_000, NOV_10 + 5, List.of(50), List.of(), 0);

        BudgetView view = BudgetView.of(DAILY, spend, Instant.parse("2026-11-10T23:00:00Z"));

        assertThat(view.spentMicros()).isEqualTo(6_000);
        assertThat(view.remainingMicros()).isEqualTo(4_000);
        assertThat(view.status()).isEqualTo("WARNING");
        assertThat(view.enforcement()).isEqualTo("SOFT");
    }

    @Test
    void reportsANewEmptyPeriodOnceTheStoredOneHasEnded() {
        BudgetSpend spend = new BudgetSpend(NOV_10, NOV_11, 12_000, NOV_10 + 5, List.of(50, 100), List.of(), 0);

        BudgetView view = BudgetView.of(DAILY, spend, Instant.parse("2026-11-11T00:00:01Z"));

        assertThat(view.periodStart()).isEqualTo("2026-11-11T00:00:00Z");
        assertThat(view.spentMicros()).isZero();
        assertThat(view.status()).isEqualTo("OK");
    }

    @Test
    void reportsWhatTheLeasesOfThePeriodHoldAndTheUnleasedSpend() {
        BudgetLease open = new BudgetLease(NOV_10 + "-r1", "gw-1", 1_000, 300, null, false, NOV_10, NOV_10 + 10, 0);
        BudgetLease returned = new BudgetLease(NOV_10 + "-r2", "gw-2", 1_000, 100, 400L, true, NOV_10, NOV_10 + 10,
                NOV_10 + 5);
        BudgetSpend spend = new BudgetSpend(NOV_10, NOV_11, 2_000, NOV_10 + 5, List.of(), List.of(open, returned), 70);

        BudgetView view = BudgetView.of(DAILY, spend, Instant.parse("2026-11-10T12:00:00Z"));

        assertThat(view.leasedMicros()).isEqualTo(700 + 300);
        assertThat(view.leases()).isEqualTo(2);
        assertThat(view.unleasedMicros()).isEqualTo(70);
    }

    @Test
    void readsASpendStoredBeforeLeasesExistedAsHavingNone() {
        BudgetSpend old = dev.tollgate.streams.serde.JsonStoreSerde.create(BudgetSpend.class).deserializer()
                .deserialize("t", ("{\"period_start_ms\":" + NOV_10 + ",\"period_end_ms\":" + NOV_11
                        + ",\"spent_micros\":5,\"as_of_ms\":" + NOV_10 + ",\"fired_thresholds\":[50]}").getBytes());

        assertThat(old.leases()).isEmpty();
        assertThat(old.unleasedMicros()).isZero();
        assertThat(old.spentMicros()).isEqualTo(5);
    }

    @Test
    void reportsNothingSpentForABudgetWithNoUsageYet() {
        BudgetView view = BudgetView.of(DAILY, null, Instant.parse("2026-11-10T08:00:00Z"));

        assertThat(view.spentMicros()).isZero();
        assertThat(view.limitMicros()).isEqualTo(10_000);
        assertThat(view.periodEnd()).isEqualTo("2026-11-11T00:00:00Z");
    }
}

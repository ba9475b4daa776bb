package dev.tollgate.gateway.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.events.v1.BudgetEnforcement;
import dev.tollgate.events.v1.BudgetPeriod;
import dev.tollgate.events.v1.BudgetScopeType;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class BudgetLedgerTest {

    private static final long NOW = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();
    private static final long DAY_START = Instant.parse("2026-11-22T00:00:00Z").toEpochMilli();

    static Budget budget(long limit, BudgetEnforcement enforcement) {
        return new Budget("b1", BudgetScopeType.ORG, "acme", "acme", limit, BudgetPeriod.DAILY, ZoneOffset.UTC,
                enforcement, 1);
    }

    @Test
    void admitsWhileReservationsFitAndRefusesTheOneThatWouldNot() {
        BudgetLedger ledger = new BudgetLedger(budget(1_000, BudgetEnforcement.HARD), 500);

        assertThat(ledger.reserve(400, NOW)).isNull();
        assertThat(ledger.reserve(400, NOW)).isNull();
        BudgetLedger.Refusal refusal = ledger.reserve(400, NOW);

        assertThat(refusal).isNotNull();
        assertThat(refusal.spent()).isFalse();
        assertThat(refusal.reservedMicros()).isEqualTo(800);
        assertThat(ledger.reserve(200, NOW)).as("exactly the remaining 200 still fits").isNull();
    }

    @Test
    void settlingReplacesTheReservationWithTheRealCost() {
        BudgetLedger ledger = new BudgetLedger(budget(1_000, BudgetEnforcement.HARD), 500);
        ledger.reserve(900, NOW);

        ledger.settle(900, NOW, 100, NOW);

        BudgetLedger.View view = ledger.view(NOW);
        assertThat(view.reservedMicros()).isZero();
        assertThat(view.committedMicros()).isEqualTo(100);
        assertThat(view.remainingMicros()).isEqualTo(900);
    }

    @Test
    void refusesOnceThePublishedSpendReachesTheLimit() {
        BudgetLedger ledger = new BudgetLedger(budget(1_000, BudgetEnforcement.HARD), 500);

        ledger.applyState(DAY_START, 1_000, NOW - 5_000, NOW);
        BudgetLedger.Refusal refusal = ledger.reserve(1, NOW);

        assertThat(refusal).isNotNull();
        assertThat(refusal.spent()).isTrue();
        assertThat(refusal.window().startMs()).isEqualTo(DAY_START);
    }

    @Test
    void keepsLocalSpendUntilAStateCountsItPastTheOverlap() {
        BudgetLedger ledger = new BudgetLedger(budget(10_000, BudgetEnforcement.HARD), 500);
        ledger.reserve(100, NOW);
        ledger.settle(100, NOW - 1_000, 300, NOW);
        assertThat(ledger.view(NOW).committedMicros()).isEqualTo(300);

        ledger.applyState(DAY_START, 50, NOW - 1_200, NOW);
        assertThat(ledger.view(NOW).committedMicros()).as("state older than the spend: both count").isEqualTo(350);

        ledger.applyState(DAY_START, 350, NOW - 800, NOW);
        assertThat(ledger.view(NOW).committedMicros()).as("within the overlap: still counted locally too")
                .isEqualTo(650);

        ledger.applyState(DAY_START, 350, NOW - 500, NOW);
        assertThat(ledger.view(NOW).committedMicros()).as("counted by a state as of 500 ms later").isEqualTo(350);
    }

    @Test
    void holdsAFewSlicesPerSecondHoweverManyRequestsFinish() {
        BudgetLedger ledger = new BudgetLedger(budget(Long.MAX_VALUE / 4, BudgetEnforcement.HARD), 500);
        for (int i = 0; i < 100_000; i++) {
            ledger.reserve(10, NOW);
            ledger.settle(10, NOW + i / 100, 1, NOW);
        }

        assertThat(ledger.view(NOW).committedMicros()).isEqualTo(100_000);
        assertThat(ledger.slices()).isEqualTo(1_000 / (int) BudgetLedger.SLICE_MS);

        ledger.applyState(DAY_START, 100_000, NOW + 1_000 + 500, NOW);
        assertThat(ledger.slices()).isZero();
        assertThat(ledger.view(NOW).committedMicros()).isEqualTo(100_000);
    }

    @Test
    void aSliceStaysUntilItsLastSpendIsCounted() {
        BudgetLedger ledger = new BudgetLedger(budget(10_000, BudgetEnforcement.HARD), 0);
        ledger.settle(0, NOW, 100, NOW);
        ledger.settle(0, NOW + 50, 200, NOW);

        ledger.applyState(DAY_START, 100, NOW, NOW);

        assertThat(ledger.view(NOW).committedMicros()).as("the slice's later spend is not counted yet").isEqualTo(400);
    }

    @Test
    void aStateOfAnEarlierPeriodCountsNothingInTheNewOne() {
        BudgetLedger ledger = new BudgetLedger(budget(1_000, BudgetEnforcement.HARD), 500);

        ledger.applyState(DAY_START - 86_400_000L, 1_000, DAY_START - 1, NOW);

        assertThat(ledger.reserve(1_000, NOW)).isNull();
        assertThat(ledger.view(NOW).committedMicros()).isZero();
    }

    @Test
    void localSpendOfYesterdayIsForgottenAtMidnight() {
        BudgetLedger ledger = new BudgetLedger(budget(1_000, BudgetEnforcement.HARD), 500);
        long beforeMidnight = DAY_START + 86_400_000L - 10;
        ledger.reserve(900, beforeMidnight);
        ledger.settle(900, beforeMidnight, 900, beforeMidnight);
        assertThat(ledger.reserve(900, beforeMidnight)).isNotNull();

        long afterMidnight = DAY_START + 86_400_000L + 10;
        assertThat(ledger.reserve(900, afterMidnight)).isNull();
    }

    @Test
    void aSoftBudgetNeverRefuses() {
        BudgetLedger ledger = new BudgetLedger(budget(100, BudgetEnforcement.SOFT), 500);
        ledger.applyState(DAY_START, 5_000, NOW, NOW);

        assertThat(ledger.reserve(1_000, NOW)).isNull();
    }

    @Test
    void aRaisedLimitAdmitsAgainAtOnce() {
        BudgetLedger ledger = new BudgetLedger(budget(100, BudgetEnforcement.HARD), 500);
        ledger.applyState(DAY_START, 100, NOW, NOW);
        assertThat(ledger.reserve(10, NOW)).isNotNull();

        ledger.redefine(budget(1_000, BudgetEnforcement.HARD));

        assertThat(ledger.reserve(10, NOW)).isNull();
    }

    @Test
    void aHugeReservationCannotOverflowIntoAnAdmission() {
        BudgetLedger ledger = new BudgetLedger(budget(Long.MAX_VALUE / 2, BudgetEnforcement.HARD), 500);
        ledger.reserve(Long.MAX_VALUE / 4, NOW);

        assertThat(ledger.reserve(Long.MAX_VALUE / 2, NOW)).isNotNull();
    }

    @Test
    void periodsFollowTheBudgetsTimeZone() {
        Budget tokyo = new Budget("b1", BudgetScopeType.ORG, "acme", "acme", 1_000, BudgetPeriod.DAILY,
                ZoneId.of("Asia/Tokyo"), BudgetEnforcement.HARD, 1);
        BudgetLedger ledger = new BudgetLedger(tokyo, 500);

        assertThat(ledger.view(NOW).window().startMs())
                .isEqualTo(Instant.parse("2026-11-22T15:00:00Z").minusSeconds(86_400).toEpochMilli());
    }
}

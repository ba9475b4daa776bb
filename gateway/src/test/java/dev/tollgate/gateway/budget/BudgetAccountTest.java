package dev.tollgate.gateway.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.events.v1.BudgetEnforcement;
import dev.tollgate.events.v1.BudgetLeaseRequest;
import dev.tollgate.events.v1.BudgetLeaseReturn;
import dev.tollgate.events.v1.BudgetLeaseStatus;
import dev.tollgate.events.v1.BudgetPeriod;
import dev.tollgate.events.v1.BudgetScopeType;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The lease book of one hard budget on one replica: admission against leases only, fetching the next lease ahead of
 * need, waiting, giving back, and refusing, with a stand-in for the owner. Clocks are the test's.
 */
class BudgetAccountTest {

    private static final long MS = 1_000_000L;
    private static final long DAY = Instant.parse("2026-11-10T00:00:00Z").toEpochMilli();
    private static final long NOW = DAY + 10 * 3_600_000L;
    private static final long T = 5_000_000_000_000L;
    private static final Budget BUDGET = new Budget("b1", BudgetScopeType.ORG, "acme", "acme", 100_000,
            BudgetPeriod.DAILY, ZoneOffset.UTC, BudgetEnforcement.HARD, 1);

    private final LeaseChannelStub owner = new LeaseChannelStub();
    private final BudgetAccount account = new BudgetAccount(BUDGET, LeaseSettings.defaults("gw-1"), owner);

    @Test
    void asksTheOwnerForALeaseAndWaitsWhenItHoldsNone() {
        BudgetAccount.Step step = account.reserve(300, NOW, T);

        assertThat(step).isInstanceOf(BudgetAccount.Step.Wait.class);
        BudgetLeaseRequest ask = owner.lastAsk();
        assertThat(ask.getOrgId()).isEqualTo("acme");
        assertThat(ask.getBudgetId()).isEqualTo("b1");
        assertThat(ask.getReplicaId()).isEqualTo("gw-1");
        assertThat(ask.getMinMicros()).isEqualTo(300);
        assertThat(ask.getRequestedMicros()).isGreaterThanOrEqualTo(300);
    }

    @Test
    void admitsFromMemoryAgainstAHeldLeaseAndNeverBeyondWhatItHolds() {
        grant(1_000);

        List<BudgetAccount.Step> steps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            steps.add(account.reserve(300, NOW, T + i * MS));
        }

        assertThat(steps.subList(0, 3)).allMatch(s -> s instanceof BudgetAccount.Step.Reserved);
        assertThat(steps.get(3)).isInstanceOf(BudgetAccount.Step.Wait.class);
        assertThat(account.view(NOW, T).reservedMicros()).isEqualTo(900);
    }

    @Test
    void wakesTheRequestsWaitingForTheOwnersAnswer() {
        account.reserve(300, NOW, T);
        AtomicInteger woken = new AtomicInteger();
        account.await(woken::incrementAndGet);
        account.await(woken::incrementAndGet);

        account.answer(LeaseChannelStub.grant(owner.lastAsk(), BUDGET, 1_000, 10_000, NOW), NOW, T + 100 * MS);

        assertThat(woken).hasValue(2);
        assertThat(account.reserve(300, NOW, T + 101 * MS)).isInstanceOf(BudgetAccount.Step.Reserved.class);
    }

    @Test
    void aReplicaStartingUnderLoadAsksForWhatIsWaitingNotOnlyForWhatTheLastSmallLeaseLetThrough() {
        for (int i = 0; i < 50; i++) {
            assertThat(account.reserve(300, NOW, T + i * MS)).isInstanceOf(BudgetAccount.Step.Wait.class);
        }
        account.answer(LeaseChannelStub.grant(owner.lastAsk(), BUDGET, 600, 10_000, NOW), NOW, T + 100 * MS);
        account.reserve(300, NOW, T + 101 * MS);
        account.reserve(300, NOW, T + 101 * MS);

        assertThat(account.reserve(300, NOW, T + 102 * MS)).isInstanceOf(BudgetAccount.Step.Wait.class);

        // 50 requests of 300 waited within 50 ms: about 15,000 a second of demand, 2 s of it is about 30,000
        assertThat(owner.lastAsk().getRequestedMicros()).as("the next ask covers the waiting demand")
                .isGreaterThan(20 * 300);
    }

    @Test
    void aRequestThatWaitedIsCountedOnceSoASingleRequestOnAColdBudgetFetchesNoSecondLease() {
        assertThat(account.reserve(300, NOW, T, true)).isInstanceOf(BudgetAccount.Step.Wait.class);
        account.answer(LeaseChannelStub.grant(owner.lastAsk(), BUDGET, 600, 10_000, NOW), NOW, T + 100 * MS);

        assertThat(account.reserve(300, NOW, T + 101 * MS, false)).isInstanceOf(BudgetAccount.Step.Reserved.class);

        assertThat(owner.asks()).as("no ask ahead of need: what is left covers twice the rate it saw").hasSize(1);
    }

    @Test
    void fetchesTheNextLeaseAheadOfNeedSoASteadyRateNeverWaits() {
        grant(3_000);
        int asksBefore = owner.asks().size();
        int waits = 0;
        // 100 requests a second of 100 each: 10,000 a second, a 2 s horizon wants 20,000 held.
        for (int i = 0; i < 200; i++) {
            long now = T + i * 10 * MS;
            BudgetAccount.Step step = account.reserve(100, NOW, now);
            if (step instanceof BudgetAccount.Step.Reserved reserved) {
                account.settle(reserved.lease(), 100, 90, now);
            } else {
                waits++;
            }
            if (owner.asks().size() > asksBefore) { // the owner answers the prefetch at once
                BudgetLeaseRequest ask = owner.lastAsk();
                asksBefore = owner.asks().size();
                assertThat(ask.getRequestedMicros()).isGreaterThan(ask.getMinMicros());
                account.answer(LeaseChannelStub.grant(ask, BUDGET, ask.getRequestedMicros(), 10_000, NOW), NOW, now);
            }
        }

        assertThat(waits).isZero();
        assertThat(owner.asks().size()).isBetween(2, 30);
    }

    @Test
    void closesAnExpiredLeaseReturningTheWorstCaseOfRequestsInFlightThenWhatTheyReallyCost() {
        grant(1_100); // enough left after both requests that no ask goes ahead of need (it would go unanswered)
        BudgetAccount.Step.Reserved inFlight = (BudgetAccount.Step.Reserved) account.reserve(300, NOW, T);
        BudgetAccount.Step.Reserved done = (BudgetAccount.Step.Reserved) account.reserve(200, NOW, T);
        account.settle(done.lease(), 200, 150, T);

        // the lease was asked for at T with a 10 s time to live: it is closed a margin before that
        account.tick(NOW, T + 10_000 * MS - BudgetAccount.EXPIRY_MARGIN_NANOS);
        assertThat(account.reserve(10, NOW, T + 10_000 * MS)).isInstanceOf(BudgetAccount.Step.Wait.class);
        BudgetLeaseReturn bound = owner.returns().get(0);
        assertThat(bound.getComplete()).isFalse();
        assertThat(bound.getUsedMicros()).isEqualTo(150 + 300);

        account.settle(inFlight.lease(), 300, 280, T + 11_000 * MS);
        BudgetLeaseReturn complete = owner.returns().get(owner.returns().size() - 1);
        assertThat(complete.getComplete()).isTrue();
        assertThat(complete.getUsedMicros()).isEqualTo(150 + 280);
        assertThat(complete.getLeaseId()).isEqualTo(bound.getLeaseId());
    }

    @Test
    void returnsALeaseThatSatIdleSoOtherReplicasCanUseIt() {
        grant(1_000);
        account.tick(NOW, T + 2_000 * MS);
        assertThat(owner.returns()).isEmpty();

        account.tick(NOW, T + 3_001 * MS);

        assertThat(owner.returns()).singleElement().satisfies(r -> {
            assertThat(r.getUsedMicros()).isZero();
            assertThat(r.getComplete()).isTrue();
        });
        assertThat(account.view(NOW, T + 3_001 * MS).leases()).isZero();
    }

    @Test
    void givesBackLeaseFragmentsOnceTheOwnerSaysWhatIsLeftIsShort() {
        grant(1_000);
        account.settle(((BudgetAccount.Step.Reserved) account.reserve(900, NOW, T)).lease(), 900, 900, T);
        assertThat(account.reserve(300, NOW, T + MS)).isInstanceOf(BudgetAccount.Step.Wait.class);
        assertThat(owner.returns()).isEmpty();

        account.answer(LeaseChannelStub.denial(owner.lastAsk(), BUDGET, BudgetLeaseStatus.HELD, 98_000, 1_900, NOW),
                NOW, T + 2 * MS);

        assertThat(owner.returns()).singleElement().satisfies(r -> {
            assertThat(r.getUsedMicros()).isEqualTo(900);
            assertThat(r.getComplete()).isTrue();
        });
    }

    @Test
    void refusesWithTheOwnersFiguresOnceItSaysWhatIsLeftIsTooLittle() {
        account.reserve(300, NOW, T);
        account.answer(LeaseChannelStub.denial(owner.lastAsk(), BUDGET, BudgetLeaseStatus.EXHAUSTED, 99_800, 0, NOW),
                NOW, T + MS);
        int asks = owner.asks().size();

        BudgetAccount.Step step = account.reserve(300, NOW, T + 2 * MS);

        assertThat(step).isInstanceOf(BudgetAccount.Step.Refused.class);
        Refusal refusal = ((BudgetAccount.Step.Refused) step).refusal();
        assertThat(refusal.kind()).isEqualTo(Refusal.Kind.TOO_LARGE);
        assertThat(refusal.spentMicros()).isEqualTo(99_800);
        assertThat(owner.asks()).as("refused from the owner's answer, not asked again").hasSize(asks);
        assertThat(account.reserve(150, NOW, T + 3 * MS)).as("a request that fits what is left asks")
                .isInstanceOf(BudgetAccount.Step.Wait.class);
    }

    @Test
    void saysHeldWhileOtherReplicasLeasesMayComeBack() {
        account.reserve(300, NOW, T);
        account.answer(LeaseChannelStub.denial(owner.lastAsk(), BUDGET, BudgetLeaseStatus.HELD, 90_000, 9_900, NOW),
                NOW, T + MS);

        Refusal refusal = account.refusalAfterWait(300, NOW, T + 2 * MS, T);

        assertThat(refusal.kind()).isEqualTo(Refusal.Kind.HELD);
        assertThat(refusal.heldMicros()).isEqualTo(9_900);
        assertThat(refusal.untilPeriodEnd()).isFalse();
    }

    @Test
    void refusesAtOnceAsOwnerUnreachableOnceAnAskWentUnansweredForTheWaitAndProbesOncePerWait() {
        account.reserve(300, NOW, T);
        assertThat(account.refusalAfterWait(300, NOW, T + 1_000 * MS, T).kind())
                .isEqualTo(Refusal.Kind.OWNER_UNREACHABLE);

        List<BudgetAccount.Step> steps = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            steps.add(account.reserve(300, NOW, T + 1_000 * MS + i * 10 * MS));
        }

        assertThat(steps).allSatisfy(s -> assertThat(((BudgetAccount.Step.Refused) s).refusal().kind())
                .isEqualTo(Refusal.Kind.OWNER_UNREACHABLE));
        assertThat(owner.asks()).as("the first ask and one probe").hasSize(2);
    }

    @Test
    void aRequestThatWaitedWhileOthersTookWhatTheOwnerGrantedIsRefusedAsHeldNotAsOwnerUnreachable() {
        account.reserve(300, NOW, T);
        account.answer(LeaseChannelStub.grant(owner.lastAsk(), BUDGET, 300, 10_000, NOW), NOW, T + 100 * MS);
        assertThat(account.reserve(300, NOW, T + 101 * MS)).isInstanceOf(BudgetAccount.Step.Reserved.class);

        Refusal refusal = account.refusalAfterWait(300, NOW, T + 1_000 * MS, T);

        assertThat(refusal.kind()).isEqualTo(Refusal.Kind.HELD);
        assertThat(refusal.untilPeriodEnd()).isFalse();
    }

    @Test
    void spendsWhatItHoldsWhileTheOwnerIsUnreachable() {
        grant(1_000);
        account.reserve(5_000, NOW, T); // an ask the owner never answers
        long later = T + 2_000 * MS;

        assertThat(account.reserve(300, NOW, later)).isInstanceOf(BudgetAccount.Step.Reserved.class);
        assertThat(account.reserve(300, NOW, later)).isInstanceOf(BudgetAccount.Step.Reserved.class);
        BudgetAccount.Step third = account.reserve(700, NOW, later);
        assertThat(((BudgetAccount.Step.Refused) third).refusal().kind()).isEqualTo(Refusal.Kind.OWNER_UNREACHABLE);
    }

    @Test
    void usesALateGrantButGivesBackOneWhoseTimeToLiveHasPassed() {
        account.reserve(300, NOW, T);
        BudgetLeaseRequest first = owner.lastAsk();
        account.answer(LeaseChannelStub.grant(first, BUDGET, 1_000, 10_000, NOW), NOW, T + 1_500 * MS);
        assertThat(account.reserve(300, NOW, T + 1_501 * MS)).isInstanceOf(BudgetAccount.Step.Reserved.class);

        account.reserve(5_000, NOW, T + 2_000 * MS);
        BudgetLeaseRequest second = owner.lastAsk();
        account.answer(LeaseChannelStub.grant(second, BUDGET, 5_000, 10_000, NOW), NOW, T + 12_000 * MS);

        assertThat(owner.returns()).extracting(BudgetLeaseReturn::getLeaseId).contains(DAY + "-" + second.getEventId());
    }

    @Test
    void neverUsesALeaseOfThePeriodThatEnded() {
        long lastSecond = DAY + 86_399_000L;
        account.reserve(300, lastSecond, T);
        account.answer(LeaseChannelStub.grant(owner.lastAsk(), BUDGET, 1_000, 10_000, lastSecond), lastSecond, T);

        BudgetAccount.Step nextDay = account.reserve(300, lastSecond + 2_000, T + 2_000 * MS);

        assertThat(nextDay).isInstanceOf(BudgetAccount.Step.Wait.class);
        assertThat(owner.returns()).singleElement().satisfies(r -> assertThat(r.getUsedMicros()).isZero());
    }

    @Test
    void sendsAReturnAgainWhenItsDeliveryFailed() {
        grant(1_000);
        account.tick(NOW, T + 3_001 * MS);
        int failed = owner.sent.size() - 1;
        owner.fail(failed);

        account.tick(NOW, T + 3_100 * MS);

        assertThat(owner.returns()).hasSize(2).extracting(BudgetLeaseReturn::getLeaseId).containsOnly(
                owner.returns().get(0).getLeaseId());
    }

    private void grant(long amount) {
        account.reserve(1, NOW, T);
        account.answer(LeaseChannelStub.grant(owner.lastAsk(), BUDGET, amount, 10_000, NOW), NOW, T);
    }
}

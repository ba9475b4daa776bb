package dev.tollgate.gateway.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.events.v1.BudgetEnforcement;
import dev.tollgate.events.v1.BudgetLeaseGrant;
import dev.tollgate.events.v1.BudgetLeaseRequest;
import dev.tollgate.events.v1.BudgetLeaseStatus;
import dev.tollgate.events.v1.BudgetPeriod;
import dev.tollgate.events.v1.BudgetScopeType;
import dev.tollgate.events.v1.BudgetState;
import dev.tollgate.events.v1.BudgetStatus;
import dev.tollgate.gateway.auth.Principal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The book of one replica: which budgets apply to a request, and admission across them, with a stand-in owner. */
class BudgetBookTest {

    private static final long NOW = System.currentTimeMillis();
    private static final long NANOS = 1_000_000_000_000L;
    private static final Principal ALICE = new Principal("key-a", "acme", "research", Set.of());
    private static final Principal BOB = new Principal("key-b", "acme", "sales", Set.of());
    private static final Principal OTHER_ORG = new Principal("key-c", "globex", null, Set.of());

    private final LeaseChannelStub owner = new LeaseChannelStub();
    private final BudgetBook book = new BudgetBook(LeaseSettings.defaults("gw-1"), owner);

    private static Budget budget(String id, BudgetScopeType type, String scope, long limit, long updatedAt) {
        return budget(id, type, scope, limit, updatedAt, BudgetEnforcement.HARD);
    }

    private static Budget budget(String id, BudgetScopeType type, String scope, long limit, long updatedAt,
                                 BudgetEnforcement enforcement) {
        return new Budget(id, type, scope, "acme", limit, BudgetPeriod.MONTHLY, ZoneOffset.UTC, enforcement, updatedAt);
    }

    @Test
    void anOrgWithoutBudgetsIsAdmittedWithoutPricingTheRequest() {
        book.define(budget("b1", BudgetScopeType.ORG, "acme", 100, 1));
        AtomicInteger priced = new AtomicInteger();

        BudgetBook.Outcome outcome = book.admit(OTHER_ORG, () -> priced.incrementAndGet(), NOW, NANOS);

        assertThat(outcome).isSameAs(BudgetBook.Outcome.Admitted.NONE);
        assertThat(priced).hasValue(0);
        assertThat(book.covers(OTHER_ORG)).isFalse();
        assertThat(owner.sent).isEmpty();
    }

    @Test
    void aSoftBudgetOnlyCountsItNeverAsksForALeaseNorRefuses() {
        book.define(budget("soft", BudgetScopeType.ORG, "acme", 0, 1, BudgetEnforcement.SOFT));
        book.applyState(state("soft", 5_000));

        assertThat(book.admit(ALICE, () -> 1_000, NOW, NANOS)).isSameAs(BudgetBook.Outcome.Admitted.NONE);
        assertThat(owner.sent).isEmpty();
    }

    @Test
    void aTeamBudgetCapsItsTeamOnly() {
        book.define(budget("research", BudgetScopeType.TEAM, "research", 100, 1));
        book.applyState(state("research", 100));

        assertThat(book.admit(ALICE, () -> 1, NOW, NANOS)).isInstanceOf(BudgetBook.Outcome.Refused.class);
        assertThat(book.admit(BOB, () -> 1, NOW, NANOS)).isSameAs(BudgetBook.Outcome.Admitted.NONE);
    }

    @Test
    void aRequestUnderTwoHardBudgetsHoldsALeaseOfEachAndItsUsageNamesBoth() {
        Budget org = budget("org", BudgetScopeType.ORG, "acme", 10_000, 1);
        Budget team = budget("team", BudgetScopeType.TEAM, "research", 10_000, 1);
        book.define(org);
        book.define(team);
        book.admit(ALICE, () -> 300, NOW, NANOS);
        grantEveryAsk(org, team, 1_000);

        BudgetBook.Outcome outcome = book.admit(ALICE, () -> 300, NOW, NANOS + 1);

        assertThat(outcome).isInstanceOf(BudgetBook.Outcome.Admitted.class);
        BudgetBook.Outcome.Admitted admitted = (BudgetBook.Outcome.Admitted) outcome;
        assertThat(admitted.leaseIds()).containsOnlyKeys("org", "team");
        admitted.settle(120, NANOS + 2);
        assertThat(book.view("org", NOW).orElseThrow().leasedMicros()).isEqualTo(1_000 - 120);
        assertThat(book.view("team", NOW).orElseThrow().reservedMicros()).isZero();
    }

    @Test
    void aRequestThatMustWaitOnOneBudgetHoldsNothingOnTheOthersMeanwhile() {
        Budget org = budget("org", BudgetScopeType.ORG, "acme", 10_000, 1);
        book.define(org);
        book.admit(ALICE, () -> 300, NOW, NANOS);
        book.applyGrant(LeaseChannelStub.grant(owner.lastAsk(), org, 1_000, 10_000, NOW), NOW, NANOS);
        book.define(budget("key", BudgetScopeType.KEY, "key-a", 10_000, 1));

        BudgetBook.Outcome outcome = book.admit(ALICE, () -> 300, NOW, NANOS + 1);

        assertThat(outcome).isInstanceOf(BudgetBook.Outcome.Wait.class);
        assertThat(((BudgetBook.Outcome.Wait) outcome).account().budget().id()).isEqualTo("key");
        assertThat(book.view("org", NOW).orElseThrow().reservedMicros()).isZero();
    }

    @Test
    void ignoresGrantsToOtherReplicas() {
        Budget org = budget("org", BudgetScopeType.ORG, "acme", 10_000, 1);
        book.define(org);
        book.admit(ALICE, () -> 300, NOW, NANOS);
        BudgetLeaseRequest ask = owner.lastAsk();

        book.applyGrant(BudgetLeaseGrant.newBuilder(LeaseChannelStub.grant(ask, org, 1_000, 10_000, NOW))
                .setReplicaId("gw-2").build(), NOW, NANOS);

        assertThat(book.view("org", NOW).orElseThrow().leases()).isZero();
    }

    @Test
    void aStateThatArrivesBeforeItsDefinitionIsAppliedWhenTheDefinitionComes() {
        book.applyState(state("b1", 100));

        book.define(budget("b1", BudgetScopeType.ORG, "acme", 100, 1));

        assertThat(book.admit(ALICE, () -> 1, NOW, NANOS)).isInstanceOf(BudgetBook.Outcome.Refused.class);
        assertThat(owner.sent).as("a published exhausted state refuses without asking").isEmpty();
    }

    @Test
    void anOlderDefinitionNeverReplacesANewerOne() {
        book.define(budget("b1", BudgetScopeType.ORG, "acme", 500, 20));

        book.define(budget("b1", BudgetScopeType.ORG, "acme", 5, 10));

        assertThat(book.view("b1", NOW).orElseThrow().budget().limitMicros()).isEqualTo(500);
    }

    @Test
    void aDeletedBudgetNoLongerRefusesAndItsLeasesGoBack() {
        Budget b1 = budget("b1", BudgetScopeType.ORG, "acme", 10_000, 1);
        book.define(b1);
        book.admit(ALICE, () -> 100, NOW, NANOS);
        book.applyGrant(LeaseChannelStub.grant(owner.lastAsk(), b1, 1_000, 10_000, NOW), NOW, NANOS);

        book.remove("b1");

        assertThat(book.admit(ALICE, () -> 1, NOW, NANOS)).isSameAs(BudgetBook.Outcome.Admitted.NONE);
        assertThat(book.covers(ALICE)).isFalse();
        assertThat(owner.returns()).singleElement().satisfies(r -> {
            assertThat(r.getUsedMicros()).isZero();
            assertThat(r.getComplete()).isTrue();
        });
    }

    @Test
    void aBudgetTurnedSoftReturnsItsLeases() {
        Budget hard = budget("b1", BudgetScopeType.ORG, "acme", 10_000, 1);
        book.define(hard);
        book.admit(ALICE, () -> 100, NOW, NANOS);
        book.applyGrant(LeaseChannelStub.grant(owner.lastAsk(), hard, 1_000, 10_000, NOW), NOW, NANOS);

        book.define(budget("b1", BudgetScopeType.ORG, "acme", 10_000, 2, BudgetEnforcement.SOFT));

        assertThat(owner.returns()).hasSize(1);
        assertThat(book.admit(ALICE, () -> 1, NOW, NANOS)).isSameAs(BudgetBook.Outcome.Admitted.NONE);
    }

    private void grantEveryAsk(Budget org, Budget team, long amount) {
        for (BudgetLeaseRequest ask : owner.asks()) {
            Budget b = ask.getBudgetId().equals(org.id()) ? org : team;
            book.applyGrant(LeaseChannelStub.grant(ask, b, amount, 10_000, NOW), NOW, NANOS);
        }
        // the team budget was not asked for yet (the org's wait came first): ask and grant it too
        book.admit(ALICE, () -> 300, NOW, NANOS);
        for (BudgetLeaseRequest ask : owner.asks()) {
            if (ask.getBudgetId().equals(team.id())) {
                book.applyGrant(LeaseChannelStub.grant(ask, team, amount, 10_000, NOW), NOW, NANOS);
            }
        }
    }

    private static BudgetState state(String id, long spent) {
        Instant now = Instant.ofEpochMilli(NOW);
        return BudgetState.newBuilder().setBudgetId(id).setOrgId("acme").setScopeType(BudgetScopeType.ORG)
                .setScopeId("acme").setPeriod(BudgetPeriod.MONTHLY)
                .setPeriodStart(now.atZone(ZoneOffset.UTC).withDayOfMonth(1).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant())
                .setPeriodEnd(now.plusSeconds(40 * 86_400L)).setLimitMicros(100).setSpentMicros(spent)
                .setRemainingMicros(Math.max(0, 100 - spent)).setStatus(BudgetStatus.OK).setAsOf(now)
                .setEnforcement(BudgetEnforcement.HARD).build();
    }
}

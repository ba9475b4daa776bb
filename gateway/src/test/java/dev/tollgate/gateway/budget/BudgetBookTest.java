package dev.tollgate.gateway.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.events.v1.BudgetEnforcement;
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

class BudgetBookTest {

    private static final long NOW = System.currentTimeMillis();
    private static final Principal ALICE = new Principal("key-a", "acme", "research", Set.of());
    private static final Principal BOB = new Principal("key-b", "acme", "sales", Set.of());
    private static final Principal OTHER_ORG = new Principal("key-c", "globex", null, Set.of());

    private static Budget budget(String id, BudgetScopeType type, String scope, long limit, long updatedAt) {
        return new Budget(id, type, scope, "acme", limit, BudgetPeriod.MONTHLY, ZoneOffset.UTC,
                BudgetEnforcement.HARD, updatedAt);
    }

    @Test
    void anOrgWithoutBudgetsIsAdmittedWithoutPricingTheRequest() {
        BudgetBook book = new BudgetBook(500);
        book.define(budget("b1", BudgetScopeType.ORG, "acme", 100, 1));
        AtomicInteger priced = new AtomicInteger();

        BudgetBook.Admission admission = book.admit(OTHER_ORG, () -> priced.incrementAndGet(), NOW);

        assertThat(admission).isSameAs(BudgetBook.Admission.NONE);
        assertThat(priced).hasValue(0);
        assertThat(book.covers(OTHER_ORG)).isFalse();
    }

    @Test
    void aTeamBudgetCapsItsTeamOnly() {
        BudgetBook book = new BudgetBook(500);
        book.define(budget("research", BudgetScopeType.TEAM, "research", 100, 1));
        book.applyState(state("research", 100));

        assertThat(book.admit(ALICE, () -> 1, NOW).admitted()).isFalse();
        assertThat(book.admit(BOB, () -> 1, NOW).admitted()).isTrue();
    }

    @Test
    void aRefusalByOneBudgetReleasesWhatTheOthersReserved() {
        BudgetBook book = new BudgetBook(500);
        book.define(budget("org", BudgetScopeType.ORG, "acme", 1_000, 1));
        book.define(budget("key", BudgetScopeType.KEY, "key-a", 50, 1));

        BudgetBook.Admission refused = book.admit(ALICE, () -> 100, NOW);

        assertThat(refused.admitted()).isFalse();
        assertThat(refused.refusal().budget().id()).isEqualTo("key");
        assertThat(book.view("org", NOW).orElseThrow().reservedMicros()).isZero();
    }

    @Test
    void settlingAnAdmissionChargesEveryBudgetItReservedOn() {
        BudgetBook book = new BudgetBook(500);
        book.define(budget("org", BudgetScopeType.ORG, "acme", 1_000, 1));
        book.define(budget("team", BudgetScopeType.TEAM, "research", 1_000, 1));

        BudgetBook.Admission admission = book.admit(ALICE, () -> 300, NOW);
        admission.settle(NOW, 120, NOW);

        assertThat(book.view("org", NOW).orElseThrow().committedMicros()).isEqualTo(120);
        assertThat(book.view("team", NOW).orElseThrow().committedMicros()).isEqualTo(120);
        assertThat(book.view("team", NOW).orElseThrow().reservedMicros()).isZero();
    }

    @Test
    void aStateThatArrivesBeforeItsDefinitionIsAppliedWhenTheDefinitionComes() {
        BudgetBook book = new BudgetBook(500);
        book.applyState(state("b1", 100));

        book.define(budget("b1", BudgetScopeType.ORG, "acme", 100, 1));

        assertThat(book.admit(ALICE, () -> 1, NOW).admitted()).isFalse();
    }

    @Test
    void anOlderDefinitionNeverReplacesANewerOne() {
        BudgetBook book = new BudgetBook(500);
        book.define(budget("b1", BudgetScopeType.ORG, "acme", 500, 20));

        book.define(budget("b1", BudgetScopeType.ORG, "acme", 5, 10));

        assertThat(book.view("b1", NOW).orElseThrow().budget().limitMicros()).isEqualTo(500);
    }

    @Test
    void aDeletedBudgetNoLongerRefuses() {
        BudgetBook book = new BudgetBook(500);
        book.define(budget("b1", BudgetScopeType.ORG, "acme", 0, 1));
        assertThat(book.admit(ALICE, () -> 1, NOW).admitted()).isFalse();

        book.remove("b1");

        assertThat(book.admit(ALICE, () -> 1, NOW).admitted()).isTrue();
        assertThat(book.covers(ALICE)).isFalse();
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

package dev.tollgate.streams.budgets;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tollgate.schemas.CalendarPeriods;
import dev.tollgate.events.v1.BudgetState;

/**
 * The JSON answer of {@code GET /v1/budgets/{budgetId}}: the fields of {@code BudgetState}, snake_case, times in
 * ISO-8601 UTC. The field names are the API contract.
 *
 * @param object          always {@code budget.state}
 * @param budgetId        the budget
 * @param orgId           its org
 * @param scopeType       {@code ORG}, {@code TEAM} or {@code KEY}
 * @param scopeId         the org, team or key id
 * @param period          {@code DAILY}, {@code WEEKLY} or {@code MONTHLY}
 * @param timeZone        the zone of the period's calendar
 * @param periodStart     inclusive start of the current period
 * @param periodEnd       exclusive end of the current period
 * @param limitMicros     the limit, integer micro-dollars
 * @param spentMicros     spent in the period
 * @param remainingMicros left in the period, never below 0
 * @param status          {@code OK}, {@code WARNING} or {@code EXHAUSTED}
 * @param asOf            the latest usage time counted
 * @param enforcement     {@code HARD} or {@code SOFT}
 * @param leasedMicros    what spend leases granted to gateway replicas hold in the period: granted or reported, and
 *                        not yet counted from usage (hard budgets; docs/budgets.md#leases)
 * @param leases          how many leases of the period the owner holds
 * @param unleasedMicros  spend counted in the period that named no lease held (hard budgets); the only spend the
 *                        lease guarantee does not cover
 */
public record BudgetView(
        @JsonProperty("object") String object,
        @JsonProperty("budget_id") String budgetId,
        @JsonProperty("org_id") String orgId,
        @JsonProperty("scope_type") String scopeType,
        @JsonProperty("scope_id") String scopeId,
        @JsonProperty("period") String period,
        @JsonProperty("time_zone") String timeZone,
        @JsonProperty("period_start") String periodStart,
        @JsonProperty("period_end") String periodEnd,
        @JsonProperty("limit_micros") long limitMicros,
        @JsonProperty("spent_micros") long spentMicros,
        @JsonProperty("remaining_micros") long remainingMicros,
        @JsonProperty("status") String status,
        @JsonProperty("as_of") String asOf,
        @JsonProperty("enforcement") String enforcement,
        @JsonProperty("leased_micros") long leasedMicros,
        @JsonProperty("leases") int leases,
        @JsonProperty("unleased_micros") long unleasedMicros) {

    /**
     * The status of {@code rule} at {@code now}: its stored spend while that is for the current period; otherwise
     * (nothing counted yet, or the period rolled over without new usage) nothing spent in the period containing
     * {@code now}.
     */
    public static BudgetView of(BudgetRule rule, BudgetSpend stored, Instant now) {
        BudgetSpend spend = stored != null && stored.periodEndMs() > now.toEpochMilli()
                ? stored
                : BudgetSpend.start(CalendarPeriods.containing(rule.period(), rule.zone(), now));
        BudgetState state = BudgetStates.state(rule, spend);
        return new BudgetView("budget.state", rule.budgetId(), rule.orgId(), rule.scopeType().name(),
                rule.scopeId(), rule.period().name(), rule.timeZone(), state.getPeriodStart().toString(),
                state.getPeriodEnd().toString(), state.getLimitMicros(), state.getSpentMicros(),
                state.getRemainingMicros(), state.getStatus().name(), state.getAsOf().toString(),
                state.getEnforcement().name(), spend.outstandingMicros(), spend.leases().size(),
                spend.unleasedMicros());
    }
}

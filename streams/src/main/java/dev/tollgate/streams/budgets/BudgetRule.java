package dev.tollgate.streams.budgets;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tollgate.events.v1.BudgetDefinition;
import dev.tollgate.events.v1.BudgetEnforcement;
import dev.tollgate.events.v1.BudgetPeriod;
import dev.tollgate.events.v1.BudgetScopeType;
import dev.tollgate.events.v1.UsageEvent;

/**
 * A budget definition as the budgets capability keeps it in its definitions store (JSON; the field names are a
 * storage contract: add fields, never rename them). It is the validated {@link BudgetDefinition}: a known time zone,
 * a non-negative limit, and thresholds sorted, distinct and positive.
 *
 * @param budgetId     the budget
 * @param scopeType    what it caps
 * @param scopeId      the org, team or key id it caps
 * @param orgId        the org the scope belongs to; its usage partition is where the spend is counted
 * @param amountMicros the limit per period, integer micro-dollars
 * @param period       the calendar period it resets on
 * @param timeZone     the IANA zone of that calendar
 * @param thresholds   percents of the limit that publish a threshold event, ascending
 * @param enforcement  what the gateway does once it is exhausted
 * @param updatedAtMs  when the admin last changed it, epoch milliseconds
 */
public record BudgetRule(
        @JsonProperty("budget_id") String budgetId,
        @JsonProperty("scope_type") BudgetScopeType scopeType,
        @JsonProperty("scope_id") String scopeId,
        @JsonProperty("org_id") String orgId,
        @JsonProperty("amount_micros") long amountMicros,
        @JsonProperty("period") BudgetPeriod period,
        @JsonProperty("time_zone") String timeZone,
        @JsonProperty("thresholds") List<Integer> thresholds,
        @JsonProperty("enforcement") BudgetEnforcement enforcement,
        @JsonProperty("updated_at_ms") long updatedAtMs) {

    /**
     * The rule of {@code definition}.
     *
     * @throws IllegalArgumentException when the definition cannot be enforced: an unknown time zone, a negative
     *                                  limit or one so large its thresholds overflow, a blank id, or an org budget
     *                                  whose scope is not its org
     */
    public static BudgetRule of(BudgetDefinition definition) {
        requireText(definition.getBudgetId(), "budget_id");
        requireText(definition.getOrgId(), "org_id");
        requireText(definition.getScopeId(), "scope_id");
        if (definition.getAmountMicros() < 0) {
            throw new IllegalArgumentException("amount_micros=" + definition.getAmountMicros() + " is negative");
        }
        if (definition.getScopeType() == BudgetScopeType.ORG
                && !definition.getScopeId().equals(definition.getOrgId())) {
            throw new IllegalArgumentException("an ORG budget's scope_id must be its org_id");
        }
        String zone = definition.getTimeZone() == null || definition.getTimeZone().isBlank()
                ? "UTC" : definition.getTimeZone();
        try {
            ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("unknown time_zone '" + zone + "'", e);
        }
        List<Integer> thresholds = definition.getThresholds().stream()
                .filter(Objects::nonNull).filter(p -> p > 0).distinct().sorted().toList();
        for (int percent : thresholds) {
            try {
                Math.multiplyExact(definition.getAmountMicros(), (long) percent);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("amount_micros is too large for a " + percent + "% threshold", e);
            }
        }
        return new BudgetRule(definition.getBudgetId(), definition.getScopeType(), definition.getScopeId(),
                definition.getOrgId(), definition.getAmountMicros(), definition.getPeriod(), zone, thresholds,
                definition.getEnforcement(), definition.getUpdatedAt().toEpochMilli());
    }

    /** Whether {@code event}'s spend counts against this budget: same org, and the scope's team or key. */
    public boolean appliesTo(UsageEvent event) {
        if (!orgId.equals(event.getOrgId())) {
            return false;
        }
        return switch (scopeType) {
            case ORG -> true;
            case TEAM -> scopeId.equals(event.getTeamId());
            case KEY -> scopeId.equals(event.getKeyId());
        };
    }

    /** The zone of the budget's calendar. */
    public ZoneId zone() {
        return ZoneId.of(timeZone);
    }

    /**
     * The spend at which {@code percent} of the limit is reached, rounded up to the next micro-dollar so that a
     * threshold is never reported before it is actually reached.
     */
    public long thresholdMicros(int percent) {
        return -Math.floorDiv(-Math.multiplyExact(amountMicros, (long) percent), 100L);
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is blank");
        }
    }
}

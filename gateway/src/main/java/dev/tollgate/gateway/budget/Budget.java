package dev.tollgate.gateway.budget;

import dev.tollgate.events.v1.BudgetDefinition;
import dev.tollgate.events.v1.BudgetEnforcement;
import dev.tollgate.events.v1.BudgetPeriod;
import dev.tollgate.events.v1.BudgetScopeType;
import dev.tollgate.gateway.auth.Principal;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Objects;

/**
 * A budget as a gateway replica enforces it: the admin's definition, validated. Every definition reaches the
 * replica twice over (the PostgreSQL snapshot at start, then {@code tollgate.budgets.v1}); both become this record.
 *
 * @param id           budget id, the key of both budget topics
 * @param scopeType    what it caps: an org, a team or a key
 * @param scopeId      the org, team or key id
 * @param orgId        the org the scope belongs to
 * @param limitMicros  the limit per period, integer micro-dollars
 * @param period       the calendar period it resets on
 * @param zone         the zone of that calendar
 * @param enforcement  {@code HARD} refuses requests once exhausted; {@code SOFT} only reports
 * @param updatedAtMs  when the admin last changed it; an older definition never replaces a newer one
 */
public record Budget(String id, BudgetScopeType scopeType, String scopeId, String orgId, long limitMicros,
                     BudgetPeriod period, ZoneId zone, BudgetEnforcement enforcement, long updatedAtMs) {

    public Budget {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(scopeType, "scopeType");
        Objects.requireNonNull(scopeId, "scopeId");
        Objects.requireNonNull(orgId, "orgId");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(enforcement, "enforcement");
        if (limitMicros < 0) {
            throw new IllegalArgumentException("budget " + id + ": limit must not be negative");
        }
    }

    /**
     * The budget of a published definition.
     *
     * @throws IllegalArgumentException when it cannot be enforced (unknown zone, negative limit); the caller
     *                                  keeps the previous definition, as the streams app does
     */
    public static Budget of(BudgetDefinition d) {
        String zone = d.getTimeZone() == null || d.getTimeZone().isBlank() ? "UTC" : d.getTimeZone();
        try {
            return new Budget(d.getBudgetId(), d.getScopeType(), d.getScopeId(), d.getOrgId(), d.getAmountMicros(),
                    d.getPeriod(), ZoneId.of(zone), d.getEnforcement(), d.getUpdatedAt().toEpochMilli());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("budget " + d.getBudgetId() + ": unknown time zone '" + zone + "'", e);
        }
    }

    /** Whether a request by {@code principal} spends from this budget. */
    public boolean appliesTo(Principal principal) {
        if (!orgId.equals(principal.orgId())) {
            return false;
        }
        switch (scopeType) {
            case ORG:
                return true;
            case TEAM:
                return scopeId.equals(principal.teamId());
            case KEY:
                return scopeId.equals(principal.keyId());
            default:
                return false;
        }
    }

    /** Whether an exhausted budget refuses requests. */
    public boolean hard() {
        return enforcement == BudgetEnforcement.HARD;
    }

    /** How an error message names the budget's scope: {@code team "research" (budget b_1)}. */
    public String describeScope() {
        return scopeType.name().toLowerCase(Locale.ROOT) + " '" + scopeId + "' (budget " + id + ")";
    }
}

package dev.tollgate.streams.budgets;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.tollgate.events.v1.BudgetState;
import dev.tollgate.events.v1.BudgetStatus;
import dev.tollgate.events.v1.BudgetThresholdCrossed;

/** Turns a rule and its spend into what the budgets capability publishes: state, status and threshold events. */
public final class BudgetStates {

    private BudgetStates() {
    }

    /**
     * The status of {@code spend} against {@code rule}: {@code EXHAUSTED} once the limit is spent,
     * {@code WARNING} once any threshold below 100 percent is reached, else {@code OK}.
     */
    public static BudgetStatus status(BudgetRule rule, BudgetSpend spend) {
        if (spend.spentMicros() >= rule.amountMicros()) {
            return BudgetStatus.EXHAUSTED;
        }
        boolean warned = rule.thresholds().stream()
                .anyMatch(p -> p < 100 && spend.spentMicros() >= rule.thresholdMicros(p));
        return warned ? BudgetStatus.WARNING : BudgetStatus.OK;
    }

    /**
     * The thresholds of {@code rule} that {@code spend} has reached and that were not yet published this period, in
     * the rule's order. Runs for every usage event and budget, and nearly always finds none: a loop, and no list
     * allocated for that case (a stream pipeline here showed in the stream thread's profile).
     */
    public static List<Integer> newlyCrossed(BudgetRule rule, BudgetSpend spend) {
        List<Integer> crossed = List.of();
        for (Integer percent : rule.thresholds()) {
            if (spend.spentMicros() >= rule.thresholdMicros(percent) && !spend.firedThresholds().contains(percent)) {
                if (crossed.isEmpty()) {
                    crossed = new ArrayList<>(rule.thresholds().size());
                }
                crossed.add(percent);
            }
        }
        return crossed;
    }

    /** The {@code BudgetState} record published for {@code spend} against {@code rule}. */
    public static BudgetState state(BudgetRule rule, BudgetSpend spend) {
        return BudgetState.newBuilder()
                .setBudgetId(rule.budgetId())
                .setOrgId(rule.orgId())
                .setScopeType(rule.scopeType())
                .setScopeId(rule.scopeId())
                .setPeriod(rule.period())
                .setPeriodStart(Instant.ofEpochMilli(spend.periodStartMs()))
                .setPeriodEnd(Instant.ofEpochMilli(spend.periodEndMs()))
                .setLimitMicros(rule.amountMicros())
                .setSpentMicros(spend.spentMicros())
                .setRemainingMicros(Math.max(0, rule.amountMicros() - spend.spentMicros()))
                .setStatus(status(rule, spend))
                .setAsOf(Instant.ofEpochMilli(spend.asOfMs()))
                .setEnforcement(rule.enforcement())
                .build();
    }

    /** The event that {@code spend} reached {@code percent} of {@code rule}'s limit at {@code atMs}. */
    public static BudgetThresholdCrossed crossed(BudgetRule rule, BudgetSpend spend, int percent, long atMs) {
        return BudgetThresholdCrossed.newBuilder()
                .setEventId(rule.budgetId() + ":" + spend.periodStartMs() + ":" + percent)
                .setBudgetId(rule.budgetId())
                .setOrgId(rule.orgId())
                .setScopeType(rule.scopeType())
                .setScopeId(rule.scopeId())
                .setThresholdPercent(percent)
                .setPeriodStart(Instant.ofEpochMilli(spend.periodStartMs()))
                .setPeriodEnd(Instant.ofEpochMilli(spend.periodEndMs()))
                .setLimitMicros(rule.amountMicros())
                .setSpentMicros(spend.spentMicros())
                .setCrossedAt(Instant.ofEpochMilli(atMs))
                .setEnforcement(rule.enforcement())
                .build();
    }
}

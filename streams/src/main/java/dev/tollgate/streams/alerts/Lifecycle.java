package dev.tollgate.streams.alerts;

/**
 * The state machine of one alert, as Prometheus defines it for alerting rules, advanced by each evaluation:
 *
 * <pre>
 *   inactive ── condition true ──► pending ── true for 'for' ──► firing ── false for 'keep_firing_for' ──► resolved
 *      ▲                              │                          ▲   │                                       │
 *      └──── condition false ─────────┘                          └───┘ true again: stays firing              │
 *   resolved ── condition true ──► pending (a new incident)  ◄───────────────────────────────────────────────┘
 * </pre>
 *
 * <ul>
 *   <li>With {@code for} = 0 an alert goes from inactive (or resolved) straight to firing, as in Prometheus.</li>
 *   <li>{@code keep_firing_for} counts from the first evaluation that found the condition false while firing; a true
 *       evaluation in between starts it over. With 0, the first false evaluation resolves.</li>
 *   <li>When the rule is deleted or disabled, a firing alert resolves at once and a pending one goes inactive.</li>
 * </ul>
 *
 * Pure: the evaluator persists the result and publishes the transition, in one transaction.
 */
final class Lifecycle {

    private Lifecycle() {
    }

    /**
     * The outcome of one evaluation.
     *
     * @param alert      the alert after it, or null when it is inactive and need not be kept
     * @param transition the state entered, or null when the state did not change
     */
    record Step(Alert alert, String transition) {
    }

    /**
     * Advances {@code alert} (null: inactive, never seen) by one evaluation at {@code nowMs}.
     *
     * @param fresh          the alert to start from when {@code alert} is null or not active: identity, labels,
     *                       annotations, value
     * @param active         whether the condition holds
     * @param forMs          the rule's {@code for}
     * @param keepFiringForMs the rule's {@code keep_firing_for}
     * @param ruleGone       whether the rule was deleted or disabled
     */
    static Step advance(Alert alert, Alert fresh, boolean active, long forMs, long keepFiringForMs, boolean ruleGone,
                        long nowMs) {
        String state = alert == null ? Alert.INACTIVE : alert.state();
        switch (state) {
            case Alert.PENDING:
                if (ruleGone || !active) {
                    return new Step(null, Alert.INACTIVE);
                }
                if (nowMs - alert.activeAtMs() >= forMs) {
                    return new Step(alert.withState(Alert.FIRING, alert.activeAtMs(), nowMs, null, null), Alert.FIRING);
                }
                return new Step(alert, null);
            case Alert.FIRING:
                if (ruleGone) {
                    return resolve(alert, nowMs);
                }
                if (active) {
                    return new Step(alert.keepFiringSinceMs() == null ? alert
                            : alert.withState(Alert.FIRING, alert.activeAtMs(), alert.firedAtMs(), null, null), null);
                }
                long since = alert.keepFiringSinceMs() == null ? nowMs : alert.keepFiringSinceMs();
                if (nowMs - since >= keepFiringForMs) {
                    return resolve(alert, nowMs);
                }
                return new Step(alert.keepFiringSinceMs() != null ? alert
                        : alert.withState(Alert.FIRING, alert.activeAtMs(), alert.firedAtMs(), null, since), null);
            default:
                // INACTIVE or RESOLVED: a true condition starts a new incident.
                if (!active || ruleGone) {
                    return new Step(alert, null);
                }
                if (forMs <= 0) {
                    return new Step(fresh.withState(Alert.FIRING, nowMs, nowMs, null, null), Alert.FIRING);
                }
                return new Step(fresh.withState(Alert.PENDING, nowMs, null, null, null), Alert.PENDING);
        }
    }

    private static Step resolve(Alert alert, long nowMs) {
        return new Step(alert.withState(Alert.RESOLVED, alert.activeAtMs(), alert.firedAtMs(), nowMs, null),
                Alert.RESOLVED);
    }
}

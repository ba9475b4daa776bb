package dev.tollgate.notifier.health;

import dev.tollgate.notifier.intake.TransitionConsumer;
import dev.tollgate.notifier.receivers.ReceiverBook;
import dev.tollgate.notifier.silences.SilenceBook;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once every receiver and silence published before start is held and the transition consumer has its partitions: until
 * then a transition could be recorded for a receiver the notifier does not know yet.
 */
@Readiness
public class NotifierReadiness implements HealthCheck {

    private final ReceiverBook receivers;
    private final TransitionConsumer transitions;
    private final SilenceBook silences;

    @Inject
    NotifierReadiness(ReceiverBook receivers, TransitionConsumer transitions, SilenceBook silences) {
        this.receivers = receivers;
        this.silences = silences;
        this.transitions = transitions;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("notifier").status(receivers.ready() && silences.ready()
                        && transitions.following())
                .withData("receivers_loaded", receivers.ready()).withData("silences_loaded", silences.ready()).withData("following_alerts", transitions.following())
                .build();
    }
}

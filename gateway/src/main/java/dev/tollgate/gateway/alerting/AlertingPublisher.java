package dev.tollgate.gateway.alerting;

import dev.tollgate.control.v1.AlertReceiver;
import dev.tollgate.control.v1.AlertRule;
import dev.tollgate.control.v1.AlertSilence;
import dev.tollgate.gateway.sync.StatePublisher;
import dev.tollgate.schemas.Topics;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Publishes rules to {@code tollgate.alert-rules.v1} (the streams app evaluates them) and receivers to
 * {@code tollgate.alert-receivers.v1} (the notifier delivers to them) and silences to {@code tollgate.alert-silences.v1}
 * (the notifier mutes what they match), after each change is committed to PostgreSQL.
 *
 * <p>Why not an {@code AdminStateFeed}: no gateway replica acts on rules or receivers, so none follows these topics.
 * A replica that followed the receivers topic would hold every receiver's URL, a secret only the notifier needs, and
 * its principal would need read access to the topic. A change whose publication failed (503
 * {@code propagation_failed}) is repaired by repeating the call, as the answer says.
 */
@Singleton
class AlertingPublisher {

    private final StatePublisher publisher;

    @Inject
    AlertingPublisher(StatePublisher publisher) {
        this.publisher = publisher;
    }

    /** Publishes a rule, or its tombstone when {@code rule} is null (deleted). */
    Uni<Void> rule(String ruleId, AlertRule rule) {
        return publisher.publish(Topics.ALERT_RULES, ruleId, rule, "alert_rule=" + ruleId + (rule == null ? ""
                : " kind=" + rule.getKind() + " enabled=" + rule.getEnabled() + " version=" + rule.getVersion()));
    }

    /** Publishes a receiver, or its tombstone when {@code receiver} is null; the log names it, never its URL. */
    Uni<Void> receiver(String receiverId, AlertReceiver receiver) {
        return publisher.publish(Topics.ALERT_RECEIVERS, receiverId, receiver, "receiver=" + receiverId
                + (receiver == null ? "" : " type=" + receiver.getType() + " version=" + receiver.getVersion()));
    }

    /** Publishes a silence; silences are never deleted, an expired one is published with its earlier end. */
    Uni<Void> silence(String silenceId, AlertSilence silence) {
        return publisher.publish(Topics.ALERT_SILENCES, silenceId, silence, "silence=" + silenceId + " ends_at="
                + silence.getEndsAt() + " version=" + silence.getVersion());
    }
}

package dev.tollgate.notifier.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.control.v1.AlertRuleKind;
import dev.tollgate.control.v1.AlertSeverity;
import dev.tollgate.events.v1.AlertState;
import dev.tollgate.events.v1.AlertTransition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransitionConsumerTest {

    @Test
    void aFiringTransitionIsOneDeliveryPerReceiverKeyedByTransitionAndReceiver() {
        var deliveries = TransitionConsumer.deliveries(transition(AlertState.FIRING, List.of("ops", "slack")), null);

        assertThat(deliveries).extracting(d -> d.key()).containsExactly("fp:1:firing/ops", "fp:1:firing/slack");
        assertThat(deliveries).allSatisfy(d -> assertThat(d.alert().status()).isEqualTo("firing"));
    }

    @Test
    void pendingAndInactiveTransitionsAreNotNotified() {
        assertThat(TransitionConsumer.deliveries(transition(AlertState.PENDING, List.of("ops")), null)).isEmpty();
        assertThat(TransitionConsumer.deliveries(transition(AlertState.INACTIVE, List.of("ops")), null)).isEmpty();
    }

    private static AlertTransition transition(AlertState state, List<String> receivers) {
        Instant t0 = Instant.parse("2026-12-06T10:00:00Z");
        return AlertTransition.newBuilder().setTransitionId("fp:1:" + state.name().toLowerCase()).setFingerprint("fp")
                .setRuleId("r").setRuleName("R").setKind(AlertRuleKind.ERROR_RATE).setSeverity(AlertSeverity.WARNING)
                .setState(state).setPreviousState(AlertState.INACTIVE).setLabels(Map.of("alertname", "R"))
                .setReceivers(receivers).setValue(0.5).setActiveAt(t0).setTransitionedAt(t0).build();
    }
}

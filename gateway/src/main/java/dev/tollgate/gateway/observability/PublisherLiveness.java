package dev.tollgate.gateway.observability;

import dev.tollgate.gateway.events.EventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness: the event publisher thread is alive. If it died, no event would reach Kafka again and only a
 * restart helps; a Kafka outage, by contrast, keeps the gateway live (readiness covers that).
 */
@Liveness
@ApplicationScoped
public class PublisherLiveness implements HealthCheck {

    private final EventPublisher publisher;

    @Inject
    PublisherLiveness(EventPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("event-publisher").status(publisher.isRunning()).build();
    }
}

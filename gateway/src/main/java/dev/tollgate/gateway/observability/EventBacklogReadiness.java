package dev.tollgate.gateway.observability;

import dev.tollgate.gateway.events.EventPublisher;
import dev.tollgate.gateway.events.EventsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness reports the event backlog and goes DOWN while it is above the high-water mark
 * ({@code tollgate.events.readiness-high-water} of the buffer capacity). A load balancer then steers new
 * traffic to replicas that can still record it, before this one's buffer fills and it has to refuse requests.
 * Readiness comes back by itself once Kafka has taken the backlog.
 */
@Readiness
@ApplicationScoped
public class EventBacklogReadiness implements HealthCheck {

    private final EventPublisher publisher;
    private final long highWater;

    @Inject
    EventBacklogReadiness(EventPublisher publisher, EventsConfig config) {
        this.publisher = publisher;
        this.highWater = (long) Math.floor(publisher.capacity() * config.readinessHighWater());
    }

    @Override
    public HealthCheckResponse call() {
        long backlog = publisher.backlog();
        return HealthCheckResponse.named("events")
                .status(backlog <= highWater && publisher.isRunning())
                .withData("backlog", backlog)
                .withData("high_water", highWater)
                .withData("capacity", publisher.capacity())
                .build();
    }
}

package dev.tollgate.gateway.sync;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness is DOWN until the replica holds the admin state snapshot: a load balancer must not send traffic to a
 * replica that would answer 401 for keys it simply has not loaded yet.
 */
@Readiness
@ApplicationScoped
public class AdminStateReadiness implements HealthCheck {

    private final StateFollower follower;

    @Inject
    AdminStateReadiness(StateFollower follower) {
        this.follower = follower;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("admin-state").status(follower.ready()).build();
    }
}

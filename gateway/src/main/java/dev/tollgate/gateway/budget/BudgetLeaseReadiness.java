package dev.tollgate.gateway.budget;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness is DOWN until the replica follows the lease grants topic: before that, an ask's answer could be missed,
 * and every request on a hard budget would wait for nothing.
 */
@Readiness
@ApplicationScoped
public class BudgetLeaseReadiness implements HealthCheck {

    private final LeaseGrantFollower follower;

    @Inject
    BudgetLeaseReadiness(LeaseGrantFollower follower) {
        this.follower = follower;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("budget-leases").status(follower.ready()).build();
    }
}

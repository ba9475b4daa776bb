package dev.tollgate.gateway.budget;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness is DOWN until the replica has read the budget states published before it started: a replica that
 * admitted before would let an exhausted org spend again.
 */
@Readiness
@ApplicationScoped
public class BudgetStateReadiness implements HealthCheck {

    private final BudgetStateFollower follower;

    @Inject
    BudgetStateReadiness(BudgetStateFollower follower) {
        this.follower = follower;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("budget-state").status(follower.ready()).build();
    }
}

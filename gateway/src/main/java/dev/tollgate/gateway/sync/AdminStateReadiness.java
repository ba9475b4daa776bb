package dev.tollgate.gateway.sync;

import dev.tollgate.gateway.admin.AdminConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness is DOWN until the replica holds the admin state snapshot: a load balancer must not send traffic to a
 * replica that would answer 401 for keys it simply has not loaded yet. It reports how stale that state may be
 * ({@code staleness_ms}), and goes DOWN past {@code tollgate.admin.max-staleness} when that is set.
 */
@Readiness
@ApplicationScoped
public class AdminStateReadiness implements HealthCheck {

    private final AdminStateFollower follower;
    private final Optional<Duration> maxStaleness;

    @Inject
    AdminStateReadiness(AdminStateFollower follower, AdminConfig config) {
        this.follower = follower;
        this.maxStaleness = config.maxStaleness();
    }

    @Override
    public HealthCheckResponse call() {
        Duration staleness = follower.staleness();
        return HealthCheckResponse.named("admin-state").status(ready(follower.ready(), staleness, maxStaleness))
                .withData("staleness_ms", staleness.toMillis()).build();
    }

    /** Ready when the snapshot is held and, if a bound is set, the state was confirmed current within it. */
    static boolean ready(boolean following, Duration staleness, Optional<Duration> maxStaleness) {
        return following && maxStaleness.map(max -> staleness.compareTo(max) <= 0).orElse(true);
    }
}

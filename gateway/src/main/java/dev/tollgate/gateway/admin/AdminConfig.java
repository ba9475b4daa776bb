package dev.tollgate.gateway.admin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the admin API and of the admin state each replica follows.
 */
@ConfigMapping(prefix = "tollgate.admin")
public interface AdminConfig {

    /**
     * The bearer token of the admin API. Without one the admin API answers every request with 401: an admin
     * surface is never open by accident. Never logged.
     */
    Optional<String> token();

    /**
     * A second bearer token that opens the admin API for reading only ({@code GET} and {@code HEAD}): for the web
     * console and for dashboards or scripts that must not change anything. Any other method with it answers 403
     * {@code read_only_token}. Unset by default. Never logged.
     */
    Optional<String> readOnlyToken();

    /**
     * The environments whose endpoints this replica routes to: {@code all} (the default; each request's
     * environment, from its header or its key, picks among them), or one of {@code development}, {@code staging}
     * or {@code production} to pin the replica, e.g. for a separate production deployment. Validated at start.
     */
    @WithDefault("all")
    String environment();

    /** How long start-up waits for the first snapshot of keys and endpoints before it goes on not ready. */
    @WithDefault("30s")
    Duration snapshotTimeout();

    /**
     * Readiness goes DOWN once the replica has not known for this long that it holds every admin state change (a
     * revoked key, a disabled endpoint): for deployments that would rather stop serving than accept a key revoked
     * while Kafka was unreachable. Unset by default: a Kafka outage must not take every replica out of service at
     * once, and the staleness is still reported (docs/admin-api.md#while-a-replica-cannot-reach-kafka).
     */
    Optional<Duration> maxStaleness();
}

package dev.tollgate.gateway.signals;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * What this replica tells the streams app about endpoints for alerting: its health-check view of each endpoint and
 * vLLM's load gauges (docs/alerts.md#signals-from-the-gateway).
 */
@ConfigMapping(prefix = "tollgate.signals")
public interface SignalsConfig {

    /** Whether endpoint health reports and load samples are published at all. */
    @WithDefault("true")
    boolean enabled();

    /**
     * How often every endpoint's view is reported again without a change. The streams app counts a replica's view
     * for {@link #validIntervals()} of these, so a replica that stopped no longer decides whether an endpoint is down.
     */
    @WithDefault("10s")
    Duration reportInterval();

    /** How many report intervals a report stands without a newer one. */
    @WithDefault("3")
    int validIntervals();

    /** vLLM's load gauges. */
    Load load();

    /**
     * This replica's id in its reports; by default the host name and a random suffix, new at every start, so two
     * replicas on one host, or a restarted one, never pass for each other.
     */
    Optional<String> replicaId();

    interface Load {
        /** Whether to scrape vLLM's {@code /metrics} for alerting even when routing does not use the load. */
        @WithDefault("true")
        boolean enabled();

        /** A change of waiting requests at least this large is published at once. */
        @WithDefault("1")
        double waitingChange();

        /** A change of KV-cache usage (0..1) at least this large is published at once. */
        @WithDefault("0.05")
        double kvCacheChange();
    }
}

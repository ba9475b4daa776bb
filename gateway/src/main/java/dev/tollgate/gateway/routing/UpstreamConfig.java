package dev.tollgate.gateway.routing;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How the gateway calls upstream endpoints: read by the router (the default time of an attempt) and by the upstream
 * client (connections), so it lives with the routing that both depend on.
 */
@ConfigMapping(prefix = "tollgate.upstream")
public interface UpstreamConfig {

    /** Time allowed to open a connection to an endpoint. */
    @WithDefault("2s")
    Duration connectTimeout();

    /**
     * Time allowed for one attempt on an endpoint, until its answer ended (a stream included), for models without
     * their own {@code tollgate.routing.request-timeouts."<model>"}.
     */
    @WithDefault("300s")
    Duration requestTimeout();

    /**
     * Connections kept open per endpoint, at most. Each event loop keeps its own pool with an even share of
     * them (rounded up), so that a request never crosses event loops (see {@code UpstreamClient}).
     */
    @WithDefault("200")
    int maxConnectionsPerEndpoint();
}

package dev.tollgate.streams.query;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the interactive-query HTTP API. */
@ConfigMapping(prefix = "tollgate.streams.query")
public interface QueryConfig {

    /** How long to wait for the instance that owns a key when proxying a query to it. */
    @WithDefault("PT2S")
    Duration proxyTimeout();

    /** The {@code Retry-After} a client is given while the store cannot be queried (rebalancing, starting). */
    @WithDefault("PT1S")
    Duration retryAfter();
}

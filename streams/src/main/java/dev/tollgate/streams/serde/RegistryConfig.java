package dev.tollgate.streams.serde;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where the Apicurio Registry is and how patiently to ask it. The serdes cache every schema they have seen, so the
 * registry is asked only for a schema id not seen before on this instance.
 */
@ConfigMapping(prefix = "tollgate.registry")
public interface RegistryConfig {

    /** Base URL of the registry ({@code http://host:port}); the v3 API path is appended. */
    String url();

    /**
     * How many times one lookup is retried before the record is treated as undecodable for now (the stream thread
     * is replaced and the record retried, see {@link RegistryUnavailableException}).
     */
    @WithDefault("3")
    int retryCount();

    /** Pause between retries of one lookup. Kept short: the stream thread is blocked inside a transaction. */
    @WithDefault("PT0.3S")
    Duration retryBackoff();
}

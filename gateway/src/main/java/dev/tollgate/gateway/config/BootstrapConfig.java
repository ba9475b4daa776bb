package dev.tollgate.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/**
 * A key and endpoints configured at start-up, for a single-tenant or local deployment: the gateway serves with
 * them before (or without) any admin state. Read by the key store, the endpoint registry and the org bootstrap.
 */
@ConfigMapping(prefix = "tollgate.bootstrap")
public interface BootstrapConfig {

    /** An API key accepted without any database (the local platform generates one). Never logged. */
    Optional<String> apiKey();

    /** The org the bootstrap key belongs to. */
    @WithDefault("local")
    String orgId();

    /** The public id of the bootstrap key, as it appears in events. */
    @WithDefault("bootstrap")
    String keyId();

    /** Endpoints registered at start-up. */
    List<BootstrapEndpoint> endpoints();

    /** One endpoint registered at start-up. */
    interface BootstrapEndpoint {
        /** The endpoint's stable id, as it appears in events. */
        String id();

        /** The model name clients ask for. */
        String model();

        /** Base URL of the OpenAI-compatible server, without {@code /v1}. */
        String url();

        /** Price of one million prompt tokens, in micro-dollars. */
        @WithDefault("0")
        long inputPricePerMillionMicros();

        /** Price of one million completion tokens, in micro-dollars. */
        @WithDefault("0")
        long outputPricePerMillionMicros();

        /** Version of this price, recorded on every usage event charged at it. */
        @WithDefault("1")
        int priceVersion();

        /** Share of the model's traffic relative to its other endpoints, at least 1. */
        @WithDefault("1")
        int weight();

        /** The environment it serves: {@code development}, {@code staging} or {@code production}. */
        @WithDefault("production")
        String environment();
    }
}

package dev.tollgate.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Tollgate's own gateway settings, validated at start-up. Everything the hot path needs is read once from
 * here into memory; nothing on the request path reads configuration again.
 */
@ConfigMapping(prefix = "tollgate")
public interface GatewayConfig {

    /** Request limits. */
    Limits limits();

    /** How the gateway calls upstream endpoints. */
    Upstream upstream();

    /** Event publishing to Kafka. */
    Events events();

    /** The access log, one line per authenticated request. */
    AccessLog accessLog();

    /** The Apicurio Registry the event serdes use. */
    Registry registry();

    /** A key and an endpoint configured at start-up, for a single-tenant or local deployment. */
    Bootstrap bootstrap();

    interface Limits {
        /** The largest request body accepted; larger bodies get 413 {@code request_too_large}. */
        @WithDefault("4194304")
        long maxBodyBytes();

        /**
         * The largest total size of request headers (names and values) accepted; larger gets 431
         * {@code headers_too_large}. Must stay below {@code quarkus.http.limits.max-header-size}, where Vert.x
         * itself refuses the request without a body.
         */
        @WithDefault("32768")
        int maxHeaderBytes();
    }

    interface Upstream {
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

    interface Events {
        /** Events waiting to be handed to the Kafka producer; the bound of what a Kafka outage can buffer. */
        @WithDefault("100000")
        int bufferCapacity();

        /**
         * What to do with new requests while the buffer is full: {@code fail-closed} refuses them with 503
         * {@code events_unavailable} before any upstream call, so no billed work goes unrecorded;
         * {@code fail-open} serves them and loses their events. See docs/events.md.
         */
        @WithDefault("fail-closed")
        WhenFull whenFull();

        /** Readiness goes DOWN while the backlog is above this fraction of the buffer capacity. */
        @WithDefault("0.8")
        double readinessHighWater();

        /** Org ids whose prompt and completion text is captured in request events; no org by default. */
        Optional<List<String>> captureContentOrgs();

        /**
         * The producer's batch compression: {@code none}, {@code lz4}, {@code snappy}, {@code zstd} or
         * {@code gzip}. None by default: the events are small, and compressing them cost the gateway more CPU per
         * request than anything else it does for events (the LZ4 here is the pure-Java codec), and the broker as
         * much again to check each batch. Where storage or bandwidth matter more than CPU, choose {@code zstd}, or
         * set the topics' own {@code compression.type}. See docs/events.md.
         */
        @WithDefault("none")
        String compression();
    }

    interface AccessLog {
        /**
         * Access log lines that may wait for the log writer thread; while the log output stalls and this many
         * wait, further lines are dropped and counted in {@code tollgate.access_log.dropped}. See
         * docs/observability.md.
         */
        @WithDefault("65536")
        int bufferCapacity();
    }

    /** The policy for requests that arrive while the event buffer is full. */
    enum WhenFull {
        /** Refuse them: billing safety first. */
        FAIL_CLOSED,
        /** Serve them and lose their events: availability first. */
        FAIL_OPEN
    }

    interface Registry {
        /** Base URL of the Apicurio Registry, e.g. {@code http://registry:8080}. */
        String url();
    }

    interface Bootstrap {
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
    }

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

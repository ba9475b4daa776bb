package dev.tollgate.gateway.routing;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Map;

/**
 * How the gateway chooses endpoints, checks their health, trips their breakers, retries and times out. Read once
 * at start-up; see {@code docs/routing.md} for what each setting does to traffic.
 */
@ConfigMapping(prefix = "tollgate.routing")
public interface RoutingConfig {

    /** Retries on another endpoint of the same model. */
    Retries retries();

    /** Active health checks on {@code GET /health}. */
    Health health();

    /** The circuit breaker of each endpoint. */
    Breaker breaker();

    /** vLLM's own load signals, scraped from {@code /metrics}. */
    LoadMetrics loadMetrics();

    /**
     * Time allowed for one attempt on an endpoint of a model, keyed by model name (quote names that contain dots:
     * {@code tollgate.routing.request-timeouts."llama-3.1-8b"=30s}). Models not listed use
     * {@code tollgate.upstream.request-timeout}.
     */
    @WithName("request-timeouts")
    Map<String, Duration> requestTimeouts();

    interface Retries {
        /**
         * Further attempts after the first, each on another endpoint where one exists, made only while nothing has
         * reached the client. 0 disables retries.
         */
        @WithDefault("2")
        int maxRetries();
    }

    interface Health {
        /** Whether endpoints are checked in the background at all; without checks every endpoint counts as up. */
        @WithDefault("true")
        boolean enabled();

        /** Time between two checks of one endpoint. */
        @WithDefault("5s")
        Duration interval();

        /** Time a check may take, connecting included, before it counts as failed. */
        @WithDefault("2s")
        Duration timeout();

        /** Consecutive passing checks that bring a down endpoint back. */
        @WithDefault("2")
        int healthyThreshold();

        /** Consecutive failing checks that take an up endpoint out of rotation. */
        @WithDefault("2")
        int unhealthyThreshold();
    }

    interface Breaker {
        /** Consecutive failed requests that open the breaker. */
        @WithDefault("5")
        int consecutiveFailures();

        /** Share of failures among the last {@link #window()} requests that opens the breaker. */
        @WithDefault("0.5")
        double failureRatio();

        /** Requests the failure ratio is computed over. */
        @WithDefault("20")
        int window();

        /** Requests needed in the window before the failure ratio counts. */
        @WithDefault("10")
        int minimumRequests();

        /** Time an open breaker waits before it lets one probe request through. */
        @WithDefault("10s")
        Duration coolDown();
    }

    interface LoadMetrics {
        /** Whether to scrape {@code /metrics} of every endpoint and add its load to the choice. */
        @WithDefault("false")
        boolean enabled();

        /** Time between two scrapes of one endpoint. */
        @WithDefault("2s")
        Duration interval();

        /** Outstanding requests one request waiting in vLLM's queue counts as. */
        @WithDefault("1.0")
        double waitingWeight();

        /** Outstanding requests a full KV cache counts as (scaled by the used share). */
        @WithDefault("4.0")
        double kvCacheWeight();
    }
}

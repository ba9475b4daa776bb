package dev.tollgate.evals.worker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the evals worker, validated at start. */
@ConfigMapping(prefix = "tollgate.evals")
public interface WorkerConfig {

    /** The gateway the worker calls. */
    Gateway gateway();

    /** The streams app's query API. */
    Streams streams();

    /** Scores that need a model. */
    Judge judge();

    /** Dataset runs. */
    Runs runs();

    /** Where the gateway is and how the worker authenticates to it. */
    interface Gateway {
        /** Base URL of the gateway's OpenAI API, e.g. {@code http://gateway:8080}. */
        String url();

        /** The worker's API key: its runs and judge calls are metered and budgeted under it. Never logged. */
        String apiKey();

        /** Time allowed for one call through the gateway. */
        @WithDefault("120s")
        Duration timeout();
    }

    /** Where the streams app answers queries. */
    interface Streams {
        /** Base URL of the streams app's query API, e.g. {@code http://streams:8082}. */
        String url();
    }

    /** Judge and embedding scores. */
    interface Judge {
        /** Calls in flight at most, per worker. */
        @WithDefault("16")
        int concurrency();

        /** Retries of a call that failed for a reason worth retrying (connection, 429, 5xx). */
        @WithDefault("3")
        int retries();

        /** The first retry's pause; each later one doubles it (with jitter). */
        @WithDefault("1s")
        Duration backoff();
    }

    /** Dataset runs. */
    interface Runs {
        /** How long a run may wait for its answers to be scored once all are in. */
        @WithDefault("30m")
        Duration scoringTimeout();

        /** How often a run asks the streams app whether its scores are in. */
        @WithDefault("2s")
        Duration pollInterval();
    }
}

package dev.tollgate.local.vllm;

import io.vertx.core.Vertx;

/**
 * The state all event loops share: the current configuration (swapped whole, never mutated), the metrics, the
 * failure sequence and the admission queue. Each request reads {@link #config()} once and keeps that snapshot, so a
 * reconfiguration never mixes two configurations within one request.
 */
final class SimulatorRuntime {

    private final Vertx vertx;
    private final SimulatorMetrics metrics = new SimulatorMetrics();
    private final FailureInjector failures = new FailureInjector();
    private final AdmissionQueue admission;
    private volatile SimulatorConfig config;

    SimulatorRuntime(Vertx vertx, SimulatorConfig config) {
        this.vertx = vertx;
        this.config = config;
        this.admission = new AdmissionQueue(() -> this.config.maxNumSeqs());
    }

    Vertx vertx() {
        return vertx;
    }

    SimulatorConfig config() {
        return config;
    }

    void config(SimulatorConfig next) {
        this.config = next;
    }

    SimulatorMetrics metrics() {
        return metrics;
    }

    FailureInjector failures() {
        return failures;
    }

    AdmissionQueue admission() {
        return admission;
    }
}

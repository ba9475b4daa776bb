package dev.tollgate.local.launcher;

import java.nio.file.Path;

/**
 * What the launcher was asked to run, validated before anything starts.
 *
 * @param ports                 every port the platform listens on
 * @param dataDir               holds data, logs and the pid record of this run
 * @param keepData              keep PostgreSQL, Kafka and registry data from the previous run
 * @param model                 the model the simulator serves first; it also serves {@value #SECOND_MODEL}, so that
 *                              an eval run can compare two models
 * @param simulatorTtftMs       the simulator's time to first token
 * @param simulatorItlMs        the simulator's time between tokens
 * @param simulatorOutputTokens tokens the simulator generates when the request sets no limit
 * @param streams               whether to start the streams app, the evals worker and the alert notifier
 *                              (benchmarks of the gateway alone leave them out)
 * @param warehouse             whether to start a Kafka Connect worker with the warehouse sinks, into the
 *                              {@value #WAREHOUSE_DATABASE} database
 */
record LaunchOptions(PlatformPorts ports, Path dataDir, boolean keepData, String model, int simulatorTtftMs,
                     int simulatorItlMs, int simulatorOutputTokens, boolean streams, boolean warehouse) {

    /** The org of the API key the launcher prints. */
    static final String ORG = "local";
    /** The second model the simulator serves. */
    static final String SECOND_MODEL = "sim-mistral-7b";
    /** The PostgreSQL database the warehouse sinks write to. */
    static final String WAREHOUSE_DATABASE = "warehouse";

    LaunchOptions {
        if (model == null || !model.matches("[A-Za-z0-9._:/-]{1,128}")) {
            throw new IllegalArgumentException("--model must be 1 to 128 letters, digits or ._:/- but was: " + model);
        }
        if (simulatorTtftMs < 0 || simulatorItlMs < 0 || simulatorOutputTokens < 1) {
            throw new IllegalArgumentException("simulator latencies must be >= 0 and output tokens >= 1");
        }
        if (warehouse != (ports.connect() != PlatformPorts.NONE)) {
            throw new IllegalArgumentException("a Connect port is needed exactly when the warehouse runs");
        }
        if (streams != (ports.evals() != PlatformPorts.NONE)) {
            throw new IllegalArgumentException("an evals port is needed exactly when the streams app runs");
        }
        if (SECOND_MODEL.equals(model)) {
            throw new IllegalArgumentException("--model must differ from " + SECOND_MODEL
                    + ", which the simulator serves beside it");
        }
    }
}

package dev.tollgate.local.vllm;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * A vLLM stand-in that speaks vLLM's OpenAI-compatible HTTP API with simulated latency and deterministic failure
 * injection, for tests, the local run and benchmarks.
 *
 * <p>Endpoints: {@code POST /v1/chat/completions}, {@code POST /v1/completions} (JSON or server-sent events),
 * {@code POST /v1/embeddings}, {@code GET /v1/models}, {@code GET /health} and {@code GET /metrics}. It runs on its
 * own Vert.x instance with {@link SimulatorConfig#eventLoops()} event loops and never blocks one: all latency is
 * timers.
 *
 * <p>Tests steer single requests with headers: {@code x-sim-ttft-ms}, {@code x-sim-itl-ms},
 * {@code x-sim-output-tokens}, {@code x-sim-fail: none|error|hang|drop|drop-mid-stream} and
 * {@code x-sim-error-status}; and whole phases with {@link #reconfigure(SimulatorConfig)}. Faults drawn from the
 * {@link FailurePolicy} are a pure function of the seed and the request's sequence number, so a run is repeatable.
 * Use it in a try-with-resources block:
 *
 * <pre>{@code
 * try (VllmSimulator sim = VllmSimulator.start(SimulatorConfig.defaults())) {
 *     call(sim.baseUrl() + "/v1/chat/completions");
 * }
 * }</pre>
 */
public final class VllmSimulator implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(VllmSimulator.class);
    private static final long START_TIMEOUT_SECONDS = 30;

    private final Vertx vertx;
    private final SimulatorRuntime runtime;
    private final SimulatorConfig initial;
    private final int port;

    private VllmSimulator(Vertx vertx, SimulatorRuntime runtime, SimulatorConfig initial, int port) {
        this.vertx = vertx;
        this.runtime = runtime;
        this.initial = initial;
        this.port = port;
    }

    /**
     * Starts a simulator and returns once it accepts connections.
     *
     * @throws IllegalStateException if called on a Vert.x event loop (it blocks) or if the server cannot listen
     */
    public static VllmSimulator start(SimulatorConfig config) {
        Objects.requireNonNull(config, "config");
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("VllmSimulator.start blocks; call it off the event loop");
        }
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(config.eventLoops())
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        try {
            SimulatorRuntime runtime = new SimulatorRuntime(vertx, config);
            HttpDispatcher dispatcher = new HttpDispatcher(runtime);
            // One server per event loop, all on one socket. Vert.x gives each server listening on port 0 its own
            // port but lets servers listening on a negative port share one ephemeral port.
            int listenPort = config.port() == 0 ? -1 : config.port();
            List<SimulatorVerticle> servers = new CopyOnWriteArrayList<>();
            await(vertx.deployVerticle(() -> {
                SimulatorVerticle server = new SimulatorVerticle(dispatcher, config.host(), listenPort);
                servers.add(server);
                return server;
            }, new DeploymentOptions().setInstances(config.eventLoops())));
            int port = servers.get(0).actualPort();
            LOG.infof("vllm-simulator listening host=%s port=%d models=%s eventLoops=%d ttftMs=%d itlMs=%d "
                            + "outputTokens=%d errorRate=%s hangRate=%s dropRate=%s seed=%d",
                    config.host(), port, config.servedModelNames(), config.eventLoops(),
                    config.timeToFirstToken().toMillis(), config.interTokenLatency().toMillis(),
                    config.outputTokens(), config.failures().errorRate(), config.failures().hangRate(),
                    config.failures().dropRate(), config.seed());
            return new VllmSimulator(vertx, runtime, config, port);
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    /** The port the server listens on (the ephemeral one when the configuration said 0). */
    public int port() {
        return port;
    }

    /** {@code http://HOST:PORT}, with no trailing slash; append {@code /v1/...}. */
    public String baseUrl() {
        String host = initial.host();
        if (host.equals("0.0.0.0")) {
            host = "127.0.0.1";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port;
    }

    /** The configuration in force. */
    public SimulatorConfig config() {
        return runtime.config();
    }

    /**
     * Replaces the configuration for every request that arrives from now on; requests already in flight keep the
     * one they started with. The host, the port (as configured, or the actual port) and the number of event loops
     * are fixed at start and must not change.
     *
     * @throws IllegalArgumentException if {@code next} changes the host, the port or the event loops
     */
    public void reconfigure(SimulatorConfig next) {
        Objects.requireNonNull(next, "next");
        if (!next.host().equals(initial.host())) {
            throw new IllegalArgumentException("host is fixed at start: " + initial.host() + ", not " + next.host());
        }
        if (next.port() != initial.port() && next.port() != port) {
            throw new IllegalArgumentException("port is fixed at start: " + port + ", not " + next.port());
        }
        if (next.eventLoops() != initial.eventLoops()) {
            throw new IllegalArgumentException(
                    "eventLoops is fixed at start: " + initial.eventLoops() + ", not " + next.eventLoops());
        }
        runtime.config(next);
        LOG.infof("vllm-simulator reconfigured port=%d models=%s ttftMs=%d itlMs=%d outputTokens=%d errorRate=%s "
                        + "hangRate=%s dropRate=%s errorStatus=%d seed=%d",
                port, next.servedModelNames(), next.timeToFirstToken().toMillis(),
                next.interTokenLatency().toMillis(), next.outputTokens(), next.failures().errorRate(),
                next.failures().hangRate(), next.failures().dropRate(), next.failures().errorStatus(), next.seed());
    }

    /** Stops listening and closes every connection, including hung ones; waits up to 30 s. */
    @Override
    public void close() {
        await(vertx.close());
        LOG.infof("vllm-simulator stopped port=%d", port);
    }

    /**
     * Runs a simulator until the JVM is stopped. Flags: {@code --host}, {@code --port}, {@code --model} (repeatable
     * or comma-separated), {@code --ttft-ms}, {@code --itl-ms}, {@code --output-tokens}, {@code --error-rate},
     * {@code --error-status}, {@code --hang-rate}, {@code --drop-rate}, {@code --seed}, {@code --event-loops},
     * {@code --max-num-seqs}, {@code --max-model-len}, {@code --max-body-bytes}, {@code --embedding-dimensions};
     * {@code --help} prints them. The base URL is printed on standard output once the server listens.
     */
    public static void main(String[] args) throws InterruptedException {
        SimulatorConfig config;
        try {
            config = SimulatorArgs.parse(args);
        } catch (SimulatorArgs.HelpRequested e) {
            System.out.println(SimulatorArgs.USAGE);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("vllm-simulator: " + e.getMessage());
            System.err.println(SimulatorArgs.USAGE);
            System.exit(2);
            return;
        }
        VllmSimulator simulator = start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }, "vllm-simulator-shutdown"));
        System.out.println("vllm-simulator listening on " + simulator.baseUrl());
        System.out.flush();
        stopped.await();
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the simulator", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("vllm-simulator failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("vllm-simulator did not answer within " + START_TIMEOUT_SECONDS + " s", e);
        }
    }
}

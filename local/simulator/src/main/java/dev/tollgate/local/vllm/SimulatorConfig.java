package dev.tollgate.local.vllm;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * Everything the simulator can be told, validated when built so that a wrong value fails at construction with a
 * message naming the field, never later on an event loop.
 *
 * <p>{@link #host()}, {@link #port()} and {@link #eventLoops()} are fixed once the server listens; every other field
 * can be changed at runtime through {@link VllmSimulator#reconfigure(SimulatorConfig)}. Each {@code withX} method
 * returns a copy with one field changed, validated again.
 *
 * @param host address to bind, normally {@code 127.0.0.1}
 * @param port port to bind, 0 for an ephemeral port
 * @param servedModelNames the names the model answers to, like vLLM's {@code --served-model-name}; the first one is
 *     the default when a request names no model and the {@code model_name} label of the metrics
 * @param timeToFirstToken delay before the first token (the whole prefill)
 * @param interTokenLatency delay between two tokens of one choice
 * @param outputTokens tokens generated per choice when {@code max_tokens} does not cut the output earlier
 * @param failures injected fault rates
 * @param seed seed of the failure draws and of the generated text when a request carries no {@code seed}
 * @param eventLoops event loops serving HTTP
 * @param maxBodyBytes largest accepted request body; a larger one gets 413
 * @param embeddingDimensions length of the vectors returned by {@code /v1/embeddings}
 * @param maxModelLen context length: prompt plus output tokens must fit in it, as in vLLM
 * @param maxNumSeqs requests generating at the same time, like vLLM's {@code --max-num-seqs}; the rest wait in a
 *     FIFO queue and show in {@code vllm:num_requests_waiting}
 */
public record SimulatorConfig(
        String host,
        int port,
        List<String> servedModelNames,
        Duration timeToFirstToken,
        Duration interTokenLatency,
        int outputTokens,
        FailurePolicy failures,
        long seed,
        int eventLoops,
        int maxBodyBytes,
        int embeddingDimensions,
        int maxModelLen,
        int maxNumSeqs) {

    /** The model name used when none is configured. */
    public static final String DEFAULT_MODEL = "sim-model";

    private static final Duration MAX_DELAY = Duration.ofMinutes(10);

    /** Validates every field; see the record description for the meaning of each. */
    public SimulatorConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be within [0, 65535] (0 = ephemeral) but was " + port);
        }
        Objects.requireNonNull(servedModelNames, "servedModelNames must not be null");
        servedModelNames = List.copyOf(servedModelNames);
        if (servedModelNames.isEmpty()) {
            throw new IllegalArgumentException("servedModelNames must name at least one model");
        }
        if (servedModelNames.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("servedModelNames must not contain a blank name: " + servedModelNames);
        }
        if (new HashSet<>(servedModelNames).size() != servedModelNames.size()) {
            throw new IllegalArgumentException("servedModelNames must not repeat a name: " + servedModelNames);
        }
        requireDelay("timeToFirstToken", timeToFirstToken);
        requireDelay("interTokenLatency", interTokenLatency);
        requireRange("outputTokens", outputTokens, 1, 1_000_000);
        Objects.requireNonNull(failures, "failures must not be null (use FailurePolicy.none())");
        requireRange("eventLoops", eventLoops, 1, 64);
        requireRange("maxBodyBytes", maxBodyBytes, 1, Integer.MAX_VALUE);
        requireRange("embeddingDimensions", embeddingDimensions, 1, 8192);
        requireRange("maxModelLen", maxModelLen, 2, 10_000_000);
        requireRange("maxNumSeqs", maxNumSeqs, 1, 1_000_000);
    }

    /**
     * Loopback, an ephemeral port, one model named {@value #DEFAULT_MODEL}, no latency, 16 output tokens, no faults,
     * seed 0, one event loop per core, an 8 MiB body limit, 16-dimension embeddings, a 32768-token context and
     * 256 concurrent sequences (vLLM's default).
     */
    public static SimulatorConfig defaults() {
        return new SimulatorConfig("127.0.0.1", 0, List.of(DEFAULT_MODEL), Duration.ZERO, Duration.ZERO, 16,
                FailurePolicy.none(), 0L, Runtime.getRuntime().availableProcessors(), 8 * 1024 * 1024, 16, 32_768,
                256);
    }

    /** The first served name: the default model and the metrics label. */
    public String primaryModel() {
        return servedModelNames.get(0);
    }

    public SimulatorConfig withHost(String value) {
        return new SimulatorConfig(value, port, servedModelNames, timeToFirstToken, interTokenLatency, outputTokens,
                failures, seed, eventLoops, maxBodyBytes, embeddingDimensions, maxModelLen, maxNumSeqs);
    }

    public SimulatorConfig withPort(int value) {
        return new SimulatorConfig(host, value, servedModelNames, timeToFirstToken, interTokenLatency, outputTokens,
                failures, seed, eventLoops, maxBodyBytes, embeddingDimensions, maxModelLen, maxNumSeqs);
    }

    public SimulatorConfig withServedModelNames(List<String> value) {
        return new SimulatorConfig(host, port, value, timeToFirstToken, interTokenLatency, outputTokens,
                failures, seed, eventLoops, maxBodyBytes, embeddingDimensions, maxModelLen, maxNumSeqs);
    }

    public SimulatorConfig withServedModelNames(String... value) {
        return withServedModelNames(List.of(value));
    }

    public SimulatorConfig withTimeToFirstToken(Duration value) {
        return new SimulatorConfig(host, port, servedModelNames, value, interTokenLatency, outputTokens,
                failures, seed, eventLoops, maxBodyBytes, embeddingDimensions, maxModelLen, maxNumSeqs);
    }

    public SimulatorConfig withInterTokenLatency(Duration value) {
        return new SimulatorConfig(host, port, servedModelNames, timeToFirstToken, value, outputTokens,
                failures, seed, eventLoops, maxBodyBytes, embeddingDimensions, maxModelLen, maxNumSeqs);
    }

    public SimulatorConfig withOutputTokens(int value) {
        return new SimulatorConfig(host, port, servedModelNames, timeToFirstToken, interTokenLatency, value,
                failures, seed, eventLoops, maxBodyBytes, embeddingDimensions, maxModelLen, maxNumSeqs);
    }

    public SimulatorConfig withFailures(FailurePolicy value) {
        return new SimulatorConfig(host, port, servedModelNames, timeToFirstToken, interTokenLatency, outputTokens,
                value, seed, eventLoops, maxBodyBytes, embeddingDimensions, maxModelLen, maxNumSeqs);
    }

    public SimulatorConfig withSeed(long value) {
        return new SimulatorConfig(host, port, servedModelNames, timeToFirstToken, interTokenLatency, outputTokens,
                failures, value, eventLoops, maxBodyBytes, embeddingDimensions, maxModelLen, maxNumSeqs);
    }

    public SimulatorConfig withEventLoops(int value) {
        return new SimulatorConfig(host, port, servedModelNames, timeToFirstToken, interTokenLatency, outputTokens,
                failures, seed, value, maxBodyBytes, embeddingDimensions, maxModelLen, maxNumSeqs);
    }

    public SimulatorConfig withMaxBodyBytes(int value) {
        return new SimulatorConfig(host, port, servedModelNames, timeToFirstToken, interTokenLatency, outputTokens,
                failures, seed, eventLoops, value, embeddingDimensions, maxModelLen, maxNumSeqs);
    }

    public SimulatorConfig withEmbeddingDimensions(int value) {
        return new SimulatorConfig(host, port, servedModelNames, timeToFirstToken, interTokenLatency, outputTokens,
                failures, seed, eventLoops, maxBodyBytes, value, maxModelLen, maxNumSeqs);
    }

    public SimulatorConfig withMaxModelLen(int value) {
        return new SimulatorConfig(host, port, servedModelNames, timeToFirstToken, interTokenLatency, outputTokens,
                failures, seed, eventLoops, maxBodyBytes, embeddingDimensions, value, maxNumSeqs);
    }

    public SimulatorConfig withMaxNumSeqs(int value) {
        return new SimulatorConfig(host, port, servedModelNames, timeToFirstToken, interTokenLatency, outputTokens,
                failures, seed, eventLoops, maxBodyBytes, embeddingDimensions, maxModelLen, value);
    }

    private static void requireDelay(String name, Duration value) {
        Objects.requireNonNull(value, name + " must not be null");
        if (value.isNegative() || value.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException(name + " must be within [0, " + MAX_DELAY + "] but was " + value);
        }
    }

    private static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be within [" + min + ", " + max + "] but was " + value);
        }
    }
}

package dev.tollgate.local.vllm;

import io.vertx.core.MultiMap;

/**
 * Per-request overrides that tests set through headers; null means "use the configuration".
 *
 * <ul>
 *   <li>{@code x-sim-ttft-ms}, {@code x-sim-itl-ms}: latencies in milliseconds, 0 to 600000;</li>
 *   <li>{@code x-sim-output-tokens}: tokens per choice before {@code max_tokens} applies, 1 to 1000000;</li>
 *   <li>{@code x-sim-fail}: {@code none}, {@code error}, {@code hang}, {@code drop} or {@code drop-mid-stream},
 *       which replaces the fault drawn from the failure policy;</li>
 *   <li>{@code x-sim-error-status}: status of an injected error, 400 to 599.</li>
 * </ul>
 * A malformed value is a 400 naming the header, so a typo in a test fails loudly.
 *
 * @param ttftMs time to first token, or null
 * @param itlMs inter-token latency, or null
 * @param outputTokens output length per choice, or null
 * @param fault the fault to inject, or null to draw one
 * @param errorStatus status of an injected error, or null
 */
record Overrides(Long ttftMs, Long itlMs, Integer outputTokens, FailureInjector.Fault fault, Integer errorStatus) {

    static final Overrides NONE = new Overrides(null, null, null, null, null);

    static Overrides from(MultiMap headers) {
        String ttft = headers.get("x-sim-ttft-ms");
        String itl = headers.get("x-sim-itl-ms");
        String tokens = headers.get("x-sim-output-tokens");
        String fail = headers.get("x-sim-fail");
        String status = headers.get("x-sim-error-status");
        if (ttft == null && itl == null && tokens == null && fail == null && status == null) {
            return NONE;
        }
        return new Overrides(
                ttft == null ? null : parse("x-sim-ttft-ms", ttft, 0, 600_000),
                itl == null ? null : parse("x-sim-itl-ms", itl, 0, 600_000),
                tokens == null ? null : (int) parse("x-sim-output-tokens", tokens, 1, 1_000_000),
                fail == null ? null : FailureInjector.Fault.fromHeader(fail),
                status == null ? null : (int) parse("x-sim-error-status", status, 400, 599));
    }

    private static long parse(String header, String value, long min, long max) {
        long parsed;
        try {
            parsed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(header + " must be an integer", header);
        }
        if (parsed < min || parsed > max) {
            throw ApiException.badRequest(header + " must be within [" + min + ", " + max + "]", header);
        }
        return parsed;
    }
}

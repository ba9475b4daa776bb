package dev.tollgate.local.vllm;

/**
 * How often the simulator injects each kind of fault into inference requests.
 *
 * <p>The three rates are probabilities in {@code [0, 1]} whose sum is at most 1: each failure-eligible request
 * draws one number {@code u} in {@code [0, 1)} from the seed and its sequence number (see
 * {@link FailureInjector}) and gets an error if {@code u < errorRate}, a hang if {@code u < errorRate + hangRate},
 * a dropped connection if {@code u < errorRate + hangRate + dropRate}, and a normal answer otherwise.
 *
 * @param errorRate share of requests answered with {@code errorStatus} and an OpenAI-style error body
 * @param hangRate share of requests that are never answered (the connection stays open)
 * @param dropRate share of requests whose connection is closed: before the response for non-streaming requests,
 *     after about half of the tokens for streaming ones
 * @param errorStatus HTTP status of injected errors, 400 to 599 (typically 500, 503 or 429)
 */
public record FailurePolicy(double errorRate, double hangRate, double dropRate, int errorStatus) {

    private static final double EPSILON = 1e-9;

    /** Validates the rates and the status, so that a bad policy fails where it is built, not under load. */
    public FailurePolicy {
        requireRate("errorRate", errorRate);
        requireRate("hangRate", hangRate);
        requireRate("dropRate", dropRate);
        double total = errorRate + hangRate + dropRate;
        if (total > 1.0 + EPSILON) {
            throw new IllegalArgumentException(
                    "errorRate + hangRate + dropRate must be at most 1 but is " + total);
        }
        if (errorStatus < 400 || errorStatus > 599) {
            throw new IllegalArgumentException("errorStatus must be an HTTP error status (400-599) but was " + errorStatus);
        }
    }

    /** No injected faults; injected errors, if later enabled through a header, use status 500. */
    public static FailurePolicy none() {
        return new FailurePolicy(0, 0, 0, 500);
    }

    /** Injects errors with status 500 at the given rate, and nothing else. */
    public static FailurePolicy errors(double rate) {
        return new FailurePolicy(rate, 0, 0, 500);
    }

    /** Returns a copy with another error status. */
    public FailurePolicy withErrorStatus(int status) {
        return new FailurePolicy(errorRate, hangRate, dropRate, status);
    }

    /** True when no fault is ever drawn from the rates. */
    public boolean isNone() {
        return errorRate == 0 && hangRate == 0 && dropRate == 0;
    }

    private static void requireRate(String name, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(name + " must be within [0, 1] but was " + rate);
        }
    }
}

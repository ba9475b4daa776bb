package dev.tollgate.local.vllm;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides which fault, if any, a request gets, deterministically for a seed.
 *
 * <p>Contract: every failure-eligible request (a well-formed chat, completion or embedding request; a 400 or 404
 * does not count) takes the next sequence number {@code k}, starting at 0 when the simulator starts and never reset,
 * not even by a reconfiguration. Its draw is {@code u = splitmix64(seed + k * golden) / 2^64} in {@code [0, 1)} and
 * the fault follows from {@code u} and the current {@link FailurePolicy} alone. So the k-th request always gets the
 * same fault for the same seed and rates, and a test that sends requests one after another sees the same sequence on
 * every run. Under concurrency the sequence of faults stays the same; which request gets which number follows
 * arrival order. A request that names its fault in {@code x-sim-fail} still takes a number, so the draws of the
 * requests after it do not shift.
 */
final class FailureInjector {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final AtomicLong sequence = new AtomicLong();

    /** Takes the next sequence number and returns the fault drawn for it. */
    Fault next(FailurePolicy policy, long seed, boolean streaming) {
        long k = sequence.getAndIncrement();
        return decide(policy, seed, k, streaming);
    }

    /**
     * The pure decision for the k-th request. A drawn drop closes a streaming response mid-stream and a
     * non-streaming one before it starts.
     */
    static Fault decide(FailurePolicy policy, long seed, long k, boolean streaming) {
        if (policy.isNone()) {
            return Fault.NONE;
        }
        double u = (mix(seed + k * GOLDEN_GAMMA) >>> 11) * 0x1.0p-53;
        double bound = policy.errorRate();
        if (u < bound) {
            return Fault.ERROR;
        }
        bound += policy.hangRate();
        if (u < bound) {
            return Fault.HANG;
        }
        bound += policy.dropRate();
        if (u < bound) {
            return streaming ? Fault.DROP_MID_STREAM : Fault.DROP;
        }
        return Fault.NONE;
    }

    /** SplitMix64's finalizer: a cheap, well-distributed 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** What happens to a request instead of, or in the middle of, its normal answer. */
    enum Fault {
        /** A normal answer. */
        NONE,
        /** An OpenAI-style error body with the policy's status. */
        ERROR,
        /** Never answered; the connection stays open until the client gives up. */
        HANG,
        /** The connection closes before any byte of the response. */
        DROP,
        /**
         * The connection closes after about half of the tokens of a streaming response; a non-streaming response
         * has no middle, so it closes before the response.
         */
        DROP_MID_STREAM;

        /** Parses the value of {@code x-sim-fail}. */
        static Fault fromHeader(String value) {
            return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "none" -> NONE;
                case "error" -> ERROR;
                case "hang" -> HANG;
                case "drop" -> DROP;
                case "drop-mid-stream" -> DROP_MID_STREAM;
                default -> throw ApiException.badRequest(
                        "x-sim-fail must be one of none, error, hang, drop, drop-mid-stream", "x-sim-fail");
            };
        }
    }
}

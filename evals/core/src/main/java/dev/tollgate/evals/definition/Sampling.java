package dev.tollgate.evals.definition;

import java.nio.charset.StandardCharsets;

/**
 * Decides whether a request is in an evaluator's sample, from the request event's id alone: the same id always
 * lands at the same point of [0, 1), and the request is sampled when that point is below the rate. So two
 * evaluators with the same rate score the same requests (their scores can be compared request by request), a
 * higher rate scores a superset, and a backfill samples exactly what live scoring did.
 *
 * <p>The point is a 64-bit FNV-1a hash of the id's UTF-8 bytes, finished with MurmurHash3's {@code fmix64} so that
 * ids differing only in their last characters spread over the whole range. A cryptographic hash would cost more
 * and buy nothing here: the ids are random UUIDs, and nobody gains by steering the sample.
 */
public final class Sampling {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final double TWO_TO_53 = 0x1.0p53;

    private Sampling() {
    }

    /** Whether the request with event id {@code eventId} is in a sample of {@code rate} (0 to 1). */
    public static boolean sampled(String eventId, double rate) {
        if (rate >= 1.0) {
            return true;
        }
        if (rate <= 0.0) {
            return false;
        }
        return point(eventId) < rate;
    }

    /** Where {@code eventId} falls in [0, 1). */
    static double point(String eventId) {
        long hash = FNV_OFFSET;
        for (byte b : eventId.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= FNV_PRIME;
        }
        return (fmix64(hash) >>> 11) / TWO_TO_53;
    }

    private static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb93fe53a87cdL;
        k ^= k >>> 33;
        return k;
    }
}

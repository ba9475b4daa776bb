package dev.tollgate.gateway.cache;

import dev.tollgate.gateway.openai.TokenUsage;
import java.util.List;

/**
 * An answer as the cache keeps it: the bytes the client received, the usage it was billed for and what it cost, so
 * a hit can be billed at 0 and record the cost it saved.
 */
sealed interface CachedAnswer {

    TokenUsage usage();

    long costMicros();

    /** Bytes held, roughly, for the cache's weigher. */
    int weight();

    /** How long it stays, in nanoseconds. */
    long ttlNanos();

    /**
     * A whole answer.
     *
     * @param contentType the endpoint's content type
     * @param body        the endpoint's bytes
     * @param usage       its token usage
     * @param costMicros  what it cost when it was generated
     * @param ttlNanos    how long it stays
     */
    record Whole(String contentType, byte[] body, TokenUsage usage, long costMicros, long ttlNanos)
            implements CachedAnswer {
        @Override
        public int weight() {
            return 96 + body.length + contentType.length() * 2;
        }
    }

    /**
     * A stream that completed, as the writes the client received, {@code data: [DONE]} last.
     *
     * @param chunks     the bytes of each write, in order
     * @param usage      its token usage
     * @param costMicros what it cost when it was generated
     * @param ttlNanos   how long it stays
     */
    record Stream(List<byte[]> chunks, TokenUsage usage, long costMicros, long ttlNanos) implements CachedAnswer {
        @Override
        public int weight() {
            int bytes = 96;
            for (byte[] chunk : chunks) {
                bytes += 24 + chunk.length;
            }
            return bytes;
        }
    }
}

package dev.tollgate.streams.intake;

import java.nio.ByteBuffer;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Which numbers of one block of {@value #NUMBERS} consecutive sequence numbers of one producer a task has seen: a
 * bitmap, as an IPsec anti-replay window keeps one (RFC 4303 §3.4.3), but cut into fixed blocks keyed by
 * {@code sequence / NUMBERS} instead of one window sliding behind a high-water mark.
 *
 * <p>Why blocks and not a sliding window: a window forgets everything older than its size, so a copy re-published
 * after more than that many later numbers (a gateway restarted with an old journal, a partition that was down while
 * the others took newer numbers) could not be judged. Blocks are kept, like event ids were, for the dedupe horizon,
 * and only the blocks that changed are written at a commit: a busy producer fills one block every {@value #NUMBERS}
 * numbers, so a commit writes one or two small blocks per producer and task, whatever the history kept.
 *
 * <p>A producer numbers all its usage events and the topic spreads them over its partitions by org, so one task sees
 * a subsequence with gaps: every number the task has not marked is new to it. Mutable; a block read from the store is
 * a copy of its own.
 */
public final class SequenceBlock {

    /** Sequence numbers per block: 128 bytes of bitmap, a multiple of 64. */
    public static final int NUMBERS = 1024;

    private static final byte FORMAT = 1;
    private static final int WORDS = NUMBERS / Long.SIZE;
    /** The stored size: format byte, last-seen time, bitmap. */
    static final int BYTES = 1 + Long.BYTES + WORDS * Long.BYTES;

    private final long[] words;
    private long lastSeenMs;

    /** An empty block: nothing seen. */
    public SequenceBlock() {
        this(new long[WORDS], Long.MIN_VALUE);
    }

    private SequenceBlock(long[] words, long lastSeenMs) {
        this.words = words;
        this.lastSeenMs = lastSeenMs;
    }

    /** The block {@code sequence} belongs to. */
    public static long indexOf(long sequence) {
        return sequence / NUMBERS;
    }

    /**
     * Marks {@code sequence} (which must belong to this block) as seen at {@code seenAtMs}.
     *
     * @return {@code true} when it was not seen before (the event is new), {@code false} for a copy, which leaves the
     *         block unchanged
     */
    public boolean mark(long sequence, long seenAtMs) {
        int bit = (int) (sequence % NUMBERS);
        long mask = 1L << bit;
        if ((words[bit >>> 6] & mask) != 0) {
            return false;
        }
        words[bit >>> 6] |= mask;
        lastSeenMs = Math.max(lastSeenMs, seenAtMs);
        return true;
    }

    /** Whether {@code sequence} (of this block) was seen. */
    public boolean contains(long sequence) {
        int bit = (int) (sequence % NUMBERS);
        return (words[bit >>> 6] & (1L << bit)) != 0;
    }

    /** The record time of the latest event marked, epoch ms ({@link Long#MIN_VALUE} when none): it is stored at it. */
    public long lastSeenMs() {
        return lastSeenMs;
    }

    /** How many numbers of the block were seen. */
    public int count() {
        int count = 0;
        for (long word : words) {
            count += Long.bitCount(word);
        }
        return count;
    }

    /** Adds what {@code other} saw of the same block (two stored versions of a block merge losslessly). */
    public void addAll(SequenceBlock other) {
        for (int i = 0; i < WORDS; i++) {
            words[i] |= other.words[i];
        }
        lastSeenMs = Math.max(lastSeenMs, other.lastSeenMs);
    }

    /**
     * The stored format: byte {@code 0x01} (format version), the last-seen time (8 bytes, big-endian), then the
     * bitmap (16 words of 8 bytes): {@value #BYTES} bytes.
     */
    public static Serde<SequenceBlock> serde() {
        Serializer<SequenceBlock> serializer = (topic, block) -> block == null ? null : block.toBytes();
        Deserializer<SequenceBlock> deserializer = (topic, bytes) -> bytes == null ? null : fromBytes(bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(BYTES);
        out.put(FORMAT).putLong(lastSeenMs);
        for (long word : words) {
            out.putLong(word);
        }
        return out.array();
    }

    static SequenceBlock fromBytes(byte[] bytes) {
        if (bytes.length != BYTES || bytes[0] != FORMAT) {
            throw new SerializationException("not a sequence block (format " + (bytes.length == 0 ? "none" : bytes[0])
                    + ", " + bytes.length + " bytes)");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.get();
        long lastSeenMs = in.getLong();
        long[] words = new long[WORDS];
        for (int i = 0; i < WORDS; i++) {
            words[i] = in.getLong();
        }
        return new SequenceBlock(words, lastSeenMs);
    }
}

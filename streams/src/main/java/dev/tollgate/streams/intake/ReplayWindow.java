package dev.tollgate.streams.intake;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The anti-replay window of one producer in one task, as IPsec keeps one per security association (RFC 4303 §3.4.3):
 * the highest sequence number seen (the high-water mark) and a bitmap of which of the {@link #size()} numbers up to
 * it were seen.
 *
 * <p>Why a bitmap and not "everything below the mark was seen": a producer numbers all its usage events, and the
 * topic spreads them over its partitions by org, so one task sees a subsequence with gaps (about five numbers in six
 * on six partitions), and a re-published or journal-replayed event arrives after later ones. A number above the mark
 * advances it; an unseen number within the window is accepted and marked; a marked number is a copy. A number older
 * than the window cannot be judged from the bitmap: {@link Verdict#BEFORE_WINDOW}, and the caller decides (the usage
 * intake sends it to its event-id dedupe, see {@link EventDeduplicator}).
 *
 * <p>The bitmap is circular: number {@code n} is bit {@code n mod size}. Advancing the mark by {@code d} clears the
 * {@code d} bits it passes (all of them when {@code d >= size}), so it costs no shift of the whole array. Mutable; a
 * window read from the store is a copy of its own.
 */
public final class ReplayWindow {

    /** What one sequence number is to a window. */
    public enum Verdict {
        /** Never seen: accepted, and now marked. */
        NEW,
        /** Seen before: a copy. */
        DUPLICATE,
        /** Older than the window: the window cannot tell, and did not change. */
        BEFORE_WINDOW
    }

    private static final byte FORMAT = 1;
    private static final int HEADER_BYTES = 1 + 8 + 8 + 4;

    private final long[] words;
    private long highWaterMark;
    private long lastSeenMs;

    private ReplayWindow(long[] words, long highWaterMark, long lastSeenMs) {
        this.words = words;
        this.highWaterMark = highWaterMark;
        this.lastSeenMs = lastSeenMs;
    }

    /**
     * A window of {@code size} numbers whose first number is {@code sequence}, seen at {@code seenAtMs}.
     *
     * @throws IllegalArgumentException when {@code size} is not a positive multiple of 64 or the sequence is negative
     */
    public static ReplayWindow startingAt(long sequence, int size, long seenAtMs) {
        checkSize(size);
        if (sequence < 0) {
            throw new IllegalArgumentException("a producer sequence is never negative: " + sequence);
        }
        ReplayWindow window = new ReplayWindow(new long[size / Long.SIZE], sequence, seenAtMs);
        window.mark(sequence);
        return window;
    }

    /** Checks a configured window size: a positive multiple of 64 (one bitmap word), at most 2^20 numbers. */
    public static void checkSize(int size) {
        if (size < Long.SIZE || size % Long.SIZE != 0 || size > 1 << 20) {
            throw new IllegalArgumentException("the replay window must be a multiple of 64 between 64 and 1048576 "
                    + "sequence numbers, not " + size);
        }
    }

    /**
     * Judges {@code sequence} and, when it is {@link Verdict#NEW}, marks it (advancing the mark if it is above it) and
     * records {@code seenAtMs} as when the producer was last seen, if later.
     */
    public Verdict offer(long sequence, long seenAtMs) {
        if (sequence > highWaterMark) {
            advanceTo(sequence);
        } else if (highWaterMark - sequence >= size() || sequence < 0) {
            return Verdict.BEFORE_WINDOW;
        } else if (isMarked(sequence)) {
            return Verdict.DUPLICATE;
        }
        mark(sequence);
        lastSeenMs = Math.max(lastSeenMs, seenAtMs);
        return Verdict.NEW;
    }

    /** The highest number seen. */
    public long highWaterMark() {
        return highWaterMark;
    }

    /** The record time of the latest event accepted, epoch ms: expiry is judged by it. */
    public long lastSeenMs() {
        return lastSeenMs;
    }

    /** How many numbers up to the mark the window remembers. */
    public int size() {
        return words.length * Long.SIZE;
    }

    private void advanceTo(long sequence) {
        long distance = sequence - highWaterMark;
        if (distance >= size()) {
            Arrays.fill(words, 0L);
        } else {
            for (long n = highWaterMark + 1; n < sequence; n++) {
                clear(n);
            }
        }
        highWaterMark = sequence;
    }

    private int bit(long sequence) {
        return (int) (sequence % size());
    }

    private boolean isMarked(long sequence) {
        int bit = bit(sequence);
        return (words[bit >>> 6] & (1L << bit)) != 0;
    }

    private void mark(long sequence) {
        int bit = bit(sequence);
        words[bit >>> 6] |= 1L << bit;
    }

    private void clear(long sequence) {
        int bit = bit(sequence);
        words[bit >>> 6] &= ~(1L << bit);
    }

    /**
     * The stored format: byte {@code 0x01} (format version), the high-water mark and the last-seen time (8 bytes
     * each, big-endian), the number of bitmap words (4 bytes), then the words (8 bytes each). 533 bytes for a window
     * of 4,096. A window keeps the size it was created with, so changing the configured size applies to producers
     * first seen afterwards (every gateway restart makes a new producer).
     */
    public static Serde<ReplayWindow> serde() {
        Serializer<ReplayWindow> serializer = (topic, window) -> window == null ? null : window.toBytes();
        Deserializer<ReplayWindow> deserializer = (topic, bytes) -> bytes == null ? null : fromBytes(bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + words.length * Long.BYTES);
        out.put(FORMAT).putLong(highWaterMark).putLong(lastSeenMs).putInt(words.length);
        for (long word : words) {
            out.putLong(word);
        }
        return out.array();
    }

    static ReplayWindow fromBytes(byte[] bytes) {
        if (bytes.length < HEADER_BYTES || bytes[0] != FORMAT) {
            throw new SerializationException("not a replay window (format " + (bytes.length == 0 ? "none" : bytes[0])
                    + ", " + bytes.length + " bytes)");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.get();
        long highWaterMark = in.getLong();
        long lastSeenMs = in.getLong();
        int count = in.getInt();
        if (count <= 0 || count > (1 << 20) / Long.SIZE || in.remaining() < count * Long.BYTES) {
            throw new SerializationException("a replay window of " + count + " words in " + bytes.length + " bytes");
        }
        long[] words = new long[count];
        for (int i = 0; i < count; i++) {
            words[i] = in.getLong();
        }
        return new ReplayWindow(words, highWaterMark, lastSeenMs);
    }
}

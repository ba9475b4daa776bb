package dev.tollgate.streams.alerts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import dev.tollgate.streams.sketch.BinaryCodec;
import dev.tollgate.streams.sketch.LatencySketch;

/**
 * The last few hours of one subject's usage, a {@link Bucket} per minute that saw any (empty minutes are absent), by
 * the minute's start in epoch ms. Rules measure windows of whole minutes on it against the wall clock: a window of N
 * minutes is the current minute and the N-1 before it, so it spans between N-1 and N minutes of time.
 *
 * <p>Stored in binary ({@link #serde()}): byte {@code 0x01}, the number of minutes, then per minute the gap to the
 * previous minute's start in minutes and the bucket (varints, as in the rollups' format). The store holds one minute
 * per entry, under {@link #storeKey} (see {@code AlertEvaluator} for why); entries of the former layout, a whole
 * series under the subject's key, use the same format.
 */
public final class Series {

    static final long MINUTE_MS = 60_000;
    private static final int FORMAT = 1;
    private static final char SEPARATOR = '\u0000';

    private final NavigableMap<Long, Bucket> minutes;

    private Series(NavigableMap<Long, Bucket> minutes) {
        this.minutes = minutes;
    }

    public static Series empty() {
        return new Series(new TreeMap<>());
    }

    /** Adds {@code bucket} to the minute starting at {@code minuteStartMs}. */
    public void add(long minuteStartMs, Bucket bucket) {
        minutes.merge(minuteStartMs, bucket, (a, b) -> {
            a.merge(b);
            return a;
        });
    }

    /**
     * The store key of one subject's minute: the subject's key, a NUL, and the minute's start in epoch ms. NUL
     * cannot be typed into an id, so a key of the former layout (the subject's key alone) never looks like one.
     */
    static String storeKey(String subjectKey, long minuteStartMs) {
        return subjectKey + SEPARATOR + minuteStartMs;
    }

    /** The subject's key of a store key written by {@link #storeKey}, or {@code null} for a former-layout key. */
    static String subjectOfStoreKey(String storeKey) {
        int at = storeKey.lastIndexOf(SEPARATOR);
        if (at < 0 || at == storeKey.length() - 1) {
            return null;
        }
        for (int i = at + 1; i < storeKey.length(); i++) {
            char c = storeKey.charAt(i);
            if ((c < '0' || c > '9') && !(c == '-' && i == at + 1)) {
                return null;
            }
        }
        return storeKey.substring(0, at);
    }

    /** The series of just the minute starting at {@code minuteStartMs} (sharing its bucket), to store it. */
    Series minute(long minuteStartMs) {
        TreeMap<Long, Bucket> one = new TreeMap<>();
        Bucket bucket = minutes.get(minuteStartMs);
        if (bucket != null) {
            one.put(minuteStartMs, bucket);
        }
        return new Series(one);
    }

    /** Adds every minute of {@code other} to this series. */
    void addAll(Series other) {
        other.minutes.forEach(this::add);
    }

    /** The starts of the minutes held, oldest first. */
    List<Long> minuteStarts() {
        return new ArrayList<>(minutes.keySet());
    }

    /** The starts of the minutes that started before {@code oldestMs}, which {@link #pruneBefore} would drop. */
    List<Long> minutesBefore(long oldestMs) {
        return new ArrayList<>(minutes.headMap(oldestMs, false).keySet());
    }

    /** Drops the minutes that started before {@code oldestMs}; true when none is left. */
    public boolean pruneBefore(long oldestMs) {
        minutes.headMap(oldestMs, false).clear();
        return minutes.isEmpty();
    }

    public boolean isEmpty() {
        return minutes.isEmpty();
    }

    /** The start of the minute {@code timeMs} falls in. */
    static long minuteOf(long timeMs) {
        return Math.floorDiv(timeMs, MINUTE_MS) * MINUTE_MS;
    }

    /** The sums of the window of {@code windowMs} (whole minutes) that ends with the minute of {@code nowMs}. */
    public Window window(long nowMs, long windowMs) {
        long last = minuteOf(nowMs);
        return sum(last - windowMs + MINUTE_MS, last + MINUTE_MS);
    }

    /** The sums of the minutes that start in {@code [fromMs, toMs)}. */
    public Window sum(long fromMs, long toMs) {
        Bucket total = Bucket.empty();
        for (Bucket bucket : minutes.subMap(fromMs, true, toMs, false).values()) {
            total.merge(bucket);
        }
        return new Window(total.requests, total.errors, total.costMicros, total.latency, total.ttft);
    }

    /**
     * What a window counted.
     *
     * @param requests   requests, {@code REJECTED} ones left out
     * @param errors     upstream errors
     * @param costMicros spend
     * @param latency    latencies of successful requests
     * @param ttft       times to first token of successful streamed requests
     */
    public record Window(long requests, long errors, long costMicros, LatencySketch latency, LatencySketch ttft) {
    }

    /** The serde of the series store. */
    public static Serde<Series> serde() {
        return Serdes.serdeFrom((topic, series) -> series == null ? null : series.toBytes(),
                (topic, bytes) -> bytes == null ? null : fromBytes(bytes));
    }

    byte[] toBytes() {
        BinaryCodec.Writer out = new BinaryCodec.Writer(16 + minutes.size() * 512);
        out.writeByte(FORMAT);
        out.writeVarLong(minutes.size());
        long previous = 0;
        for (Map.Entry<Long, Bucket> minute : minutes.entrySet()) {
            out.writeVarLong((minute.getKey() - previous) / MINUTE_MS);
            previous = minute.getKey();
            minute.getValue().writeTo(out);
        }
        return out.toByteArray();
    }

    static Series fromBytes(byte[] bytes) {
        try {
            if (bytes.length == 0 || bytes[0] != FORMAT) {
                throw new SerializationException("not an alert series (format " + (bytes.length == 0 ? "none"
                        : bytes[0]) + ")");
            }
            BinaryCodec.Reader in = new BinaryCodec.Reader(bytes, 1);
            int n = Math.toIntExact(in.readVarLong());
            TreeMap<Long, Bucket> minutes = new TreeMap<>();
            long at = 0;
            for (int i = 0; i < n; i++) {
                at += in.readVarLong() * MINUTE_MS;
                minutes.put(at, Bucket.readFrom(in));
            }
            return new Series(minutes);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new SerializationException("corrupt alert series", e);
        }
    }
}

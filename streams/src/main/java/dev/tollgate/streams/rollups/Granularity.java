package dev.tollgate.streams.rollups;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/** The tumbling window sizes of the rollups, aligned to the epoch (so in UTC: whole minutes, hours and days). */
public enum Granularity {

    MINUTE("1m", Duration.ofMinutes(1)),
    HOUR("1h", Duration.ofHours(1)),
    DAY("1d", Duration.ofDays(1));

    private final String label;
    private final Duration size;

    Granularity(String label, Duration size) {
        this.label = label;
        this.size = size;
    }

    /** The name in the API, in store names and in the rollups topic: {@code 1m}, {@code 1h} or {@code 1d}. */
    public String label() {
        return label;
    }

    /** The window size. */
    public Duration size() {
        return size;
    }

    /** The start of the window that contains {@code timestampMs}. */
    public long windowStart(long timestampMs) {
        return Math.floorDiv(timestampMs, size.toMillis()) * size.toMillis();
    }

    /**
     * Whether the window that contains {@code timestampMs} still takes events when the stream time is
     * {@code streamTimeMs}: as the DSL judges it, until the stream time reaches the window's end plus the grace.
     */
    public boolean isOpen(long timestampMs, long streamTimeMs, Duration grace) {
        return streamTimeMs < windowStart(timestampMs) + size.toMillis() + grace.toMillis();
    }

    /** The granularity labelled {@code label}, if any. */
    public static Optional<Granularity> ofLabel(String label) {
        return Arrays.stream(values()).filter(g -> g.label.equals(label)).findFirst();
    }
}

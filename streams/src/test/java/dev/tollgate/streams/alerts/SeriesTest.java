package dev.tollgate.streams.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import dev.tollgate.streams.usage.UsageEvents;

class SeriesTest {

    private static final long T0 = Instant.parse("2026-12-06T10:00:00Z").toEpochMilli();

    @Test
    void aWindowOfNMinutesIsTheCurrentMinuteAndTheNMinusOneBefore() {
        Series series = Series.empty();
        for (int minute = 0; minute < 6; minute++) {
            series.add(T0 + minute * Series.MINUTE_MS, bucket(minute + 1));
        }

        // At 10:05:30, a 3-minute window holds the minutes 10:03, 10:04 and 10:05.
        Series.Window window = series.window(T0 + 5 * Series.MINUTE_MS + 30_000, 3 * Series.MINUTE_MS);

        assertThat(window.requests()).isEqualTo(4 + 5 + 6);
        assertThat(window.costMicros()).isEqualTo((4 + 5 + 6) * 1500L);
    }

    @Test
    void countsUpstreamErrorsAndLeavesRefusalsOut() {
        Bucket bucket = Bucket.empty();
        bucket.add(UsageEvents.ok("acme", Instant.ofEpochMilli(T0)).build());
        bucket.add(UsageEvents.upstreamError("acme", Instant.ofEpochMilli(T0)).build());
        bucket.add(UsageEvents.ok("acme", Instant.ofEpochMilli(T0))
                .setStatus(dev.tollgate.events.v1.RequestStatus.REJECTED).setCostMicros(0).build());

        assertThat(bucket.requests()).isEqualTo(2);
        assertThat(bucket.errors()).isEqualTo(1);
        assertThat(bucket.latency.totalCount()).as("latency of successful requests only").isEqualTo(1);
    }

    @Test
    void roundTripsThroughItsStoreFormatAndDropsOldMinutes() {
        Series series = Series.empty();
        series.add(T0, bucket(2));
        series.add(T0 + 7 * Series.MINUTE_MS, bucket(3));

        Series read = Series.fromBytes(series.toBytes());

        assertThat(read.sum(T0, T0 + 8 * Series.MINUTE_MS).requests()).isEqualTo(5);
        assertThat(read.sum(T0, T0 + 8 * Series.MINUTE_MS).latency().totalCount()).isEqualTo(5);
        assertThat(read.pruneBefore(T0 + Series.MINUTE_MS)).isFalse();
        assertThat(read.sum(T0, T0 + 8 * Series.MINUTE_MS).requests()).isEqualTo(3);
        assertThat(read.pruneBefore(T0 + 8 * Series.MINUTE_MS)).isTrue();
    }

    @Test
    void rejectsBytesThatAreNotASeries() {
        assertThatThrownBy(() -> Series.fromBytes(new byte[] {9, 1})).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> Series.fromBytes(new byte[] {1, 5})).isInstanceOf(SerializationException.class);
    }

    private static Bucket bucket(int requests) {
        Bucket bucket = Bucket.empty();
        for (int i = 0; i < requests; i++) {
            bucket.add(UsageEvents.ok("acme", Instant.ofEpochMilli(T0)).build());
        }
        return bucket;
    }
}

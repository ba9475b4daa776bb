package dev.tollgate.streams.rollups;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class KeyMinutesTest {

    private static final long T0 = Instant.parse("2026-11-10T10:00:00Z").toEpochMilli();
    private static final int NOT_THE_MINUTE = RollupPartial.ALL & ~(1 << Granularity.MINUTE.ordinal());

    private final KeyMinutes key = new KeyMinutes("org=acme");

    @Test
    void assemblesEachWindowFromTheMinutesThatFallInIt() {
        add(T0 + 10_000, RollupPartial.ALL);
        add(T0 + 50_000, RollupPartial.ALL);
        add(T0 + 65_000, RollupPartial.ALL);
        add(T0 + 3_600_000, RollupPartial.ALL);

        assertThat(key.minutes()).hasSize(3);
        assertThat(requests(key.windows(Granularity.MINUTE))).containsExactly(2L, 1L, 1L);
        List<KeyMinutes.WindowDelta> hours = key.windows(Granularity.HOUR);
        assertThat(hours).extracting(KeyMinutes.WindowDelta::startMs).containsExactly(T0, T0 + 3_600_000);
        assertThat(requests(hours)).containsExactly(3L, 1L);
        assertThat(hours.get(0).latestTimestamp()).isEqualTo(T0 + 65_000);
        List<KeyMinutes.WindowDelta> days = key.windows(Granularity.DAY);
        assertThat(requests(days)).containsExactly(4L);
        assertThat(days.get(0).rollup().latencySketch().totalCount()).isEqualTo(4);
    }

    @Test
    void keepsEventsThatCameAfterTheirMinuteClosedOutOfTheMinuteWindowOnly() {
        add(T0 + 10_000, RollupPartial.ALL);
        add(T0 + 20_000, NOT_THE_MINUTE);
        add(T0 + 30_000, NOT_THE_MINUTE);

        assertThat(key.minutes()).as("one sum per minute and set of open windows").hasSize(2);
        assertThat(requests(key.windows(Granularity.MINUTE))).containsExactly(1L);
        assertThat(requests(key.windows(Granularity.HOUR))).containsExactly(3L);
        assertThat(requests(key.windows(Granularity.DAY))).containsExactly(3L);
    }

    @Test
    void assembledWindowEqualsAddingEveryEventToItOneByOne() {
        Random random = new Random(7);
        List<RollupSample> all = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            RollupSample sample = sample(random);
            all.add(sample);
            key.at(T0 + 60_000L * random.nextInt(60), RollupPartial.ALL).add(sample, T0);
        }

        List<KeyMinutes.WindowDelta> hours = key.windows(Granularity.HOUR);

        assertThat(hours).hasSize(1);
        assertThat(RollupSerde.encode(hours.get(0).rollup())).isEqualTo(RollupSerde.encode(Rollup.empty().addAll(all)));
        assertThat(RollupSerde.encode(key.windows(Granularity.DAY).get(0).rollup()))
                .as("assembling the hour left the minutes it merged unchanged")
                .isEqualTo(RollupSerde.encode(Rollup.empty().addAll(all)));
    }

    @Test
    void keepsTheValueOfTheNewestWrittenWindowOfEachSizeOnly() {
        Rollup older = Rollup.empty().add(sample(new Random(1)));
        Rollup newer = Rollup.empty().add(sample(new Random(2)));

        key.wrote(Granularity.MINUTE, T0 + 60_000, newer);
        key.wrote(Granularity.MINUTE, T0, older); // a late event's minute, written after a newer one
        key.wrote(Granularity.HOUR, T0, older);

        assertThat(key.written(Granularity.MINUTE, T0 + 60_000)).isSameAs(newer);
        assertThat(key.written(Granularity.MINUTE, T0)).as("read back from the store instead").isNull();
        assertThat(key.written(Granularity.HOUR, T0)).isSameAs(older);
        assertThat(key.written(Granularity.DAY, T0)).isNull();
    }

    @Test
    void retiresAKeyOnlyAfterItsKeepingPeriodOfCommitsWithoutAWrite() {
        key.wrote(Granularity.HOUR, T0, Rollup.empty());
        assertThat(key.retire()).as("written in the commit just made").isFalse();
        for (int commit = 1; commit <= KeyMinutes.KEEP_IDLE_COMMITS; commit++) {
            assertThat(key.retire()).as("idle commit %d", commit).isFalse();
        }
        key.wrote(Granularity.HOUR, T0, Rollup.empty());
        assertThat(key.retire()).as("a write starts the count again").isFalse();
        for (int commit = 1; commit <= KeyMinutes.KEEP_IDLE_COMMITS; commit++) {
            key.retire();
        }
        assertThat(key.retire()).isTrue();
    }

    @Test
    void addsToTheMinuteOfTheSameStartAndOpenWindowsWhicheverWasTouchedLast() {
        KeyMinutes.Minute first = key.at(T0, RollupPartial.ALL);
        KeyMinutes.Minute second = key.at(T0 + 60_000, RollupPartial.ALL);

        assertThat(key.at(T0, RollupPartial.ALL)).isSameAs(first);
        assertThat(key.at(T0 + 60_000, RollupPartial.ALL)).isSameAs(second);
        assertThat(key.at(T0, NOT_THE_MINUTE)).isNotSameAs(first);
        key.clearMinutes();
        assertThat(key.idle()).isTrue();
        assertThat(key.at(T0, RollupPartial.ALL)).as("a new minute after the commit").isNotSameAs(first);
    }

    private void add(long timestamp, int openWindows) {
        key.at(Granularity.MINUTE.windowStart(timestamp), openWindows).add(sample(new Random(timestamp)), timestamp);
    }

    private static RollupSample sample(Random random) {
        boolean ok = random.nextInt(10) > 0;
        return new RollupSample("acme", "m", "k", null, "e", ok ? "OK" : "UPSTREAM_ERROR", ok ? 200 : 502,
                random.nextInt(1_000), random.nextInt(500), random.nextInt(9_000), 1 + random.nextInt(30_000),
                random.nextBoolean() ? (long) random.nextInt(900) : null);
    }

    private static List<Long> requests(List<KeyMinutes.WindowDelta> windows) {
        return windows.stream().map(window -> window.rollup().requests()).toList();
    }
}

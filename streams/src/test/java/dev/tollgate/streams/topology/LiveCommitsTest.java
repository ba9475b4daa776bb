package dev.tollgate.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class LiveCommitsTest {

    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    /** A processor that only tells the cadence of its records; a null value stands for "live by nature". */
    private static final class Telling implements Processor<String, String, Void, Void> {
        LiveCommits cadence;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            cadence = LiveCommits.schedule(context);
        }

        @Override
        public void process(Record<String, String> record) {
            if (record.value() == null) {
                cadence.sawLive();
            } else {
                cadence.saw(record.timestamp());
            }
        }
    }

    private static MockProcessorContext<Void, Void> context(Map<String, Object> config) {
        Properties props = new Properties();
        props.putAll(config);
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>(props);
        context.setCurrentSystemTimeMs(NOW.toEpochMilli());
        return context;
    }

    private static Telling started(MockProcessorContext<Void, Void> context) {
        Telling processor = new Telling();
        processor.init(context);
        return processor;
    }

    private static void tick(MockProcessorContext<Void, Void> context) {
        context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(NOW.toEpochMilli()));
    }

    @Test
    void asksForACommitAtTheNextTickAfterALiveRecord() {
        MockProcessorContext<Void, Void> context = context(Map.of());
        Telling processor = started(context);

        processor.process(new Record<>("org", "usage", NOW.minusMillis(300).toEpochMilli()));
        tick(context);

        assertThat(context.scheduledPunctuators()).singleElement()
                .satisfies(p -> assertThat(p.getInterval()).isEqualTo(Duration.ofMillis(100)));
        assertThat(context.committed()).isTrue();
    }

    @Test
    void leavesABacklogToTheCommitInterval() {
        MockProcessorContext<Void, Void> context = context(Map.of());
        Telling processor = started(context);

        processor.process(new Record<>("org", "usage", NOW.minus(Duration.ofMinutes(30)).toEpochMilli()));
        processor.process(new Record<>("org", "usage", NOW.minusMillis(2_001).toEpochMilli()));
        tick(context);

        assertThat(context.committed()).isFalse();
    }

    @Test
    void asksOncePerTickAndNotAgainWithoutNewLiveInput() {
        MockProcessorContext<Void, Void> context = context(Map.of());
        Telling processor = started(context);
        processor.process(new Record<>("org", "usage", NOW.toEpochMilli()));
        tick(context);
        context.resetCommit();

        tick(context);

        assertThat(context.committed()).isFalse();
    }

    @Test
    void asksNoSoonerThanAnIntervalAfterTheThreadCommittedForAnotherTask() {
        MockProcessorContext<Void, Void> context = context(Map.of());
        Telling processor = started(context);
        processor.process(new Record<>("org", "usage", NOW.toEpochMilli()));
        processor.cadence.committed(); // another task asked, and the thread committed every task, this one too
        processor.process(new Record<>("org", "usage", NOW.toEpochMilli()));

        context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(NOW.plusMillis(60).toEpochMilli()));
        assertThat(context.committed()).as("60 ms after that commit").isFalse();

        context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(NOW.plusMillis(100).toEpochMilli()));
        assertThat(context.committed()).as("an interval after it").isTrue();
    }

    @Test
    void forgetsWhatACommitCoveredUntilTheNextLiveRecord() {
        MockProcessorContext<Void, Void> context = context(Map.of());
        Telling processor = started(context);
        processor.process(new Record<>("org", "usage", NOW.toEpochMilli()));
        processor.cadence.committed();

        context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(NOW.plusSeconds(1).toEpochMilli()));

        assertThat(context.committed()).isFalse();
    }

    @Test
    void treatsARecordLiveByNatureAsLiveWhateverItsTimestamp() {
        MockProcessorContext<Void, Void> context = context(Map.of());
        Telling processor = started(context);

        processor.process(new Record<>("budget", null, 0L)); // a lease request's extracted timestamp
        tick(context);

        assertThat(context.committed()).isTrue();
    }

    @Test
    void followsTheConfiguredIntervalAndLag() {
        MockProcessorContext<Void, Void> context = context(Map.of(LiveCommits.INTERVAL_CONFIG, "250",
                LiveCommits.MAX_LAG_CONFIG, "60000"));
        Telling processor = started(context);

        processor.process(new Record<>("org", "usage", NOW.minusSeconds(59).toEpochMilli()));
        tick(context);

        assertThat(context.scheduledPunctuators()).singleElement()
                .satisfies(p -> assertThat(p.getInterval()).isEqualTo(Duration.ofMillis(250)));
        assertThat(context.committed()).isTrue();
    }

    @Test
    void schedulesNothingWhenTheLiveCadenceIsOff() {
        MockProcessorContext<Void, Void> context = context(Map.of(LiveCommits.INTERVAL_CONFIG, "0"));

        started(context);

        assertThat(context.scheduledPunctuators()).isEmpty();
    }

    @Test
    void refusesSettingsThatAreNotMilliseconds() {
        assertThatThrownBy(() -> LiveCommits.Settings.from(Map.of(LiveCommits.INTERVAL_CONFIG, "100ms")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(LiveCommits.INTERVAL_CONFIG)
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> LiveCommits.Settings.from(Map.of(LiveCommits.MAX_LAG_CONFIG, "-5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> LiveCommits.Settings.from(Map.of(LiveCommits.MAX_LAG_CONFIG, "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no record would ever count as live");
        assertThat(LiveCommits.Settings.from(Map.of())).isEqualTo(new LiveCommits.Settings(100, 2_000));
    }
}

package dev.tollgate.streams.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.serde.InMemoryRegistry;
import dev.tollgate.streams.serde.TestSerdes;
import dev.tollgate.streams.topology.StreamsApplication;
import dev.tollgate.streams.usage.UsageEvents;

/**
 * The usage intake's dedupe on {@code TopologyTestDriver}: stamped events through the producers' replay windows,
 * unstamped ones and the stragglers the windows cannot judge through the event-id store.
 */
class EventDeduplicatorTest {

    private static final String OUT = "deduplicated-event-ids";
    private static final Duration HORIZON = Duration.ofHours(1);
    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    private static final String WINDOWS_CHANGELOG = StreamsApplication.changelogTopic(UsageIntake.WINDOWS_STORE);

    @TempDir
    Path stateDir;
    @TempDir
    Path otherStateDir;

    private final InMemoryRegistry registry = new InMemoryRegistry();
    private final List<TopologyTestDriver> drivers = new ArrayList<>();
    private TopologyTestDriver driver;
    private TestInputTopic<String, UsageEvent> usage;
    private TestOutputTopic<String, String> counted;

    @AfterEach
    void stop() {
        drivers.forEach(TopologyTestDriver::close);
    }

    private void start(int replayWindow, Path state) {
        StreamsBuilder builder = new StreamsBuilder();
        UsageIntake.build(builder, HORIZON, replayWindow, () -> TestSerdes.deserializer(registry))
                .mapValues(UsageEvent::getEventId, Named.as("test-event-ids"))
                .to(OUT, Produced.with(Serdes.String(), Serdes.String()).withName("test-sink"));
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, StreamsApplication.APPLICATION_ID);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(builder.build(), config);
        drivers.add(driver);
        usage = driver.createInputTopic(Topics.USAGE, new StringSerializer(), TestSerdes.serializer(registry));
        counted = driver.createOutputTopic(OUT, new StringDeserializer(), new StringDeserializer());
    }

    private void start() {
        start(UsageIntake.DEFAULT_REPLAY_WINDOW, stateDir);
    }

    @Test
    void countsAStampedEventDeliveredTwiceOnce() {
        start();
        UsageEvent event = stamped("gw-a", 1, T0);

        send(event);
        usage.pipeInput("acme", event, T0.plusSeconds(30)); // a re-publish: new record time, same stamp

        assertThat(counted.readValuesToList()).containsExactly(event.getEventId());
    }

    @Test
    void dropsACopyRepublishedAfterManyLaterEventsOfItsProducer() {
        start();
        UsageEvent early = stamped("gw-a", 7, T0);
        send(early);
        // This partition's share of the producer's numbers: one in six, as with six partitions.
        for (int i = 1; i <= 600; i++) {
            send(stamped("gw-a", 7 + 6L * i, T0.plusMillis(i)));
        }

        usage.pipeInput("acme", early, T0.plusSeconds(60));

        assertThat(counted.readValuesToList()).hasSize(601).doesNotHaveDuplicates();
    }

    @Test
    void acceptsNumbersWithGapsAndOutOfOrder() {
        start();
        List<UsageEvent> events = List.of(stamped("gw-a", 10, T0), stamped("gw-a", 16, T0),
                stamped("gw-a", 13, T0), stamped("gw-a", 400, T0), stamped("gw-a", 11, T0));

        events.forEach(this::send);

        assertThat(counted.readValuesToList()).hasSize(5);
    }

    @Test
    void keepsTheWindowsOfTwoProducersApart() {
        start();
        UsageEvent fromA = stamped("gw-a", 5, T0);
        UsageEvent fromB = stamped("gw-b", 5, T0);

        send(fromA);
        send(fromB);
        send(fromA);
        send(fromB);

        assertThat(counted.readValuesToList()).containsExactly(fromA.getEventId(), fromB.getEventId());
        KeyValueStore<String, ReplayWindow> windows = driver.getKeyValueStore(UsageIntake.WINDOWS_STORE);
        assertThat(windows.get("gw-a").highWaterMark()).isEqualTo(5);
        assertThat(windows.get("gw-b").highWaterMark()).isEqualTo(5);
    }

    @Test
    void writesNoEventIdForAStampedEventTheWindowJudged() {
        start();
        UsageEvent event = stamped("gw-a", 1, T0);

        send(event);

        WindowStore<String, Long> ids = driver.getWindowStore(UsageIntake.DEDUPE_STORE);
        assertThat(ids.fetch(event.getEventId(), T0.toEpochMilli())).isNull();
    }

    @Test
    void countsAStragglerOlderThanTheWindowOnceThroughTheEventIdDedupe() {
        start(64, stateDir);
        send(stamped("gw-a", 1_000, T0));
        UsageEvent straggler = stamped("gw-a", 10, T0.plusMillis(1));

        send(straggler);
        usage.pipeInput("acme", straggler, T0.plusSeconds(5));

        assertThat(counted.readValuesToList()).hasSize(2).contains(straggler.getEventId());
        WindowStore<String, Long> ids = driver.getWindowStore(UsageIntake.DEDUPE_STORE);
        assertThat(ids.fetch(straggler.getEventId(), straggler.getCompletedAt().toEpochMilli())).isNotNull();
    }

    @Test
    void stillDedupesEventsWithoutAStampByTheirId() {
        start();
        UsageEvent unstamped = UsageEvents.ok("acme", T0).build();
        UsageEvent onlyAnId = UsageEvents.ok("acme", T0).setProducerId("gw-a").build(); // no sequence: no stamp

        send(unstamped);
        send(unstamped);
        send(onlyAnId);
        send(onlyAnId);

        assertThat(counted.readValuesToList()).containsExactly(unstamped.getEventId(), onlyAnId.getEventId());
        KeyValueStore<String, ReplayWindow> windows = driver.getKeyValueStore(UsageIntake.WINDOWS_STORE);
        assertThat(windows.get("gw-a")).isNull();
    }

    @Test
    void aRestoredWindowStillRecognisesCopiesOfWhatItAccepted() {
        start();
        UsageEvent event = stamped("gw-a", 42, T0);
        send(event);
        send(stamped("gw-a", 48, T0.plusMillis(1)));
        List<TestRecord<String, byte[]>> changelog = driver.createOutputTopic(WINDOWS_CHANGELOG,
                new StringDeserializer(), new ByteArrayDeserializer()).readRecordsToList();

        // Another instance takes the task over: its store is rebuilt from the changelog, as Kafka Streams restores it.
        start(UsageIntake.DEFAULT_REPLAY_WINDOW, otherStateDir);
        KeyValueStore<String, ReplayWindow> windows = driver.getKeyValueStore(UsageIntake.WINDOWS_STORE);
        changelog.forEach(r -> windows.put(r.key(), ReplayWindow.serde().deserializer().deserialize(WINDOWS_CHANGELOG,
                r.value())));
        usage.pipeInput("acme", event, T0.plusSeconds(10));
        send(stamped("gw-a", 45, T0.plusSeconds(10)));

        assertThat(changelog).isNotEmpty().allSatisfy(r -> assertThat(r.key()).isEqualTo("gw-a"));
        assertThat(counted.readValuesToList()).as("only the new number 45").hasSize(1);
    }

    @Test
    void forgetsAProducerNotSeenForTheHorizon() {
        start();
        send(stamped("gw-old", 1, T0));
        send(stamped("gw-new", 1, T0.plus(HORIZON).minusSeconds(30)));
        KeyValueStore<String, ReplayWindow> windows = driver.getKeyValueStore(UsageIntake.WINDOWS_STORE);
        assertThat(windows.get("gw-old")).as("idle for less than the horizon").isNotNull();

        send(stamped("gw-new", 2, T0.plus(HORIZON).plus(EventDeduplicator.EXPIRY_INTERVAL.multipliedBy(2))));

        assertThat(windows.get("gw-old")).isNull();
        assertThat(windows.get("gw-new")).isNotNull();
    }

    private static UsageEvent stamped(String producer, long sequence, Instant completedAt) {
        return UsageEvents.ok("acme", completedAt).setProducerId(producer).setProducerSequence(sequence).build();
    }

    private void send(UsageEvent event) {
        usage.pipeInput(event.getOrgId(), event, event.getCompletedAt());
    }
}

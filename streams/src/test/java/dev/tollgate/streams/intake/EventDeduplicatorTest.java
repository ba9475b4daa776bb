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
    void dropsACopyHundredThousandNumbersLateWithTheDefaultWindow() {
        start();
        UsageEvent early = stamped("gw-a", 7, T0);
        send(early);
        // The producer's other partitions took the numbers in between; this one saw a few of them, then the copy.
        send(stamped("gw-a", 40_007, T0.plusSeconds(40)));
        send(stamped("gw-a", 70_007, T0.plusSeconds(70)));
        send(stamped("gw-a", 100_007, T0.plusSeconds(100)));

        usage.pipeInput("acme", early, T0.plusSeconds(101));

        assertThat(counted.readValuesToList()).hasSize(4).doesNotHaveDuplicates();
        WindowStore<String, Long> ids = driver.getWindowStore(UsageIntake.DEDUPE_STORE);
        assertThat(ids.fetch(early.getEventId(), T0.toEpochMilli())).as("judged by the window, not by id").isNull();
    }

    @Test
    void countsAgainACopyLaterThanItsWindowBecauseTheEventIdStoreNeverSawTheOriginal() {
        start(64, stateDir);
        UsageEvent early = stamped("gw-a", 1, T0);
        UsageEvent later = stamped("gw-a", 1_000, T0.plusMillis(1));
        send(early);
        send(later);

        usage.pipeInput("acme", early, T0.plusSeconds(5));

        // The documented gap (docs/streams.md): a copy older than the window goes to the event-id dedupe, which
        // never saw the original the window accepted, so it is counted a second time.
        assertThat(counted.readValuesToList()).containsExactly(early.getEventId(), later.getEventId(),
                early.getEventId());
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
    void writesTheChangedWindowToItsStoreAndChangelogAtEachCommitAndAnUnchangedOneNot() {
        start();
        TestOutputTopic<String, byte[]> changelog = driver.createOutputTopic(WINDOWS_CHANGELOG,
                new StringDeserializer(), new ByteArrayDeserializer());
        UsageEvent first = stamped("gw-a", 5, T0);

        send(first); // the driver commits after every record
        send(stamped("gw-a", 9, T0.plusMillis(1)));
        send(first); // a copy: the window does not change, so nothing is written

        KeyValueStore<String, ReplayWindow> windows = driver.getKeyValueStore(UsageIntake.WINDOWS_STORE);
        ReplayWindow stored = windows.get("gw-a");
        assertThat(stored.highWaterMark()).isEqualTo(9);
        assertThat(stored.size()).isEqualTo(UsageIntake.DEFAULT_REPLAY_WINDOW);
        assertThat(stored.offer(5, 0)).as("the stored window knows 5").isEqualTo(ReplayWindow.Verdict.DUPLICATE);
        assertThat(stored.offer(7, 0)).isEqualTo(ReplayWindow.Verdict.NEW);
        List<TestRecord<String, byte[]>> written = changelog.readRecordsToList();
        assertThat(written).as("one record per commit that changed the window").hasSize(2)
                .allSatisfy(r -> assertThat(r.value()).hasSize(UsageIntake.DEFAULT_REPLAY_WINDOW / 8 + 21));
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
    void stillDropsACopyOfAProducerIdleForSomeMinutesWhoseWindowLeftMemory() {
        start();
        UsageEvent event = stamped("gw-a", 5, T0);
        send(event);
        // Another producer moves stream time on: two expiry runs, after which gw-a's window is read from the store.
        send(stamped("gw-b", 1, T0.plus(EventDeduplicator.EXPIRY_INTERVAL.multipliedBy(2))));
        send(stamped("gw-b", 2, T0.plus(EventDeduplicator.EXPIRY_INTERVAL.multipliedBy(4))));

        usage.pipeInput("acme", event, T0.plus(EventDeduplicator.EXPIRY_INTERVAL.multipliedBy(4)));
        send(stamped("gw-a", 6, T0.plus(EventDeduplicator.EXPIRY_INTERVAL.multipliedBy(4))));

        assertThat(counted.readValuesToList()).as("5, gw-b's two, and 6").hasSize(4).doesNotHaveDuplicates();
        KeyValueStore<String, ReplayWindow> windows = driver.getKeyValueStore(UsageIntake.WINDOWS_STORE);
        assertThat(windows.get("gw-a").highWaterMark()).isEqualTo(6);
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

package dev.tollgate.streams.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
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
 * The usage intake's dedupe on {@code TopologyTestDriver}: stamped events through the producers' sequence blocks,
 * unstamped ones through the event-id store.
 */
class EventDeduplicatorTest {

    private static final String OUT = "deduplicated-event-ids";
    private static final Duration HORIZON = Duration.ofHours(1);
    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    private static final String BLOCKS_CHANGELOG = StreamsApplication.changelogTopic(UsageIntake.SEQUENCES_STORE);

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

    private void start(Path state) {
        StreamsBuilder builder = new StreamsBuilder();
        UsageIntake.build(builder, HORIZON, () -> TestSerdes.deserializer(registry))
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
        start(stateDir);
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
    void dropsACopyTenMillionNumbersLateWithinTheHorizon() {
        start();
        UsageEvent early = stamped("gw-a", 7, T0);
        send(early);
        // The producer's other partitions took the numbers in between; this one saw a few of them, then the copy.
        send(stamped("gw-a", 4_000_007, T0.plusSeconds(400)));
        send(stamped("gw-a", 7_000_007, T0.plusSeconds(700)));
        send(stamped("gw-a", 10_000_007, T0.plusSeconds(1_000)));

        usage.pipeInput("acme", early, T0.plusSeconds(1_001));

        assertThat(counted.readValuesToList()).hasSize(4).doesNotHaveDuplicates();
        WindowStore<String, Long> ids = driver.getWindowStore(UsageIntake.DEDUPE_STORE);
        assertThat(ids.fetch(early.getEventId(), T0.toEpochMilli())).as("judged by its block, not by id").isNull();
    }

    @Test
    void dropsACopyArrivingJustUnderTheHorizonLaterAfterItsBlockLeftMemory() {
        start();
        UsageEvent early = stamped("gw-a", 3, T0);
        send(early);
        // Stream time moves on with another producer: the expiry runs drop gw-a's block from memory.
        for (int minute = 1; minute < HORIZON.toMinutes() - 1; minute += 5) {
            send(stamped("gw-b", minute, T0.plus(Duration.ofMinutes(minute))));
        }

        usage.pipeInput("acme", early, T0.plus(HORIZON).minusSeconds(60));

        assertThat(counted.readValuesToList()).doesNotHaveDuplicates().contains(early.getEventId());
    }

    @Test
    void countsAgainACopyArrivingLaterThanTheHorizon() {
        start();
        UsageEvent early = stamped("gw-a", 3, T0);
        send(early);
        send(stamped("gw-b", 1, T0.plus(HORIZON.multipliedBy(2))));

        usage.pipeInput("acme", early, T0.plus(HORIZON.multipliedBy(2)).plusSeconds(1));

        // As with event ids: what is older than the horizon is forgotten, so a copy that late is counted again.
        assertThat(counted.readValuesToList()).filteredOn(early.getEventId()::equals).hasSize(2);
    }

    @Test
    void acceptsNumbersWithGapsOutOfOrderAndOnBothSidesOfABlockBoundary() {
        start();
        long last = SequenceBlock.NUMBERS - 1;
        List<UsageEvent> events = List.of(stamped("gw-a", 10, T0), stamped("gw-a", 16, T0),
                stamped("gw-a", 13, T0), stamped("gw-a", 400, T0), stamped("gw-a", 11, T0),
                stamped("gw-a", last + 1, T0), stamped("gw-a", last, T0));

        events.forEach(this::send);
        events.forEach(this::send);

        assertThat(counted.readValuesToList()).hasSize(7).doesNotHaveDuplicates();
        assertThat(storedBlock("gw-a", 0).count()).isEqualTo(6);
        assertThat(storedBlock("gw-a", 1).count()).isEqualTo(1);
    }

    @Test
    void keepsTheNumbersOfTwoProducersApart() {
        start();
        UsageEvent fromA = stamped("gw-a", 5, T0);
        UsageEvent fromB = stamped("gw-b", 5, T0);

        send(fromA);
        send(fromB);
        send(fromA);
        send(fromB);

        assertThat(counted.readValuesToList()).containsExactly(fromA.getEventId(), fromB.getEventId());
        assertThat(storedBlock("gw-a", 0).contains(5)).isTrue();
        assertThat(storedBlock("gw-b", 0).contains(5)).isTrue();
    }

    @Test
    void writesTheChangedBlockAtEachCommitAndAnUnchangedOneNot() {
        start();
        TestOutputTopic<byte[], byte[]> changelog = driver.createOutputTopic(BLOCKS_CHANGELOG,
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        UsageEvent first = stamped("gw-a", 5, T0);

        send(first); // the driver commits after every record
        send(stamped("gw-a", 9, T0.plusMillis(1)));
        send(first); // a copy: the block does not change, so nothing is written

        SequenceBlock stored = storedBlock("gw-a", 0);
        assertThat(stored.contains(5)).isTrue();
        assertThat(stored.contains(9)).isTrue();
        assertThat(stored.contains(7)).isFalse();
        List<TestRecord<byte[], byte[]>> written = changelog.readRecordsToList();
        assertThat(written).as("one record per commit that changed the block").hasSize(2)
                .allSatisfy(r -> assertThat(r.value()).hasSize(SequenceBlock.BYTES));
    }

    @Test
    void movesABlockToTheMinuteOfItsLatestEvent() {
        start();
        String key = "gw-a/0";
        send(stamped("gw-a", 5, T0));
        send(stamped("gw-a", 6, T0.plusSeconds(150)));

        WindowStore<String, SequenceBlock> blocks = driver.getWindowStore(UsageIntake.SEQUENCES_STORE);
        assertThat(blocks.fetch(key, T0.toEpochMilli())).as("deleted at its first minute").isNull();
        SequenceBlock moved = blocks.fetch(key, T0.plusSeconds(120).toEpochMilli());
        assertThat(moved).isNotNull();
        assertThat(moved.count()).isEqualTo(2);
    }

    @Test
    void writesNoEventIdForAStampedEvent() {
        start();
        UsageEvent event = stamped("gw-a", 1, T0);

        send(event);

        WindowStore<String, Long> ids = driver.getWindowStore(UsageIntake.DEDUPE_STORE);
        assertThat(ids.fetch(event.getEventId(), T0.toEpochMilli())).isNull();
    }

    @Test
    void stillDedupesEventsWithoutAStampByTheirId() {
        start();
        UsageEvent unstamped = UsageEvents.ok("acme", T0).build();
        UsageEvent onlyAnId = UsageEvents.ok("acme", T0).setProducerId("gw-a").build(); // no sequence: no stamp
        UsageEvent negative = UsageEvents.ok("acme", T0).setProducerId("gw-a").setProducerSequence(-1L).build();

        for (UsageEvent event : List.of(unstamped, unstamped, onlyAnId, onlyAnId, negative, negative)) {
            send(event);
        }

        assertThat(counted.readValuesToList()).containsExactly(unstamped.getEventId(), onlyAnId.getEventId(),
                negative.getEventId());
        WindowStore<String, SequenceBlock> blocks = driver.getWindowStore(UsageIntake.SEQUENCES_STORE);
        try (var all = blocks.all()) {
            assertThat(all.hasNext()).isFalse();
        }
    }

    @Test
    void aRestoredBlockStillRecognisesCopiesOfWhatItAccepted() {
        start();
        UsageEvent event = stamped("gw-a", 42, T0);
        send(event);
        send(stamped("gw-a", 48, T0.plusSeconds(90)));
        List<TestRecord<byte[], byte[]>> changelog = driver.createOutputTopic(BLOCKS_CHANGELOG,
                new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList();

        // Another instance takes the task over: its store is rebuilt from the changelog, as Kafka Streams restores it.
        start(otherStateDir);
        WindowStore<String, SequenceBlock> blocks = driver.getWindowStore(UsageIntake.SEQUENCES_STORE);
        changelog.forEach(r -> restore(blocks, r));
        usage.pipeInput("acme", event, T0.plusSeconds(100));
        send(stamped("gw-a", 45, T0.plusSeconds(100)));

        assertThat(changelog).as("written, moved (a delete and a write)").hasSize(3);
        assertThat(counted.readValuesToList()).as("only the new number 45").hasSize(1);
    }

    @Test
    void forgetsBlocksOlderThanTheHorizon() {
        start();
        send(stamped("gw-old", 1, T0));
        send(stamped("gw-new", 1, T0.plus(HORIZON).minusSeconds(30)));
        assertThat(storedBlock("gw-old", 0)).as("younger than the horizon").isNotNull();

        send(stamped("gw-new", 2, T0.plus(HORIZON.multipliedBy(2))));

        assertThat(storedBlock("gw-old", 0)).isNull();
        assertThat(storedBlock("gw-new", 0)).isNotNull();
    }

    private SequenceBlock storedBlock(String producer, long index) {
        WindowStore<String, SequenceBlock> blocks = driver.getWindowStore(UsageIntake.SEQUENCES_STORE);
        SequenceBlock found = null;
        try (WindowStoreIterator<SequenceBlock> versions = blocks.fetch(producer + "/" + index, 0L, Long.MAX_VALUE)) {
            while (versions.hasNext()) {
                assertThat(found).as("one stored version of a block").isNull();
                found = versions.next().value;
            }
        }
        return found;
    }

    /** Applies one changelog record of the window store: key bytes, then the window start and a sequence number. */
    private static void restore(WindowStore<String, SequenceBlock> blocks, TestRecord<byte[], byte[]> record) {
        byte[] key = record.key();
        String producerBlock = new String(Arrays.copyOf(key, key.length - 12), StandardCharsets.UTF_8);
        long windowStart = ByteBuffer.wrap(key, key.length - 12, 8).getLong();
        SequenceBlock value = record.value() == null ? null
                : SequenceBlock.serde().deserializer().deserialize(BLOCKS_CHANGELOG, record.value());
        blocks.put(producerBlock, value, windowStart);
    }

    private static UsageEvent stamped(String producer, long sequence, Instant completedAt) {
        return UsageEvents.ok("acme", completedAt).setProducerId(producer).setProducerSequence(sequence).build();
    }

    private void send(UsageEvent event) {
        usage.pipeInput(event.getOrgId(), event, event.getCompletedAt());
    }
}

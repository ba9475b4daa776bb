package dev.tollgate.streams.usage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.topology.StreamsApplication;
import dev.tollgate.schemas.DeadLetterHeaders;
import dev.tollgate.streams.deadletter.DeadLetterReason;
import dev.tollgate.streams.serde.InMemoryRegistry;
import dev.tollgate.streams.serde.RegistryUnavailableException;
import dev.tollgate.streams.serde.TestSerdes;
import dev.tollgate.streams.intake.UsageIntake;

class UsageTotalsTopologyTest {

    private static final Duration HORIZON = Duration.ofHours(1);
    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    /** Past the clock skew {@link UsageEventRules#CLOCK_SKEW} allows after a record timestamp of {@link #T0}. */
    private static final Instant SIX_MINUTES_LATER = T0.plus(Duration.ofMinutes(6));

    @TempDir
    Path stateDir;

    private final InMemoryRegistry registry = new InMemoryRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, UsageEvent> usage;
    private TestInputTopic<String, byte[]> rawUsage;
    private TestOutputTopic<String, byte[]> deadLetters;
    private KeyValueStore<String, OrgUsageTotals> totals;

    @BeforeEach
    void startTopology() {
        start(() -> TestSerdes.deserializer(registry));
    }

    private void start(Supplier<Deserializer<UsageEvent>> deserializers) {
        StreamsBuilder builder = new StreamsBuilder();
        UsageTotalsTopology.contribute(UsageIntake.build(builder, HORIZON, deserializers));
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, StreamsApplication.APPLICATION_ID);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(builder.build(), config);
        usage = driver.createInputTopic(Topics.USAGE, new StringSerializer(), TestSerdes.serializer(registry));
        rawUsage = driver.createInputTopic(Topics.USAGE, new StringSerializer(), new ByteArraySerializer());
        deadLetters = driver.createOutputTopic(Topics.USAGE_DLQ, new StringDeserializer(),
                new ByteArrayDeserializer());
        totals = driver.getKeyValueStore(UsageTotalsTopology.TOTALS_STORE);
    }

    @AfterEach
    void stopTopology() {
        driver.close();
    }

    @Test
    void keepsRunningTotalsPerOrg() {
        send(UsageEvents.ok("acme", T0).build());
        send(UsageEvents.ok("acme", T0.plusSeconds(5)).setPromptTokens(50).setCompletionTokens(10)
                .setTotalTokens(60).setCostMicros(700).build());
        send(UsageEvents.upstreamError("acme", T0.plusSeconds(3)).build());
        send(UsageEvents.ok("globex", T0.plusSeconds(1)).build());

        assertThat(totals.get("acme")).isEqualTo(new OrgUsageTotals(3, 1, 150, 30, 180, 2_200,
                T0.plusSeconds(5).toEpochMilli()));
        assertThat(totals.get("globex")).isEqualTo(new OrgUsageTotals(1, 0, 100, 20, 120, 1_500,
                T0.plusSeconds(1).toEpochMilli()));
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void countsADuplicateEventOnce() {
        UsageEvent event = UsageEvents.ok("acme", T0).build();
        send(event);
        send(event);
        usage.pipeInput("acme", event, T0.plusSeconds(30));

        assertThat(totals.get("acme").requests()).isEqualTo(1);
        assertThat(totals.get("acme").costMicros()).isEqualTo(1_500);
    }

    @Test
    void dropsACopyWithAnEarlierTimestampWithinTheHorizon() {
        UsageEvent event = UsageEvents.ok("acme", T0).build();
        usage.pipeInput("acme", event, T0.plus(Duration.ofMinutes(30)));
        usage.pipeInput("acme", event, T0);

        assertThat(totals.get("acme").requests()).isEqualTo(1);
    }

    @Test
    void dropsACopyRepublishedLaterThanTheHorizonWhileItsEventIsStillRemembered() {
        UsageEvent event = UsageEvents.ok("acme", T0).build();
        usage.pipeInput("acme", event, T0);
        // A gateway re-publish stamps a new record time; the copy is found by event id and completed_at.
        usage.pipeInput("acme", event, T0.plus(HORIZON).plusSeconds(1));

        assertThat(totals.get("acme").requests()).isEqualTo(1);
    }

    @Test
    void countsACopyAgainOnceLaterEventsHaveMovedStreamTimePastTheHorizon() {
        UsageEvent event = UsageEvents.ok("acme", T0).build();
        usage.pipeInput("acme", event, T0);
        send(UsageEvents.ok("acme", T0.plus(HORIZON.multipliedBy(3))).build());
        usage.pipeInput("acme", event, T0.plus(HORIZON.multipliedBy(3)));

        assertThat(totals.get("acme").requests()).isEqualTo(3);
    }

    @Test
    void countsTheSameEventIdWithAnotherCompletionTimeAsAnotherEvent() {
        UsageEvent event = UsageEvents.ok("acme", T0).build();
        send(event);
        send(UsageEvent.newBuilder(event).setCompletedAt(T0.plusSeconds(1)).build());

        assertThat(totals.get("acme").requests()).isEqualTo(2);
    }

    @Test
    void forgetsEventIdsOnceStreamTimeHasPassedTheHorizon() {
        UsageEvent old = UsageEvents.ok("acme", T0).build();
        usage.pipeInput("acme", old, T0);
        WindowStore<String, Long> seen = driver.getWindowStore(UsageIntake.DEDUPE_STORE);
        assertThat(idsRemembered(seen, old.getEventId())).isEqualTo(1);

        send(UsageEvents.ok("acme", T0.plus(HORIZON.multipliedBy(3))).build());

        assertThat(idsRemembered(seen, old.getEventId())).isZero();
    }

    private static int idsRemembered(WindowStore<String, Long> seen, String eventId) {
        int count = 0;
        try (WindowStoreIterator<Long> copies = seen.fetch(eventId, Instant.EPOCH, T0.plus(Duration.ofDays(1)))) {
            while (copies.hasNext()) {
                copies.next();
                count++;
            }
        }
        return count;
    }

    @Test
    void deadLettersUndecodableBytesWithTheReasonAndTheOriginalRecord() {
        byte[] garbage = "not avro at all".getBytes(UTF_8);
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", "00-abc-def-01".getBytes(UTF_8));
        rawUsage.pipeInput(new TestRecord<>("acme", garbage, headers, T0));

        TestRecord<String, byte[]> letter = deadLetters.readRecord();
        assertThat(letter.key()).isEqualTo("acme");
        assertThat(letter.value()).isEqualTo(garbage);
        assertThat(letter.timestamp()).isEqualTo(T0.toEpochMilli());
        assertThat(header(letter, DeadLetterHeaders.REASON)).isEqualTo(DeadLetterReason.UNDECODABLE.name());
        assertThat(header(letter, DeadLetterHeaders.DETAIL)).isNotBlank();
        assertThat(header(letter, DeadLetterHeaders.EXCEPTION)).isNotBlank();
        assertThat(header(letter, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.USAGE);
        assertThat(header(letter, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(letter, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(header(letter, DeadLetterHeaders.APPLICATION_ID)).isEqualTo(StreamsApplication.APPLICATION_ID);
        assertThat(header(letter, "traceparent")).isEqualTo("00-abc-def-01");
        assertThat(totals.get("acme")).isNull();
    }

    @Test
    void deadLettersARecordWithoutValue() {
        rawUsage.pipeInput("acme", null, T0);

        TestRecord<String, byte[]> letter = deadLetters.readRecord();
        assertThat(letter.value()).isNull();
        assertThat(header(letter, DeadLetterHeaders.REASON)).isEqualTo(DeadLetterReason.MISSING_VALUE.name());
    }

    static Stream<Arguments> impossibleEvents() {
        return Stream.of(
                impossible("negative prompt tokens", b -> b.setPromptTokens(-5), DeadLetterReason.NEGATIVE_TOKENS,
                        "prompt_tokens=-5"),
                impossible("negative completion tokens", b -> b.setCompletionTokens(-1),
                        DeadLetterReason.NEGATIVE_TOKENS, "completion_tokens=-1"),
                impossible("negative total tokens", b -> b.setTotalTokens(-120), DeadLetterReason.NEGATIVE_TOKENS,
                        "total_tokens=-120"),
                impossible("negative cached tokens", b -> b.setCachedTokens(-3), DeadLetterReason.NEGATIVE_TOKENS,
                        "cached_tokens=-3"),
                impossible("negative cost", b -> b.setCostMicros(-1_500), DeadLetterReason.NEGATIVE_COST,
                        "cost_micros=-1500"),
                impossible("blank org id", b -> b.setOrgId(" "), DeadLetterReason.BLANK_ORG_ID, "org_id is blank"),
                impossible("key is another org", b -> b.setOrgId("globex"), DeadLetterReason.KEY_MISMATCH,
                        "record key 'acme' is not org_id 'globex'"),
                impossible("blank event id", b -> b.setEventId(""), DeadLetterReason.BLANK_EVENT_ID,
                        "event_id is blank"),
                impossible("completed before 1970", b -> b.setCompletedAt(Instant.ofEpochMilli(-1)),
                        DeadLetterReason.IMPOSSIBLE_TIME, "completed_at=-1 is before 1970"),
                impossible("completed after it was published", b -> b.setCompletedAt(SIX_MINUTES_LATER),
                        DeadLetterReason.IMPOSSIBLE_TIME, "completed_at=" + SIX_MINUTES_LATER.toEpochMilli()
                                + " is 360000 ms after the record timestamp " + T0.toEpochMilli()));
    }

    private static Arguments impossible(String name, UnaryOperator<UsageEvent.Builder> change,
            DeadLetterReason reason, String detail) {
        return Arguments.of(name, change, reason, detail);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("impossibleEvents")
    void deadLettersAnImpossibleEventWithTheReason(String name, UnaryOperator<UsageEvent.Builder> change,
            DeadLetterReason reason, String detail) {
        UsageEvent event = change.apply(UsageEvents.ok("acme", T0)).build();
        usage.pipeInput("acme", event, T0);

        TestRecord<String, byte[]> letter = deadLetters.readRecord();
        assertThat(letter.key()).isEqualTo("acme");
        assertThat(header(letter, DeadLetterHeaders.REASON)).isEqualTo(reason.name());
        assertThat(header(letter, DeadLetterHeaders.DETAIL)).isEqualTo(detail);
        assertThat(letter.headers().lastHeader(DeadLetterHeaders.EXCEPTION)).isNull();
        assertThat(TestSerdes.deserializer(registry).deserialize(Topics.USAGE, letter.value()))
                .as("the dead letter holds the original, replayable event").isEqualTo(event);
        assertThat(totals.get("acme")).isNull();
        assertThat(totals.get("globex")).isNull();
    }

    @Test
    void toleratesACompletionTimeWithinTheClockSkewAfterTheRecordTimestamp() {
        send(UsageEvents.ok("acme", T0).build());
        usage.pipeInput("acme", UsageEvents.ok("acme", T0.plus(Duration.ofMinutes(4))).build(), T0);

        assertThat(totals.get("acme").requests()).isEqualTo(2);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void keepsCountingAfterBadRecords() {
        send(UsageEvents.ok("acme", T0).build());
        rawUsage.pipeInput("acme", new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 42, 1, 2}, T0.plusSeconds(1));
        send(UsageEvents.ok("acme", T0.plusSeconds(2)).setCostMicros(-1).build());
        send(UsageEvents.ok("acme", T0.plusSeconds(3)).build());

        assertThat(deadLetters.readRecordsToList()).extracting(r -> header(r, DeadLetterHeaders.REASON))
                .containsExactly(DeadLetterReason.UNDECODABLE.name(), DeadLetterReason.NEGATIVE_COST.name());
        assertThat(totals.get("acme").requests()).isEqualTo(2);
        assertThat(totals.get("acme").costMicros()).isEqualTo(3_000);
    }

    @Test
    void failsTheRecordInsteadOfDeadLetteringItWhenTheRegistryIsUnreachable() {
        driver.close();
        start(() -> TestSerdes.httpDeserializer(TestSerdes.UNUSED_REGISTRY_URL, 1));
        UsageEvent event = UsageEvents.ok("acme", T0).build();

        assertThatThrownBy(() -> usage.pipeInput("acme", event, T0))
                .isInstanceOf(StreamsException.class)
                .satisfies(e -> assertThat(RegistryUnavailableException.isCauseOf(e)).isTrue());
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(totals.get("acme")).isNull();
    }

    @Test
    void namesEveryProcessorStoreAndInternalTopic() {
        StreamsBuilder builder = new StreamsBuilder();
        UsageTotalsTopology.contribute(UsageIntake.build(builder, HORIZON, () -> TestSerdes.deserializer(registry)));
        String description = builder.build().describe().toString();

        assertThat(description).doesNotContain("KSTREAM-", "KTABLE-", "-repartition");
        assertThat(description).contains(
                UsageIntake.SOURCE, UsageIntake.DECODE, UsageIntake.DEDUPE,
                UsageTotalsTopology.AGGREGATE, UsageIntake.DLQ_SINK);
        // the dedupe holds the event ids, the producers' sequence blocks and their commit hook (which has no changelog)
        Matcher dedupe = Pattern.compile("Processor: " + UsageIntake.DEDUPE + " \\(stores: \\[([^]]*)\\]\\)")
                .matcher(description);
        assertThat(dedupe.find()).isTrue();
        assertThat(dedupe.group(1).split(", ")).containsExactlyInAnyOrder(UsageIntake.DEDUPE_STORE,
                UsageIntake.SEQUENCES_STORE, UsageIntake.SEQUENCES_COMMIT_HOOK);
        // the totals processor holds its store and its commit hook (which has no changelog)
        assertThat(description).containsPattern("Processor: " + UsageTotalsTopology.AGGREGATE + " \\(stores: \\[("
                + UsageTotalsTopology.TOTALS_STORE + ", " + OrgTotalsAggregator.COMMIT_HOOK + "|"
                + OrgTotalsAggregator.COMMIT_HOOK + ", " + UsageTotalsTopology.TOTALS_STORE + ")\\]\\)");
        assertThat(UsageIntake.INTERNAL_TOPICS).containsExactly("tollgate-streams-usage-dedupe-ids-changelog",
                "tollgate-streams-usage-dedupe-sequences-changelog");
        assertThat(UsageTotalsTopology.INTERNAL_TOPICS).containsExactly("tollgate-streams-usage-totals-by-org-changelog");
    }

    @Test
    void registersTheEventSchemaWithItsNestedEnumsAsReferences() {
        send(UsageEvents.ok("acme", T0).build());

        assertThat(registry.artifacts()).contains("default/" + Topics.USAGE + "-value");
        assertThat(registry.artifacts()).hasSizeGreaterThan(1);
    }

    private void send(UsageEvent event) {
        usage.pipeInput(event.getOrgId(), event, event.getCompletedAt());
    }

    private static String header(TestRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), UTF_8);
    }

}

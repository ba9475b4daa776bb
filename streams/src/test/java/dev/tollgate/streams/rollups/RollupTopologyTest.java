package dev.tollgate.streams.rollups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.intake.UsageIntake;
import dev.tollgate.streams.serde.InMemoryRegistry;
import dev.tollgate.streams.serde.JsonStoreSerde;
import dev.tollgate.streams.serde.TestSerdes;
import dev.tollgate.streams.topology.StreamsApplication;
import dev.tollgate.streams.usage.UsageEvents;

class RollupTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-10T10:00:00Z");

    @TempDir
    Path stateDir;

    private final InMemoryRegistry registry = new InMemoryRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, UsageEvent> usage;
    private TestOutputTopic<String, RollupView> rollups;

    @BeforeEach
    void start() {
        StreamsBuilder builder = new StreamsBuilder();
        RollupTopology.contribute(UsageIntake.build(builder, Duration.ofHours(1),
                () -> TestSerdes.deserializer(registry)), RollupConfig.DEFAULTS);
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, StreamsApplication.APPLICATION_ID);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(builder.build(), config);
        usage = driver.createInputTopic(Topics.USAGE, new StringSerializer(), TestSerdes.serializer(registry));
        rollups = driver.createOutputTopic(Topics.ROLLUPS, new StringDeserializer(),
                JsonStoreSerde.create(RollupView.class).deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void rollsUpPerWindowAndPerOrgModelKeyAndEndpoint() {
        send(UsageEvents.ok("acme", T0).setModel("m1").setKeyId("k1").setEndpointId("e1").build());
        send(UsageEvents.ok("acme", T0.plusSeconds(30)).setModel("m2").setKeyId("k1").setEndpointId("e1").build());
        send(UsageEvents.upstreamError("acme", T0.plusSeconds(61)).setModel("m1").setKeyId("k2")
                .setEndpointId("e2").build());
        send(UsageEvents.ok("globex", T0.plusSeconds(62)).setModel("m1").setKeyId("g1").setEndpointId("e1").build());

        long minute0 = T0.toEpochMilli();
        long minute1 = minute0 + 60_000;
        assertThat(rollup("rollups-org-1m", RollupKey.org("acme"), minute0).requests()).isEqualTo(2);
        assertThat(rollup("rollups-org-1m", RollupKey.org("acme"), minute1).errorsByStatus())
                .isEqualTo(Map.of("502", 1L));
        Rollup hour = rollup("rollups-org-1h", RollupKey.org("acme"), minute0);
        assertThat(hour.requests()).isEqualTo(3);
        assertThat(hour.errors()).isEqualTo(1);
        assertThat(hour.promptTokens()).isEqualTo(200);
        assertThat(hour.completionTokens()).isEqualTo(40);
        assertThat(hour.costMicros()).isEqualTo(3_000);
        long day = Instant.parse("2026-11-10T00:00:00Z").toEpochMilli();
        assertThat(rollup("rollups-org-1d", RollupKey.orgModel("acme", "m1"), day).requests()).isEqualTo(2);
        assertThat(rollup("rollups-org-1d", RollupKey.orgKey("acme", "k1"), day).requests()).isEqualTo(2);
        assertThat(rollup("rollups-endpoint-1h", RollupKey.endpoint("e1"), minute0).requests()).isEqualTo(3);
        assertThat(rollup("rollups-endpoint-1h", RollupKey.endpoint("e2"), minute0).requests()).isEqualTo(1);
        assertThat(rollup("rollups-org-1d", RollupKey.org("globex"), day).requests()).isEqualTo(1);
    }

    @Test
    void rollsUpSpendAndTokensPerTeamOfAnOrgAndLeavesKeysWithoutATeamOutOfEveryTeam() {
        send(UsageEvents.ok("acme", T0).setKeyId("k1").setTeamId("search").setCostMicros(1_000).build());
        send(UsageEvents.ok("acme", T0.plusSeconds(5)).setKeyId("k2").setTeamId("search").setCostMicros(2_000)
                .setCompletionTokens(30).build());
        send(UsageEvents.ok("acme", T0.plusSeconds(6)).setKeyId("k3").setTeamId("ads").setCostMicros(4_000).build());
        send(UsageEvents.ok("acme", T0.plusSeconds(7)).setKeyId("k4").setCostMicros(8_000).build());
        send(UsageEvents.ok("globex", T0.plusSeconds(8)).setKeyId("g1").setTeamId("search").setCostMicros(16_000)
                .build());

        long minute = T0.toEpochMilli();
        Rollup search = rollup("rollups-org-1m", RollupKey.orgTeam("acme", "search"), minute);
        assertThat(search.requests()).isEqualTo(2);
        assertThat(search.costMicros()).isEqualTo(3_000);
        assertThat(search.promptTokens()).isEqualTo(200);
        assertThat(search.completionTokens()).isEqualTo(50);
        assertThat(rollup("rollups-org-1h", RollupKey.orgTeam("acme", "ads"), minute).costMicros()).isEqualTo(4_000);
        long day = Instant.parse("2026-11-10T00:00:00Z").toEpochMilli();
        assertThat(rollup("rollups-org-1d", RollupKey.orgTeam("globex", "search"), day).costMicros())
                .isEqualTo(16_000);
        // The org counts every key, with a team or not; a team, only its own keys.
        assertThat(rollup("rollups-org-1m", RollupKey.org("acme"), minute).costMicros()).isEqualTo(15_000);
        WindowStore<String, Rollup> minutes = driver.getWindowStore("rollups-org-1m");
        assertThat(minutes.fetch(RollupKey.orgTeam("acme", ""), minute)).isNull();
        assertThat(rollups.readKeyValuesToMap()).containsKey("1d/" + day + "/org=acme&team=search")
                .doesNotContainKey("1d/" + day + "/org=acme&team=");
    }

    @Test
    void keepsATeamApartFromAKeyWhoseIdLooksLikeATeamKey() {
        send(UsageEvents.ok("acme", T0).setKeyId("k1").setTeamId("x&key=k1").build());
        send(UsageEvents.ok("acme", T0.plusSeconds(1)).setKeyId("k1").build());

        assertThat(rollup("rollups-org-1m", RollupKey.orgTeam("acme", "x&key=k1"), T0.toEpochMilli()).requests())
                .isEqualTo(1);
        assertThat(rollup("rollups-org-1m", RollupKey.orgKey("acme", "k1"), T0.toEpochMilli()).requests())
                .isEqualTo(2);
    }

    @Test
    void publishesEveryUpdatedWindowKeyedByGranularityWindowAndRollupKey() {
        send(UsageEvents.ok("acme", T0).setEndpointId("e1").build());

        Map<String, RollupView> published = rollups.readKeyValuesToMap();

        assertThat(published).hasSize(12);
        RollupView minute = published.get("1m/" + T0.toEpochMilli() + "/org=acme");
        assertThat(minute.windowStart()).isEqualTo("2026-11-10T10:00:00Z");
        assertThat(minute.windowEnd()).isEqualTo("2026-11-10T10:01:00Z");
        assertThat(minute.costMicros()).isEqualTo(1_500);
        assertThat(minute.latencyMs().p50()).isEqualTo(250);
    }

    @Test
    void addsToAWindowThatEarlierCommitsWroteWhetherTheLastCommitWroteItOrNot() {
        // The test driver commits after every record: the second event finds its windows among those the last
        // commit wrote, the fourth finds its minute only in the store (the third commit wrote another minute).
        send(UsageEvents.ok("acme", T0).build());
        send(UsageEvents.ok("acme", T0.plusSeconds(10)).build());
        send(UsageEvents.ok("acme", T0.plusSeconds(70)).build());
        send(UsageEvents.ok("acme", T0.plusSeconds(20)).build());

        assertThat(rollup("rollups-org-1m", RollupKey.org("acme"), T0.toEpochMilli()).requests()).isEqualTo(3);
        assertThat(rollup("rollups-org-1m", RollupKey.org("acme"), T0.toEpochMilli() + 60_000).requests())
                .isEqualTo(1);
        Rollup hour = rollup("rollups-org-1h", RollupKey.org("acme"), T0.toEpochMilli());
        assertThat(hour.requests()).isEqualTo(4);
        assertThat(hour.latencySketch().totalCount()).isEqualTo(4);
        assertThat(rollups.readKeyValuesToList()).filteredOn(kv -> kv.key.endsWith("/org=acme"))
                .extracting(kv -> kv.value.requests())
                .as("every commit publishes the windows it wrote, with their new values")
                .containsExactly(1L, 1L, 1L, 2L, 2L, 2L, 1L, 3L, 3L, 3L, 4L, 4L);
    }

    @Test
    void countsALateEventWithinGraceAndDropsOneBeyondIt() {
        send(UsageEvents.ok("acme", T0).build());
        send(UsageEvents.ok("acme", T0.plus(Duration.ofMinutes(5))).build()); // stream time: 10:05
        send(UsageEvents.ok("acme", T0.plusSeconds(10)).build()); // 10:00 window closes at 10:06: counted
        send(UsageEvents.ok("acme", T0.plus(Duration.ofMinutes(7))).build()); // stream time: 10:07
        send(UsageEvents.ok("acme", T0.plusSeconds(20)).build()); // beyond the 1m grace, within the 1h grace

        assertThat(rollup("rollups-org-1m", RollupKey.org("acme"), T0.toEpochMilli()).requests()).isEqualTo(2);
        assertThat(rollup("rollups-org-1h", RollupKey.org("acme"), T0.toEpochMilli()).requests()).isEqualTo(5);
    }

    @Test
    void appliesTheSameGraceToEndpointWindowsFedByMinutePartials() {
        send(UsageEvents.ok("acme", T0).setEndpointId("e1").build());
        send(UsageEvents.ok("globex", T0.plus(Duration.ofMinutes(5))).setEndpointId("e1").build());
        send(UsageEvents.ok("acme", T0.plusSeconds(10)).setEndpointId("e1").build()); // within the 1m grace
        send(UsageEvents.ok("globex", T0.plus(Duration.ofMinutes(7))).setEndpointId("e1").build());
        send(UsageEvents.ok("acme", T0.plusSeconds(20)).setEndpointId("e1").build()); // beyond it, within 1h's

        assertThat(rollup("rollups-endpoint-1m", RollupKey.endpoint("e1"), T0.toEpochMilli()).requests())
                .isEqualTo(2);
        Rollup hour = rollup("rollups-endpoint-1h", RollupKey.endpoint("e1"), T0.toEpochMilli());
        assertThat(hour.requests()).isEqualTo(5);
        assertThat(hour.latencySketch().totalCount()).isEqualTo(5);
    }

    @Test
    void countsAPartialFromALaggingOrgTaskThatItsOwnTaskFoundOnTime() {
        // Two org tasks at different stream times, as while a backlog is worked off: the endpoint task has seen a
        // partial ten minutes later than the one that now arrives from a task that is behind.
        TestInputTopic<String, RollupPartial> partials = driver.createInputTopic(StreamsApplication.APPLICATION_ID
                + "-" + RollupTopology.ENDPOINT_REPARTITION + "-repartition", new StringSerializer(),
                RollupPartialSerde.create().serializer());
        Rollup one = Rollup.empty().addAll(List.of(RollupSample.of(UsageEvents.ok("acme", T0).build())));
        long later = T0.plus(Duration.ofMinutes(10)).toEpochMilli();
        partials.pipeInput("e1", new RollupPartial(later, one), later);

        partials.pipeInput("e1", new RollupPartial(T0.toEpochMilli(), one), T0.toEpochMilli());
        int notTheMinute = RollupPartial.ALL & ~(1 << Granularity.MINUTE.ordinal());
        partials.pipeInput("e1", new RollupPartial(T0.toEpochMilli(), one, notTheMinute), T0.toEpochMilli());

        assertThat(rollup("rollups-endpoint-1m", RollupKey.endpoint("e1"), T0.toEpochMilli()).requests())
                .as("on time in its own task, whatever the endpoint task's clock").isEqualTo(1);
        assertThat(rollup("rollups-endpoint-1h", RollupKey.endpoint("e1"), T0.toEpochMilli()).requests())
                .isEqualTo(3);
    }

    @Test
    void countsARedeliveredEventOnceInEveryWindowAndKey() {
        UsageEvent event = UsageEvents.ok("acme", T0).setModel("m1").setKeyId("k1").setEndpointId("e1").build();
        send(event);
        send(event);
        send(UsageEvents.ok("acme", T0.plusSeconds(1)).setModel("m1").setKeyId("k1").setEndpointId("e1").build());

        long day = Instant.parse("2026-11-10T00:00:00Z").toEpochMilli();
        assertThat(rollup("rollups-org-1m", RollupKey.org("acme"), T0.toEpochMilli()).requests()).isEqualTo(2);
        assertThat(rollup("rollups-org-1h", RollupKey.orgModel("acme", "m1"), T0.toEpochMilli()).requests())
                .isEqualTo(2);
        assertThat(rollup("rollups-org-1d", RollupKey.orgKey("acme", "k1"), day).costMicros()).isEqualTo(3_000);
        assertThat(rollup("rollups-endpoint-1m", RollupKey.endpoint("e1"), T0.toEpochMilli()).requests())
                .isEqualTo(2);
    }

    @Test
    void reportsLatencyPercentilesWithinTheSketchAccuracy() {
        // 200 events (the test driver flushes every store after each record, so more would only be slower):
        // latencies 5, 10, ..., 1000 ms and time to first token 1, 2, ..., 200 ms.
        for (int i = 1; i <= 200; i++) {
            send(UsageEvents.ok("acme", T0.plusMillis(i)).setLatencyMs(i * 5L).setTtftMs((long) i).build());
        }

        RollupView view = RollupView.of(Granularity.MINUTE, RollupKey.org("acme"), T0.toEpochMilli(),
                rollup("rollups-org-1m", RollupKey.org("acme"), T0.toEpochMilli()));

        assertThat((double) view.latencyMs().p50()).isCloseTo(500, within(5.0));
        assertThat((double) view.latencyMs().p90()).isCloseTo(900, within(9.0));
        assertThat((double) view.latencyMs().p99()).isCloseTo(990, within(9.9));
        assertThat(view.requests()).isEqualTo(200);
        assertThat((double) view.latencyMs().max()).isCloseTo(1_000, within(10.0));
        assertThat((double) view.ttftMs().p50()).isCloseTo(100, within(1.0));
    }

    private void send(UsageEvent event) {
        usage.pipeInput(event.getOrgId(), event, event.getCompletedAt());
    }

    private Rollup rollup(String store, String key, long windowStart) {
        WindowStore<String, Rollup> windows = driver.getWindowStore(store);
        Rollup rollup = windows.fetch(key, windowStart);
        assertThat(rollup).as("%s %s @%d", store, key, windowStart).isNotNull();
        return rollup;
    }
}

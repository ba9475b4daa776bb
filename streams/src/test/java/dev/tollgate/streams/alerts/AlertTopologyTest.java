package dev.tollgate.streams.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.control.v1.AlertRule;
import dev.tollgate.control.v1.AlertRuleKind;
import dev.tollgate.control.v1.AlertScope;
import dev.tollgate.control.v1.AlertSeverity;
import dev.tollgate.events.v1.AlertState;
import dev.tollgate.events.v1.AlertTransition;
import dev.tollgate.events.v1.BudgetEnforcement;
import dev.tollgate.events.v1.BudgetScopeType;
import dev.tollgate.events.v1.BudgetThresholdCrossed;
import dev.tollgate.events.v1.EndpointHealthReport;
import dev.tollgate.events.v1.EndpointLoadSample;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.intake.UsageIntake;
import dev.tollgate.streams.serde.InMemoryRegistry;
import dev.tollgate.streams.serde.TestSerdes;
import dev.tollgate.streams.topology.StreamsApplication;
import dev.tollgate.streams.usage.UsageEvents;

/**
 * The alert state machine on the real topology (intake, repartition, evaluator) in {@link TopologyTestDriver}, with
 * the wall clock moved by hand: what the rules see, when they fire and resolve, and that a restart in the middle of a
 * {@code for} neither repeats nor loses a transition.
 */
class AlertTopologyTest {

    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
    private static final Duration TICK = Duration.ofSeconds(1);

    @TempDir
    Path stateDir;

    private final InMemoryRegistry registry = new InMemoryRegistry();
    private final List<TopologyTestDriver> drivers = new ArrayList<>();
    private TopologyTestDriver driver;
    private TestInputTopic<String, AlertRule> rules;
    private TestInputTopic<String, EndpointHealthReport> health;
    private TestInputTopic<String, EndpointLoadSample> load;
    private TestInputTopic<String, BudgetThresholdCrossed> budgetEvents;
    private TestInputTopic<String, UsageEvent> usage;
    private TestOutputTopic<String, AlertTransition> alerts;
    private Instant now;

    private void start(Instant wallClock) {
        StreamsBuilder builder = new StreamsBuilder();
        AlertTopology.contribute(builder, UsageIntake.build(builder, Duration.ofHours(1),
                        () -> TestSerdes.deserializer(registry)),
                new AlertSerdes(() -> TestSerdes.anyDeserializer(registry), () -> TestSerdes.anySerializer(registry)),
                AlertsConfig.Settings.defaults());
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, StreamsApplication.APPLICATION_ID);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("run-" + drivers.size()).toString());
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(builder.build(), config, wallClock);
        drivers.add(driver);
        now = wallClock;
        rules = driver.createInputTopic(Topics.ALERT_RULES, new StringSerializer(), TestSerdes.anySerializer(registry));
        health = driver.createInputTopic(Topics.ENDPOINT_HEALTH, new StringSerializer(),
                TestSerdes.anySerializer(registry));
        load = driver.createInputTopic(Topics.ENDPOINT_LOAD, new StringSerializer(), TestSerdes.anySerializer(registry));
        budgetEvents = driver.createInputTopic(Topics.BUDGET_EVENTS, new StringSerializer(),
                TestSerdes.anySerializer(registry));
        usage = driver.createInputTopic(Topics.USAGE, new StringSerializer(), TestSerdes.serializer(registry));
        alerts = driver.createOutputTopic(Topics.ALERTS, new StringDeserializer(),
                TestSerdes.<AlertTransition>anyDeserializer(registry));
    }

    @AfterEach
    void stop() {
        drivers.forEach(TopologyTestDriver::close);
    }

    @Test
    void aPendingAlertWhoseConditionClearsBeforeItsForNeverFires() {
        start(T0);
        rule(endpointDown("down", Duration.ofSeconds(30), Duration.ZERO));

        report("ep-1", "replica-a", false);
        advance(Duration.ofSeconds(10));
        report("ep-1", "replica-a", true);
        advance(Duration.ofSeconds(60));

        assertThat(states()).containsExactly(AlertState.PENDING, AlertState.INACTIVE);
    }

    @Test
    void firesOnceItsConditionHeldForItsForDuration() {
        start(T0);
        rule(endpointDown("down", Duration.ofSeconds(30), Duration.ZERO));

        report("ep-1", "replica-a", false);
        advance(Duration.ofSeconds(29));
        assertThat(states()).containsExactly(AlertState.PENDING);
        advance(Duration.ofSeconds(1));
        List<AlertTransition> fired = transitions();
        advance(Duration.ofSeconds(60));

        assertThat(fired).singleElement().satisfies(t -> {
            assertThat(t.getState()).isEqualTo(AlertState.FIRING);
            assertThat(t.getPreviousState()).isEqualTo(AlertState.PENDING);
            assertThat(t.getActiveAt()).isEqualTo(T0);
            assertThat(t.getFiredAt()).isEqualTo(T0.plusSeconds(30));
            assertThat(t.getLabels()).containsEntry("alertname", "EndpointDown").containsEntry("endpoint", "ep-1")
                    .containsEntry("model", "llama").containsEntry("severity", "critical")
                    .containsEntry("team", "ml");
            assertThat(t.getAnnotations()).containsEntry("summary", "ep-1 is down on 1 replica(s)");
            assertThat(t.getReceivers()).containsExactly("ops");
            assertThat(t.getTransitionId()).isEqualTo(t.getFingerprint() + ":" + T0.toEpochMilli() + ":firing");
        });
        assertThat(transitions()).as("nothing more while it keeps firing").isEmpty();
    }

    @Test
    void keepFiringForHoldsAFiringAlertUntilItsConditionStayedFalseThatLong() {
        start(T0);
        rule(endpointDown("flappy", Duration.ZERO, Duration.ofSeconds(20)));

        report("ep-1", "replica-a", false);
        assertThat(states()).containsExactly(AlertState.FIRING);
        advance(Duration.ofSeconds(5));
        report("ep-1", "replica-a", true);
        advance(Duration.ofSeconds(10));
        report("ep-1", "replica-a", false);
        advance(Duration.ofSeconds(5));
        report("ep-1", "replica-a", true);
        advance(Duration.ofSeconds(19));
        assertThat(states()).as("false for 10 s, true again, then false for 19 s: still firing").isEmpty();
        advance(Duration.ofSeconds(1));

        assertThat(transitions()).singleElement().satisfies(t -> {
            assertThat(t.getState()).isEqualTo(AlertState.RESOLVED);
            assertThat(t.getResolvedAt()).isEqualTo(T0.plusSeconds(40));
            assertThat(t.getFiredAt()).isEqualTo(T0);
        });
    }

    @Test
    void anErrorRateAlertResolvesWhenTrafficStops() {
        start(T0);
        rule(rule("errors", AlertRuleKind.ERROR_RATE, AlertScope.MODEL).setWindowMs(60_000).setThreshold(0.5)
                .setMinRequests(3).build());

        usage(UsageEvents.upstreamError("acme", now).build());
        usage(UsageEvents.upstreamError("acme", now).build());
        assertThat(states()).as("two requests are fewer than min_requests").isEmpty();
        usage(UsageEvents.ok("globex", now).build());
        List<AlertTransition> fired = transitions();
        advance(Duration.ofSeconds(59));
        assertThat(states()).as("the minute is still in the window").isEmpty();
        advance(Duration.ofSeconds(60));

        assertThat(fired).singleElement().satisfies(t -> {
            assertThat(t.getState()).isEqualTo(AlertState.FIRING);
            assertThat(t.getLabels()).as("the model's requests of every org").containsEntry("model", "llama-3-8b")
                    .doesNotContainKey("org");
            assertThat(t.getValue()).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
        });
        assertThat(transitions()).singleElement().satisfies(t -> {
            assertThat(t.getState()).isEqualTo(AlertState.RESOLVED);
            assertThat(t.getValue()).isZero();
        });
    }

    @Test
    void aRestartInTheMiddleOfForNeitherRepeatsNorLosesATransition() {
        start(T0);
        AlertRule rule = endpointDown("down", Duration.ofSeconds(30), Duration.ZERO);
        rule(rule);
        report("ep-1", "replica-a", false);
        advance(Duration.ofSeconds(10));
        assertThat(states()).containsExactly(AlertState.PENDING);

        Map<String, List<KeyValue<String, Object>>> committed = stores();
        Instant restartedAt = now.plusSeconds(5);
        start(restartedAt);
        restore(committed);
        rule(rule);
        report("ep-1", "replica-a", false);
        advance(Duration.ofSeconds(14));
        assertThat(states()).as("the pending alert goes on from where it was: no second PENDING").isEmpty();
        advance(Duration.ofSeconds(1));

        assertThat(transitions()).singleElement().satisfies(t -> {
            assertThat(t.getState()).isEqualTo(AlertState.FIRING);
            assertThat(t.getPreviousState()).isEqualTo(AlertState.PENDING);
            assertThat(t.getActiveAt()).isEqualTo(T0);
            assertThat(t.getFiredAt()).isEqualTo(T0.plusSeconds(30));
        });
    }

    @Test
    void keepsEachMinuteOfASubjectsUsageUnderItsOwnStoreKey() {
        start(T0);
        usage(UsageEvents.ok("acme", now).build());
        usage(UsageEvents.ok("acme", now).build());
        skip(Duration.ofMinutes(1));
        usage(UsageEvents.ok("acme", now).build());

        Map<String, Series> stored = seriesStore();
        long first = Series.minuteOf(T0.toEpochMilli());
        long second = Series.minuteOf(now.toEpochMilli());
        assertThat(stored).as("one entry per minute, none for the whole series")
                .containsOnlyKeys(Series.storeKey("org:acme", first), Series.storeKey("org:acme", second),
                        Series.storeKey("model:llama-3-8b", first), Series.storeKey("model:llama-3-8b", second));
        assertThat(stored.get(Series.storeKey("org:acme", first)).minuteStarts()).containsExactly(first);
        assertThat(stored.get(Series.storeKey("org:acme", first)).sum(first, first + 60_000).requests())
                .as("both requests of the first minute").isEqualTo(2);
        assertThat(stored.get(Series.storeKey("org:acme", second)).sum(second, second + 60_000).requests())
                .isEqualTo(1);
    }

    @Test
    void readsAWholeSeriesOfTheFormerLayoutAndRewritesItOneEntryPerMinute() {
        start(T0);
        long minute = Series.minuteOf(T0.toEpochMilli());
        Series former = Series.empty();
        for (int i = 0; i < 3; i++) {
            Bucket bucket = Bucket.empty();
            bucket.add(UsageEvents.upstreamError("acme", T0).build());
            former.add(minute - 60_000L * i, bucket);
        }
        driver.<String, Series>getKeyValueStore(AlertTopology.SERIES_STORE).put("model:llama-3-8b", former);
        rule(rule("errors", AlertRuleKind.ERROR_RATE, AlertScope.MODEL).setWindowMs(180_000).setThreshold(0.5)
                .setMinRequests(3).build());

        advance(TICK);

        assertThat(states()).as("the former series counts: three errors in the window").containsExactly(
                AlertState.FIRING);
        assertThat(seriesStore()).containsOnlyKeys(Series.storeKey("model:llama-3-8b", minute),
                Series.storeKey("model:llama-3-8b", minute - 60_000), Series.storeKey("model:llama-3-8b",
                        minute - 120_000));
    }

    @Test
    void anEndpointIsDownOnlyWhenEveryReplicaThatReportedRecentlySeesItDown() {
        start(T0);
        rule(endpointDown("down", Duration.ZERO, Duration.ZERO));

        Duration valid = Duration.ofSeconds(30);
        report("ep-1", "replica-a", true, valid);
        report("ep-1", "replica-b", false, valid);
        assertThat(states()).as("replica a still reaches it").isEmpty();
        report("ep-1", "replica-a", false, valid);
        report("ep-1", "replica-c", false, valid);
        assertThat(states()).as("one alert, whatever the number of replicas").containsExactly(AlertState.FIRING);
        advance(Duration.ofSeconds(20));
        report("ep-1", "replica-a", true, valid);
        assertThat(states()).containsExactly(AlertState.RESOLVED);
        advance(Duration.ofSeconds(31));
        report("ep-1", "replica-b", false, valid);
        assertThat(states()).as("the other reports expired (valid 30 s): b alone sees it down")
                .containsExactly(AlertState.FIRING);
    }

    @Test
    void aBudgetAlertFiresAtTheCrossingAndResolvesWhenItsPeriodEnds() {
        start(T0);
        rule(rule("budget", AlertRuleKind.BUDGET_THRESHOLD, AlertScope.BUDGET).setThreshold(80).build());

        budgetEvents.pipeInput("b-1", crossed("b-1", 50), now);
        assertThat(states()).isEmpty();
        budgetEvents.pipeInput("b-1", crossed("b-1", 80), now);
        List<AlertTransition> fired = transitions();
        skip(Duration.ofMinutes(61));

        assertThat(fired).singleElement().satisfies(t -> {
            assertThat(t.getState()).isEqualTo(AlertState.FIRING);
            assertThat(t.getLabels()).containsEntry("budget", "b-1").containsEntry("org", "acme");
            assertThat(t.getValue()).isEqualTo(85.0);
        });
        assertThat(states()).containsExactly(AlertState.RESOLVED);
    }

    @Test
    void aLatencyAlertReadsThePercentileOfTheWindowsSketches() {
        start(T0);
        rule(rule("slow", AlertRuleKind.LATENCY, AlertScope.ORG).setWindowMs(300_000).setThreshold(1000)
                .setPercentile(95).setMetric("latency").setMinRequests(20).build());

        for (int i = 0; i < 18; i++) {
            usage(UsageEvents.ok("acme", now).setLatencyMs(200).build());
        }
        usage(UsageEvents.ok("acme", now).setLatencyMs(5000).build());
        usage(UsageEvents.ok("acme", now).setLatencyMs(5000).build());
        assertThat(states()).as("p95 of 20 with 2 slow ones is the slow one's").containsExactly(AlertState.FIRING);
        advance(Duration.ofMinutes(1));
        for (int i = 0; i < 40; i++) {
            usage(UsageEvents.ok("acme", now).setLatencyMs(200).build());
        }
        assertThat(states()).as("60 requests in the window, 2 slow: p95 is fast").containsExactly(AlertState.RESOLVED);
    }

    @Test
    void aSaturationAlertFiresOnVllmsQueueAndResolvesWhenTheSampleExpires() {
        start(T0);
        rule(rule("queue", AlertRuleKind.VLLM_SATURATION, AlertScope.ENDPOINT).setMetric("waiting").setThreshold(10)
                .build());

        load.pipeInput("ep-1", loadSample("ep-1", 4), now);
        assertThat(states()).isEmpty();
        load.pipeInput("ep-1", loadSample("ep-1", 25), now);
        assertThat(states()).containsExactly(AlertState.FIRING);
        advance(Duration.ofSeconds(31));

        assertThat(states()).as("no sample for longer than it is valid: no data").containsExactly(AlertState.RESOLVED);
    }

    @Test
    void aSpendRateAlertComparesTheWindowWithItsTrailingAverage() {
        start(T0);
        for (int minute = 0; minute < 10; minute++) {
            usage(UsageEvents.ok("acme", now).setCostMicros(1000).build());
            skip(Duration.ofMinutes(1));
        }
        rule(rule("spend", AlertRuleKind.SPEND_RATE, AlertScope.ORG).setWindowMs(60_000).setBaselineMs(600_000)
                .setThreshold(3).setMinSpendMicros(1000).build());
        usage(UsageEvents.ok("acme", now).setCostMicros(2500).build());
        assertThat(states()).as("2,500 is 2.5 times the average minute").isEmpty();
        usage(UsageEvents.ok("acme", now).setCostMicros(1000).build());

        assertThat(transitions()).singleElement().satisfies(t -> {
            assertThat(t.getState()).isEqualTo(AlertState.FIRING);
            assertThat(t.getValue()).isEqualTo(3.5);
        });
    }

    @Test
    void deletingARuleResolvesItsFiringAlerts() {
        start(T0);
        AlertRule rule = endpointDown("down", Duration.ZERO, Duration.ofMinutes(10));
        rule(rule);
        report("ep-1", "replica-a", false);
        assertThat(states()).containsExactly(AlertState.FIRING);

        rules.pipeInput(rule.getRuleId(), null, now);
        advance(TICK);

        assertThat(states()).containsExactly(AlertState.RESOLVED);
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private static AlertRule.Builder rule(String id, AlertRuleKind kind, AlertScope scope) {
        return AlertRule.newBuilder().setRuleId(id).setName("Test_" + id).setKind(kind).setScope(scope)
                .setSeverity(AlertSeverity.WARNING).setUpdatedAt(T0).setVersion(1).setReceivers(List.of("ops"));
    }

    private static AlertRule endpointDown(String id, Duration forDuration, Duration keepFiringFor) {
        return rule(id, AlertRuleKind.ENDPOINT_DOWN, AlertScope.ENDPOINT).setName("EndpointDown")
                .setSeverity(AlertSeverity.CRITICAL).setForMs(forDuration.toMillis())
                .setKeepFiringForMs(keepFiringFor.toMillis()).setLabels(Map.of("team", "ml"))
                .setAnnotations(Map.of("summary", "{{ $labels.endpoint }} is down on {{ $value }} replica(s)")).build();
    }

    private void rule(AlertRule rule) {
        rules.pipeInput(rule.getRuleId(), rule, now);
    }

    /** A report that stands for two minutes, as if the replica's periodic reports kept coming. */
    private void report(String endpoint, String replica, boolean up) {
        report(endpoint, replica, up, Duration.ofMinutes(2));
    }

    private void report(String endpoint, String replica, boolean up, Duration validFor) {
        health.pipeInput(endpoint, EndpointHealthReport.newBuilder().setEventId(UUID.randomUUID().toString())
                .setEndpointId(endpoint).setModel("llama").setEnvironment("production").setReplicaId(replica)
                .setUp(up).setTransition(true).setReason(up ? null : "status_503").setChangedAt(now)
                .setReportedAt(now).setValidForMs(validFor.toMillis()).build(), now);
    }

    private static EndpointLoadSample loadSample(String endpoint, double waiting) {
        return EndpointLoadSample.newBuilder().setEventId(UUID.randomUUID().toString()).setEndpointId(endpoint)
                .setModel("llama").setReplicaId("replica-a").setWaiting(waiting).setKvCacheUsage(0.2)
                .setSampledAt(T0).setValidForMs(30_000).build();
    }

    private static BudgetThresholdCrossed crossed(String budget, int percent) {
        return BudgetThresholdCrossed.newBuilder().setEventId(budget + ":" + percent).setBudgetId(budget)
                .setOrgId("acme").setScopeType(BudgetScopeType.ORG).setScopeId("acme").setThresholdPercent(percent)
                .setPeriodStart(T0.minusSeconds(3600)).setPeriodEnd(T0.plusSeconds(3600)).setLimitMicros(10_000)
                .setSpentMicros(8_500).setCrossedAt(T0).setEnforcement(BudgetEnforcement.HARD).build();
    }

    private void usage(UsageEvent event) {
        usage.pipeInput(event.getOrgId(), event, now);
    }

    /** Moves the wall clock a second at a time, as the evaluation interval does. */
    private void advance(Duration by) {
        for (long s = 0; s < by.toSeconds(); s++) {
            now = now.plus(TICK);
            driver.advanceWallClockTime(TICK);
        }
    }

    /** Moves the wall clock in steps of 30 s, for waits where only minutes matter. */
    private void skip(Duration by) {
        Duration step = Duration.ofSeconds(30);
        for (long s = 0; s < by.toSeconds(); s += step.toSeconds()) {
            now = now.plus(step);
            driver.advanceWallClockTime(step);
        }
    }

    private List<AlertTransition> transitions() {
        return alerts.readValuesToList();
    }

    private List<AlertState> states() {
        return transitions().stream().map(AlertTransition::getState).toList();
    }

    private Map<String, Series> seriesStore() {
        Map<String, Series> entries = new HashMap<>();
        KeyValueStore<String, Series> store = driver.getKeyValueStore(AlertTopology.SERIES_STORE);
        try (KeyValueIterator<String, Series> all = store.all()) {
            all.forEachRemaining(entry -> entries.put(entry.key, entry.value));
        }
        return entries;
    }

    /** What the evaluator's stores hold, as a restarted task restores it from their changelogs. */
    private Map<String, List<KeyValue<String, Object>>> stores() {
        Map<String, List<KeyValue<String, Object>>> contents = new HashMap<>();
        for (String name : List.of(AlertTopology.SERIES_STORE, AlertTopology.SIGNALS_STORE,
                AlertTopology.STATE_STORE)) {
            List<KeyValue<String, Object>> entries = new ArrayList<>();
            KeyValueStore<String, Object> store = driver.getKeyValueStore(name);
            try (KeyValueIterator<String, Object> all = store.all()) {
                all.forEachRemaining(entries::add);
            }
            contents.put(name, entries);
        }
        assertThat(contents.get(AlertTopology.STATE_STORE)).as("the pending alert is in the store").hasSize(1);
        return contents;
    }

    private void restore(Map<String, List<KeyValue<String, Object>>> contents) {
        contents.forEach((name, entries) -> {
            KeyValueStore<String, Object> store = driver.getKeyValueStore(name);
            entries.forEach(e -> store.put(e.key, e.value));
        });
    }
}

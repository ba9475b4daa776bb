package dev.tollgate.streams.budgets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.events.v1.BudgetDefinition;
import dev.tollgate.events.v1.BudgetEnforcement;
import dev.tollgate.events.v1.BudgetPeriod;
import dev.tollgate.events.v1.BudgetScopeType;
import dev.tollgate.events.v1.BudgetState;
import dev.tollgate.events.v1.BudgetStatus;
import dev.tollgate.events.v1.BudgetThresholdCrossed;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.intake.UsageIntake;
import dev.tollgate.streams.serde.InMemoryRegistry;
import dev.tollgate.streams.serde.TestSerdes;
import dev.tollgate.streams.topology.StreamsApplication;
import dev.tollgate.streams.usage.UsageEvents;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BudgetTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-10T10:00:00Z");

    @TempDir
    Path stateDir;

    private final InMemoryRegistry registry = new InMemoryRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, UsageEvent> usage;
    private TestInputTopic<String, BudgetDefinition> budgets;
    private TestOutputTopic<String, BudgetState> states;
    private TestOutputTopic<String, BudgetThresholdCrossed> events;

    static Topology topology(InMemoryRegistry registry) {
        StreamsBuilder builder = new StreamsBuilder();
        BudgetTopology.contribute(builder,
                UsageIntake.build(builder, java.time.Duration.ofHours(1),
                        () -> TestSerdes.deserializer(registry)),
                new BudgetSerdes(() -> TestSerdes.anyDeserializer(registry), () -> TestSerdes.anySerializer(registry),
                        () -> TestSerdes.anySerializer(registry), () -> TestSerdes.anyDeserializer(registry),
                        () -> TestSerdes.anySerializer(registry)), LeaseTerms.DEFAULTS);
        return builder.build();
    }

    @BeforeEach
    void start() {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, StreamsApplication.APPLICATION_ID);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(topology(registry), config);
        usage = driver.createInputTopic(Topics.USAGE, new StringSerializer(), TestSerdes.serializer(registry));
        budgets = driver.createInputTopic(Topics.BUDGETS, new StringSerializer(),
                TestSerdes.<BudgetDefinition>anySerializer(registry));
        states = driver.createOutputTopic(Topics.BUDGET_STATE, new StringDeserializer(),
                TestSerdes.<BudgetState>anyDeserializer(registry));
        events = driver.createOutputTopic(Topics.BUDGET_EVENTS, new StringDeserializer(),
                TestSerdes.<BudgetThresholdCrossed>anyDeserializer(registry));
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void countsSpendPerMonthOnTheBudgetsOwnCalendarAndStartsANewPeriodAtTheMonthBoundary() {
        define(budget("b-org", BudgetScopeType.ORG, "acme", 10_000, BudgetPeriod.MONTHLY)
                .setTimeZone("America/New_York").build());

        // 2026-12-01T03:00Z is still 30 November (22:00) in New York.
        spend("acme", Instant.parse("2026-11-30T12:00:00Z"), 1_000);
        spend("acme", Instant.parse("2026-12-01T03:00:00Z"), 2_000);
        BudgetState november = lastState("b-org");
        spend("acme", Instant.parse("2026-12-01T06:00:00Z"), 500);
        BudgetState december = lastState("b-org");

        assertThat(november.getSpentMicros()).isEqualTo(3_000);
        assertThat(november.getPeriodStart()).isEqualTo(Instant.parse("2026-11-01T04:00:00Z"));
        assertThat(november.getPeriodEnd()).isEqualTo(Instant.parse("2026-12-01T05:00:00Z"));
        assertThat(november.getAsOf()).isEqualTo(Instant.parse("2026-12-01T03:00:00Z"));
        assertThat(december.getSpentMicros()).isEqualTo(500);
        assertThat(december.getPeriodStart()).isEqualTo(Instant.parse("2026-12-01T05:00:00Z"));
        assertThat(december.getRemainingMicros()).isEqualTo(9_500);
    }

    @Test
    void resetsADailyBudgetAtUtcMidnightByDefault() {
        define(budget("b-day", BudgetScopeType.ORG, "acme", 10_000, BudgetPeriod.DAILY).build());

        spend("acme", Instant.parse("2026-11-10T23:59:59Z"), 1_000);
        spend("acme", Instant.parse("2026-11-11T00:00:00Z"), 300);

        BudgetState state = lastState("b-day");
        assertThat(state.getPeriodStart()).isEqualTo(Instant.parse("2026-11-11T00:00:00Z"));
        assertThat(state.getPeriodEnd()).isEqualTo(Instant.parse("2026-11-12T00:00:00Z"));
        assertThat(state.getSpentMicros()).isEqualTo(300);
    }

    @Test
    void countsAnEventAgainstEveryBudgetThatAppliesAndNoOther() {
        define(budget("b-org", BudgetScopeType.ORG, "acme", 10_000, BudgetPeriod.DAILY).build());
        define(budget("b-team", BudgetScopeType.TEAM, "research", 10_000, BudgetPeriod.DAILY).build());
        define(budget("b-key", BudgetScopeType.KEY, "key-1", 10_000, BudgetPeriod.WEEKLY).build());
        define(budget("b-other-key", BudgetScopeType.KEY, "key-2", 10_000, BudgetPeriod.DAILY).build());
        define(budget("b-globex", BudgetScopeType.ORG, "globex", 10_000, BudgetPeriod.DAILY).setOrgId("globex")
                .build());

        usage.pipeInput("acme", UsageEvents.ok("acme", T0).setTeamId("research").setCostMicros(700).build(), T0);

        assertThat(states.readKeyValuesToMap()).containsOnlyKeys("b-org", "b-team", "b-key")
                .allSatisfy((id, state) -> assertThat(state.getSpentMicros()).isEqualTo(700));
    }

    @Test
    void doesNotCountUsageOfAPeriodThatHasAlreadyRolledOver() {
        define(budget("b-day", BudgetScopeType.ORG, "acme", 10_000, BudgetPeriod.DAILY).build());
        spend("acme", Instant.parse("2026-11-11T00:10:00Z"), 1_000);
        states.readValuesToList();

        spend("acme", Instant.parse("2026-11-10T23:59:00Z"), 5_000);

        assertThat(states.isEmpty()).as("a late event of the previous day publishes nothing").isTrue();
        spend("acme", Instant.parse("2026-11-11T00:20:00Z"), 1);
        assertThat(lastState("b-day").getSpentMicros()).isEqualTo(1_001);
    }

    @Test
    void ignoresADefinitionWhoseLimitWouldOverflowItsThresholds() {
        define(budget("b-huge", BudgetScopeType.ORG, "acme", Long.MAX_VALUE / 2, BudgetPeriod.DAILY).build());

        spend("acme", T0, 1_000);

        assertThat(states.isEmpty()).isTrue();
    }

    @Test
    void chargesNothingForAGatewayCacheHit() {
        define(budget("b-org", BudgetScopeType.ORG, "acme", 10_000, BudgetPeriod.DAILY).build());
        spend("acme", T0, 1_000);
        UsageEvent hit = UsageEvents.ok("acme", T0.plusSeconds(1)).setCacheHit(true).setCostMicros(0)
                .setCostSavedMicros(1_000).setEndpointId(null).build();

        usage.pipeInput("acme", hit, T0.plusSeconds(1));

        assertThat(lastState("b-org").getSpentMicros()).isEqualTo(1_000);
    }

    @Test
    void countsADuplicateEventOnce() {
        define(budget("b-org", BudgetScopeType.ORG, "acme", 10_000, BudgetPeriod.DAILY).build());
        UsageEvent event = UsageEvents.ok("acme", T0).setCostMicros(1_000).build();

        usage.pipeInput("acme", event, T0);
        usage.pipeInput("acme", event, T0.plusSeconds(5));

        assertThat(states.readValuesToList()).singleElement()
                .satisfies(state -> assertThat(state.getSpentMicros()).isEqualTo(1_000));
    }

    @Test
    void publishesEachThresholdOncePerPeriodAndAgainInTheNextPeriod() {
        define(budget("b-org", BudgetScopeType.ORG, "acme", 10_000, BudgetPeriod.DAILY).build());

        spend("acme", T0, 4_000);
        spend("acme", T0.plusSeconds(1), 1_000); // 50 %
        spend("acme", T0.plusSeconds(2), 500);
        spend("acme", T0.plusSeconds(3), 3_000); // 85 %: only 80 is new
        spend("acme", T0.plusSeconds(4), 100);
        List<BudgetThresholdCrossed> firstDay = events.readValuesToList();
        spend("acme", T0.plus(java.time.Duration.ofDays(1)), 6_000); // next day: 50 % again

        assertThat(firstDay).extracting(BudgetThresholdCrossed::getThresholdPercent).containsExactly(50, 80);
        assertThat(firstDay.get(0).getSpentMicros()).isEqualTo(5_000);
        assertThat(firstDay.get(0).getEventId()).isEqualTo("b-org:" + Instant.parse("2026-11-10T00:00:00Z")
                .toEpochMilli() + ":50");
        assertThat(events.readValuesToList()).extracting(BudgetThresholdCrossed::getThresholdPercent)
                .containsExactly(50);
    }

    @Test
    void publishesEveryThresholdThatOneEventCrossesInAscendingOrder() {
        define(budget("b-org", BudgetScopeType.ORG, "acme", 10_000, BudgetPeriod.DAILY).build());

        spend("acme", T0, 10_500); // past 50, 80 and 100 % at once
        spend("acme", T0.plusSeconds(1), 100);

        assertThat(events.readValuesToList()).extracting(BudgetThresholdCrossed::getThresholdPercent)
                .containsExactly(50, 80, 100);
    }

    @Test
    void reportsWarningFromTheFirstThresholdAndExhaustedAtTheLimit() {
        define(budget("b-org", BudgetScopeType.ORG, "acme", 10_000, BudgetPeriod.DAILY).build());

        spend("acme", T0, 4_999);
        BudgetStatus below = lastState("b-org").getStatus();
        spend("acme", T0.plusSeconds(1), 1);
        BudgetStatus atHalf = lastState("b-org").getStatus();
        spend("acme", T0.plusSeconds(2), 5_000);
        BudgetState atLimit = lastState("b-org");
        spend("acme", T0.plusSeconds(3), 2_000);
        BudgetState over = lastState("b-org");

        assertThat(below).isEqualTo(BudgetStatus.OK);
        assertThat(atHalf).isEqualTo(BudgetStatus.WARNING);
        assertThat(atLimit.getStatus()).isEqualTo(BudgetStatus.EXHAUSTED);
        assertThat(atLimit.getRemainingMicros()).isZero();
        assertThat(over.getSpentMicros()).isEqualTo(12_000);
        assertThat(over.getRemainingMicros()).isZero();
        assertThat(over.getEnforcement()).isEqualTo(BudgetEnforcement.HARD);
    }

    @Test
    void stopsCountingADeletedBudgetAndIgnoresAnUnenforceableDefinition() {
        define(budget("b-org", BudgetScopeType.ORG, "acme", 10_000, BudgetPeriod.DAILY).build());
        spend("acme", T0, 1_000);
        budgets.pipeInput("b-org", null, T0.plusSeconds(1));
        define(budget("b-bad", BudgetScopeType.ORG, "acme", 10_000, BudgetPeriod.DAILY).setTimeZone("Mars/Olympus")
                .build());
        states.readValuesToList();

        spend("acme", T0.plusSeconds(2), 1_000);

        assertThat(states.isEmpty()).isTrue();
    }

    @Test
    void appliesAChangedLimitToTheSpendAlreadyCounted() {
        define(budget("b-org", BudgetScopeType.ORG, "acme", 10_000, BudgetPeriod.DAILY).build());
        spend("acme", T0, 3_000);
        define(budget("b-org", BudgetScopeType.ORG, "acme", 4_000, BudgetPeriod.DAILY).build());

        spend("acme", T0.plusSeconds(1), 1_000);

        BudgetState state = lastState("b-org");
        assertThat(state.getSpentMicros()).isEqualTo(4_000);
        assertThat(state.getLimitMicros()).isEqualTo(4_000);
        assertThat(state.getStatus()).isEqualTo(BudgetStatus.EXHAUSTED);
    }

    static BudgetDefinition.Builder budget(String id, BudgetScopeType type, String scopeId, long amount,
            BudgetPeriod period) {
        return BudgetDefinition.newBuilder()
                .setBudgetId(id)
                .setScopeType(type)
                .setScopeId(scopeId)
                .setOrgId(type == BudgetScopeType.ORG ? scopeId : "acme")
                .setAmountMicros(amount)
                .setPeriod(period)
                .setThresholds(List.of(50, 80, 100))
                .setEnforcement(BudgetEnforcement.HARD)
                .setUpdatedAt(T0);
    }

    private void define(BudgetDefinition definition) {
        budgets.pipeInput(definition.getBudgetId(), definition, T0);
    }

    private void spend(String org, Instant at, long costMicros) {
        usage.pipeInput(org, UsageEvents.ok(org, at).setCostMicros(costMicros).build(), at);
    }

    private BudgetState lastState(String budgetId) {
        return states.readKeyValuesToList().stream().filter(kv -> kv.key.equals(budgetId)).reduce((a, b) -> b)
                .orElseThrow().value;
    }
}

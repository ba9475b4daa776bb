package dev.tollgate.streams.budgets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.events.v1.BudgetDefinition;
import dev.tollgate.events.v1.BudgetEnforcement;
import dev.tollgate.events.v1.BudgetLeaseGrant;
import dev.tollgate.events.v1.BudgetLeaseRequest;
import dev.tollgate.events.v1.BudgetLeaseReturn;
import dev.tollgate.events.v1.BudgetLeaseStatus;
import dev.tollgate.events.v1.BudgetPeriod;
import dev.tollgate.events.v1.BudgetScopeType;
import dev.tollgate.events.v1.BudgetState;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.serde.InMemoryRegistry;
import dev.tollgate.streams.serde.TestSerdes;
import dev.tollgate.streams.topology.StreamsApplication;
import dev.tollgate.streams.usage.UsageEvents;

/**
 * The owner of a hard budget leasing it out, through the real topology (TopologyTestDriver, exactly_once_v2): grants
 * from what is left, never twice for one request, settled by the usage that names a lease, returned, released after
 * expiry, and shrinking as the budget nears its end so that the last of it is shared.
 */
class BudgetLeaseTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-10T10:00:00Z");
    private static final LeaseTerms TERMS = new LeaseTerms(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofMinutes(15), Duration.ofMillis(500));

    @TempDir
    Path stateDir;

    private final InMemoryRegistry registry = new InMemoryRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, UsageEvent> usage;
    private TestInputTopic<String, BudgetDefinition> budgets;
    private TestInputTopic<String, BudgetLeaseRequest> requests;
    private TestOutputTopic<String, BudgetLeaseGrant> grants;
    private TestOutputTopic<String, BudgetState> states;
    private Instant wallClock = T0;

    @BeforeEach
    void start() {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, StreamsApplication.APPLICATION_ID);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        var builder = new org.apache.kafka.streams.StreamsBuilder();
        BudgetTopology.contribute(builder,
                dev.tollgate.streams.intake.UsageIntake.build(builder, Duration.ofHours(1),
                        () -> TestSerdes.deserializer(registry)),
                new BudgetSerdes(() -> TestSerdes.anyDeserializer(registry), () -> TestSerdes.anySerializer(registry),
                        () -> TestSerdes.anySerializer(registry), () -> TestSerdes.anyDeserializer(registry),
                        () -> TestSerdes.anySerializer(registry)), TERMS);
        driver = new TopologyTestDriver(builder.build(), config, T0);
        usage = driver.createInputTopic(Topics.USAGE, new StringSerializer(), TestSerdes.serializer(registry));
        budgets = driver.createInputTopic(Topics.BUDGETS, new StringSerializer(),
                TestSerdes.<BudgetDefinition>anySerializer(registry));
        requests = driver.createInputTopic(Topics.BUDGET_LEASE_REQUESTS, new StringSerializer(),
                TestSerdes.<BudgetLeaseRequest>anySerializer(registry));
        grants = driver.createOutputTopic(Topics.BUDGET_LEASE_GRANTS, new StringDeserializer(),
                TestSerdes.<BudgetLeaseGrant>anyDeserializer(registry));
        states = driver.createOutputTopic(Topics.BUDGET_STATE, new StringDeserializer(),
                TestSerdes.<BudgetState>anyDeserializer(registry));
        define("b-org", 10_000, BudgetEnforcement.HARD);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void grantsTheAskingReplicaALeaseOfTheDaysPeriodKeyedByOrg() {
        BudgetLeaseGrant grant = ask("gw-1", 1_000, 100);

        assertThat(grant.getStatus()).isEqualTo(BudgetLeaseStatus.GRANTED);
        assertThat(grant.getReplicaId()).isEqualTo("gw-1");
        assertThat(grant.getGrantedMicros()).isEqualTo(1_000);
        assertThat(grant.getLeaseId()).startsWith(Instant.parse("2026-11-10T00:00:00Z").toEpochMilli() + "-");
        assertThat(grant.getTtlMs()).isEqualTo(10_000);
        assertThat(grant.getExpiresAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(grant.getPeriodEnd()).isEqualTo(Instant.parse("2026-11-11T00:00:00Z"));
        assertThat(grant.getOutstandingMicros()).isEqualTo(1_000);
        assertThat(leased()).isEqualTo(1_000);
    }

    @Test
    void answersARequestOnceEvenWhenItIsReadAgainSoNoLeaseIsGrantedTwice() {
        BudgetLeaseRequest request = request("gw-1", 1_000, 100, List.of());

        requests.pipeInput("acme", request, T0);
        requests.pipeInput("acme", request, T0);

        assertThat(grants.readValuesToList()).singleElement()
                .satisfies(g -> assertThat(g.getStatus()).isEqualTo(BudgetLeaseStatus.GRANTED));
        assertThat(leased()).isEqualTo(1_000);
    }

    @Test
    void grantsNoMoreThanWhatIsLeftWhateverFourReplicasAskFor() {
        long granted = 0;
        List<BudgetLeaseStatus> answers = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            for (String replica : List.of("gw-1", "gw-2", "gw-3", "gw-4")) {
                BudgetLeaseGrant grant = ask(replica, 3_000, 50);
                answers.add(grant.getStatus());
                granted += grant.getGrantedMicros();
                assertThat(grant.getSpentMicros() + grant.getOutstandingMicros()).isLessThanOrEqualTo(10_000);
            }
        }

        assertThat(granted).isLessThanOrEqualTo(10_000).isGreaterThan(10_000 - 50);
        assertThat(answers).contains(BudgetLeaseStatus.HELD).doesNotContain(BudgetLeaseStatus.EXHAUSTED);
    }

    @Test
    void shrinksLeasesAsTheBudgetNearsItsEndSoTheLastOfItIsShared() {
        List<Long> sizes = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            sizes.add(ask(i % 2 == 0 ? "gw-1" : "gw-2", 4_000, 100).getGrantedMicros());
        }

        assertThat(sizes.get(0)).isEqualTo(4_000);
        // Each later grant is at most half of a replica's share of what is left, and never below the minimum.
        assertThat(sizes.subList(1, 6)).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(sizes.get(3)).isLessThan(sizes.get(1));
        assertThat(sizes.stream().filter(s -> s > 0)).allSatisfy(s -> assertThat(s).isGreaterThanOrEqualTo(100));
        assertThat(sizes.stream().mapToLong(Long::longValue).sum()).isLessThanOrEqualTo(10_000);
    }

    @Test
    void settlesALeaseWithTheUsageThatNamesItAndFreesWhatItsReturnLeavesUnused() {
        BudgetLeaseGrant grant = ask("gw-1", 3_000, 100);
        spendOn(grant, 1_200);
        spendOn(grant, 300);
        assertThat(leased()).isEqualTo(1_500);

        requests.pipeInput("acme", request("gw-1", 0, 0, List.of(returned(grant, 1_500, true))), T0);

        assertThat(leased()).isZero();
        assertThat(store().get("b-org").leases()).as("settled and returned: forgotten").isEmpty();
        assertThat(store().get("b-org").spentMicros()).isEqualTo(1_500);
        assertThat(store().get("b-org").unleasedMicros()).isZero();
        // 8,500 left and one replica asking: half of it, the most one replica gets at once.
        assertThat(ask("gw-2", 20_000, 100).getGrantedMicros()).isEqualTo(4_250);
    }

    @Test
    void aReturnWithRequestsInFlightHoldsTheirWorstCaseUntilTheirUsageArrives() {
        BudgetLeaseGrant grant = ask("gw-1", 3_000, 100);
        spendOn(grant, 500);

        // 500 spent, 400 still reserved by requests in flight: the replica returns it with a bound of 900.
        requests.pipeInput("acme", request("gw-1", 0, 0, List.of(returned(grant, 900, false))), T0);
        assertThat(leased()).isEqualTo(400);
        spendOn(grant, 250);
        assertThat(leased()).isEqualTo(150);
        requests.pipeInput("acme", request("gw-1", 0, 0, List.of(returned(grant, 750, true))), T0);

        assertThat(leased()).isZero();
        assertThat(store().get("b-org").leases()).isEmpty();
        assertThat(store().get("b-org").spentMicros()).isEqualTo(750);
    }

    @Test
    void releasesAnUnreturnedLeaseASettleGraceAfterItExpiresAndNotBefore() {
        BudgetLeaseGrant grant = ask("gw-dead", 6_000, 6_000);
        spendOn(grant, 1_000);

        advance(Duration.ofSeconds(10 + 29));
        assertThat(leased()).as("within the grace: its replica may still be paying from it").isEqualTo(5_000);
        assertThat(ask("gw-2", 9_000, 6_000).getStatus()).isEqualTo(BudgetLeaseStatus.HELD);

        advance(Duration.ofSeconds(2));
        assertThat(leased()).isZero();
        BudgetLeaseGrant after = ask("gw-2", 9_000, 6_000);
        assertThat(after.getStatus()).isEqualTo(BudgetLeaseStatus.GRANTED);
        assertThat(after.getGrantedMicros()).isEqualTo(6_000);
        assertThat(after.getSpentMicros() + after.getOutstandingMicros()).isEqualTo(7_000);
    }

    @Test
    void countsUsageOfAnExpiredAndReleasedLeaseAsUnleased() {
        BudgetLeaseGrant grant = ask("gw-1", 1_000, 100);
        advance(Duration.ofSeconds(45));

        spendOn(grant, 300);

        assertThat(store().get("b-org").unleasedMicros()).isEqualTo(300);
        assertThat(store().get("b-org").spentMicros()).isEqualTo(300);
    }

    @Test
    void saysExhaustedOnceTheLimitIsSpentAndHeldWhileLeasesMayStillComeBack() {
        BudgetLeaseGrant all = ask("gw-1", 10_000, 10_000);
        assertThat(ask("gw-2", 500, 100).getStatus()).isEqualTo(BudgetLeaseStatus.HELD);

        spendOn(all, 9_960);
        requests.pipeInput("acme", request("gw-1", 0, 0, List.of(returned(all, 9_960, true))), T0);
        BudgetLeaseGrant denied = ask("gw-2", 500, 100);

        assertThat(denied.getStatus()).isEqualTo(BudgetLeaseStatus.EXHAUSTED);
        assertThat(denied.getSpentMicros()).isEqualTo(9_960);
        assertThat(denied.getOutstandingMicros()).isZero();
        assertThat(denied.getLimitMicros()).isEqualTo(10_000);
        assertThat(ask("gw-2", 500, 40).getGrantedMicros()).as("a request that fits what is left").isEqualTo(40);
    }

    @Test
    void answersUnknownForASoftBudgetAndIgnoresARequestOlderThanALease() {
        define("b-soft", 10_000, BudgetEnforcement.SOFT);
        requests.pipeInput("acme", BudgetLeaseRequest.newBuilder(request("gw-1", 1_000, 100, List.of())).setBudgetId("b-soft").build(),
                T0);
        assertThat(grants.readValuesToList()).singleElement()
                .satisfies(g -> assertThat(g.getStatus()).isEqualTo(BudgetLeaseStatus.UNKNOWN));

        requests.pipeInput("acme", BudgetLeaseRequest.newBuilder(request("gw-1", 1_000, 100, List.of()))
                .setSentAt(T0.minusSeconds(11)).build(), T0);
        assertThat(grants.isEmpty()).isTrue();
        assertThat(leased()).isZero();
    }

    @Test
    void ignoresARequestKeyedByAnotherOrgThanItsOwn() {
        requests.pipeInput("globex", request("gw-1", 1_000, 100, List.of()), T0);

        assertThat(grants.isEmpty()).isTrue();
    }

    @Test
    void paysARequestAdmittedBeforeMidnightFromItsLeasesDayAndPublishesNoStateForLeasesAlone() {
        Instant lastSecond = Instant.parse("2026-11-10T23:59:59Z");
        advance(Duration.between(T0, lastSecond));
        requests.pipeInput("acme", BudgetLeaseRequest.newBuilder(request("gw-1", 1_000, 100, List.of()))
                .setSentAt(lastSecond).build(), lastSecond);
        BudgetLeaseGrant grant = grants.readValuesToList().get(0);
        assertThat(grant.getPeriodStart()).isEqualTo(Instant.parse("2026-11-10T00:00:00Z"));
        assertThat(states.isEmpty()).as("a grant changes no spend").isTrue();

        usage.pipeInput("acme", UsageEvents.ok("acme", Instant.parse("2026-11-11T00:00:02Z")).setCostMicros(400)
                .setBudgetLeases(Map.of("b-org", grant.getLeaseId())).build(), Instant.parse("2026-11-11T00:00:02Z"));

        BudgetState state = states.readValuesToList().get(0);
        assertThat(state.getPeriodStart()).isEqualTo(Instant.parse("2026-11-10T00:00:00Z"));
        assertThat(state.getSpentMicros()).isEqualTo(400);
    }

    /** Moves the driver's wall clock, which the owner's grants and sweeps read, and the replicas' clock with it. */
    private void advance(Duration duration) {
        driver.advanceWallClockTime(duration);
        wallClock = wallClock.plus(duration);
    }

    private BudgetLeaseGrant ask(String replica, long requested, long min) {
        requests.pipeInput("acme", request(replica, requested, min, List.of()), T0);
        List<BudgetLeaseGrant> answers = grants.readValuesToList();
        assertThat(answers).hasSize(1);
        return answers.get(0);
    }

    private BudgetLeaseRequest request(String replica, long requested, long min, List<BudgetLeaseReturn> returns) {
        return BudgetLeaseRequest.newBuilder().setEventId(UUID.randomUUID().toString()).setOrgId("acme")
                .setBudgetId("b-org").setReplicaId(replica).setRequestedMicros(requested).setMinMicros(min)
                .setReturns(returns).setSentAt(wallClock).build();
    }

    private static BudgetLeaseReturn returned(BudgetLeaseGrant grant, long used, boolean complete) {
        return BudgetLeaseReturn.newBuilder().setLeaseId(grant.getLeaseId()).setUsedMicros(used).setComplete(complete)
                .build();
    }

    private void spendOn(BudgetLeaseGrant grant, long cost) {
        usage.pipeInput("acme", UsageEvents.ok("acme", T0).setCostMicros(cost)
                .setBudgetLeases(Map.of("b-org", grant.getLeaseId())).build(), T0);
    }

    private long leased() {
        BudgetSpend spend = store().get("b-org");
        return spend == null ? 0 : spend.outstandingMicros();
    }

    private KeyValueStore<String, BudgetSpend> store() {
        return driver.getKeyValueStore(BudgetTopology.SPEND_STORE);
    }

    private void define(String id, long amount, BudgetEnforcement enforcement) {
        budgets.pipeInput(id, BudgetDefinition.newBuilder().setBudgetId(id).setScopeType(BudgetScopeType.ORG)
                .setScopeId("acme").setOrgId("acme").setAmountMicros(amount).setPeriod(BudgetPeriod.DAILY)
                .setThresholds(List.of(50, 80, 100)).setEnforcement(enforcement).setUpdatedAt(T0).build(), T0);
    }
}

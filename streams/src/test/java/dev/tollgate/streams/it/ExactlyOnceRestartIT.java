package dev.tollgate.streams.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.events.v1.BudgetDefinition;
import dev.tollgate.events.v1.BudgetEnforcement;
import dev.tollgate.events.v1.BudgetPeriod;
import dev.tollgate.events.v1.BudgetScopeType;
import dev.tollgate.events.v1.BudgetState;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.local.kafka.KafkaBroker;
import dev.tollgate.local.process.Ports;
import dev.tollgate.local.testing.SharedInfra;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.usage.UsageEvents;
import io.restassured.path.json.JsonPath;

/**
 * Exactly-once across a crash: the real app (a child JVM) is killed with SIGKILL while it works through a backlog,
 * then restarted on the same {@code state.dir} and application id, and every total, budget spend and budget state
 * output still counts each distinct event exactly once. The backlog holds re-deliveries of early events at its end,
 * so the dedupe state must survive the crash too. The events are stamped as two gateways would stamp them (producer
 * id and sequence number), except one in ten left unstamped as an older gateway's: the copies are judged by the
 * producers' seen-number blocks (restored from their changelog after the kill; each copy is up to 27,000 numbers
 * late, many blocks behind its producer's latest) and by the event-id store.
 *
 * <p>Its own broker: the app under test must be the only member of the {@code tollgate-streams} group, and the
 * {@code @QuarkusTest} ITs of this module run one in the test JVM against the shared broker.
 */
class ExactlyOnceRestartIT {

    private static final Duration PATIENCE = Duration.ofSeconds(180);
    private static final int ORGS = 8;
    private static final int EVENTS = 60_000;
    private static final int REDELIVERED = 2_000;
    /** The gateways that stamp the events, each numbering its own 1, 2, 3, ... */
    private static final List<String> PRODUCERS = List.of("gw-restart-1", "gw-restart-2");

    @TempDir
    static Path workDir;

    private static KafkaBroker kafka;
    private static String registry;

    @BeforeAll
    static void startBroker() {
        kafka = new KafkaBroker(KafkaBroker.Config.ephemeral(workDir.resolve("kafka"))).start();
        kafka.createTopics(Topics.all());
        registry = SharedInfra.registry().url();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void countsEveryEventOnceWhenAnInstanceIsKilledMidBacklogAndRestartedOnItsState() throws Exception {
        Instant t0 = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.MILLIS);
        Map<String, Expected> expected = new TreeMap<>();
        try (KafkaProducer<String, SpecificRecord> producer = Kafka.producer(kafka.bootstrapServers(), registry)) {
            for (int o = 0; o < ORGS; o++) {
                producer.send(new ProducerRecord<>(Topics.BUDGETS, budgetId(org(o)), budget(org(o), t0)));
            }
            producer.flush();
            List<UsageEvent> firstCopies = new ArrayList<>();
            long[] sequences = new long[PRODUCERS.size()];
            for (int i = 0; i < EVENTS; i++) {
                String org = org(i % ORGS);
                UsageEvent.Builder builder = UsageEvents.ok(org, t0.plusMillis(i * 5L)).setCostMicros(1 + i % 97)
                        .setEndpointId("ep-" + i % 3);
                if (i % 10 != 9) {
                    int gateway = (i / ORGS) % PRODUCERS.size(); // each org gets events of both
                    builder.setProducerId(PRODUCERS.get(gateway)).setProducerSequence(++sequences[gateway]);
                }
                UsageEvent event = builder.build();
                expected.computeIfAbsent(org, o -> new Expected()).add(event);
                producer.send(new ProducerRecord<>(Topics.USAGE, null, event.getCompletedAt().toEpochMilli(), org,
                        event));
                if (i < REDELIVERED) {
                    firstCopies.add(event);
                }
            }
            for (UsageEvent copy : firstCopies) {
                producer.send(new ProducerRecord<>(Topics.USAGE, null, copy.getCompletedAt().toEpochMilli(),
                        copy.getOrgId(), copy));
            }
            producer.flush();
        }
        long backlog = EVENTS + REDELIVERED;

        Path stateDir = Files.createDirectories(workDir.resolve("state"));
        int port = Ports.freePort();
        long committedAtKill;
        try (StreamsInstance first = start(stateDir, port, "first")) {
            committedAtKill = Kafka.awaitCommitted(kafka, Topics.USAGE, backlog / 10, PATIENCE);
            first.kill();
            assertThat(committedAtKill).as("killed mid-backlog").isLessThan(backlog);
        }
        try (StreamsInstance second = start(stateDir, port, "second")) {
            Kafka.awaitCommitted(kafka, Topics.USAGE, backlog, PATIENCE);

            for (Map.Entry<String, Expected> org : expected.entrySet()) {
                Eventually.within(PATIENCE, () -> {
                    JsonPath totals = given().get(second.baseUrl() + "/v1/usage/orgs/{org}/totals", org.getKey())
                            .then().extract().jsonPath();
                    assertThat(totals.getLong("requests")).as(org.getKey()).isEqualTo(org.getValue().requests);
                });
                JsonPath totals = given().get(second.baseUrl() + "/v1/usage/orgs/{org}/totals", org.getKey())
                        .then().statusCode(200).extract().jsonPath();
                assertThat(totals.getLong("cost_micros")).as(org.getKey()).isEqualTo(org.getValue().costMicros);
                JsonPath budget = given().get(second.baseUrl() + "/v1/budgets/{id}", budgetId(org.getKey()))
                        .then().statusCode(200).extract().jsonPath();
                assertThat(budget.getLong("spent_micros")).as(org.getKey()).isEqualTo(org.getValue().costMicros);
            }
            assertThat(second.isAlive()).as(second::logTail).isTrue();
        }

        // What a read_committed consumer downstream sees: each budget's states grow with every commit and end at the
        // whole spend. A state of the transaction the kill cut short is never visible; one counted twice would end
        // above it.
        Map<String, List<BudgetState>> states = Kafka.readCommitted(kafka.bootstrapServers(), registry,
                Topics.BUDGET_STATE, ORGS);
        for (Map.Entry<String, Expected> org : expected.entrySet()) {
            List<Long> spent = states.get(budgetId(org.getKey())).stream().map(BudgetState::getSpentMicros).toList();
            assertThat(spent).as(org.getKey()).isSorted().doesNotHaveDuplicates()
                    .endsWith(org.getValue().costMicros);
        }
    }

    private static StreamsInstance start(Path stateDir, int port, String name) {
        // A short session timeout lets the restarted instance take over the killed one's partitions in seconds
        // instead of the default 45 s.
        return StreamsInstance.start("eos-" + name, kafka.bootstrapServers(), registry, stateDir, port,
                workDir.resolve("streams-" + name + ".log"), Map.of(
                        "kafka-streams.session.timeout.ms", "6000",
                        "kafka-streams.heartbeat.interval.ms", "1000"));
    }

    private static String org(int index) {
        return "eos-org-" + index;
    }

    private static String budgetId(String org) {
        return "budget-" + org;
    }

    private static BudgetDefinition budget(String org, Instant at) {
        return BudgetDefinition.newBuilder().setBudgetId(budgetId(org)).setScopeType(BudgetScopeType.ORG)
                .setScopeId(org).setOrgId(org).setAmountMicros(1_000_000_000_000L).setPeriod(BudgetPeriod.MONTHLY)
                .setTimeZone("UTC").setThresholds(List.of(100)).setEnforcement(BudgetEnforcement.SOFT)
                .setUpdatedAt(at).build();
    }

    /** What one org's distinct events add up to. */
    private static final class Expected {
        long requests;
        long costMicros;

        void add(UsageEvent event) {
            requests++;
            costMicros += event.getCostMicros();
        }
    }
}

package dev.tollgate.streams.it;

import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.control.v1.AlertRule;
import dev.tollgate.control.v1.AlertRuleKind;
import dev.tollgate.control.v1.AlertScope;
import dev.tollgate.control.v1.AlertSeverity;
import dev.tollgate.events.v1.AlertState;
import dev.tollgate.events.v1.AlertTransition;
import dev.tollgate.events.v1.BudgetDefinition;
import dev.tollgate.events.v1.BudgetEnforcement;
import dev.tollgate.events.v1.BudgetPeriod;
import dev.tollgate.events.v1.BudgetScopeType;
import dev.tollgate.events.v1.EndpointHealthReport;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.local.kafka.KafkaBroker;
import dev.tollgate.local.process.Ports;
import dev.tollgate.local.testing.SharedInfra;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.usage.UsageEvents;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Interactive queries across two instances of the real app (two child JVMs, one application id, each advertising
 * its own {@code application.server}): whichever instance is asked answers every key with the right figures,
 * including the keys whose store partition the other instance owns: totals by org, usage rollups by org, (org,
 * model), (org, key) and endpoint, and budget status. The orgs are chosen so that every usage partition holds some,
 * and the test checks that the group really split the partitions between the two instances.
 *
 * <p>The same data also shows, on a real broker, a late event within the 1-minute grace counted in its window and
 * a re-delivered event id counted once. A second test lists the alerts of endpoints spread over every partition from
 * either instance (gathered from both), asks each about one endpoint (routed to its owner), and finds one transition
 * per alert on the topic.
 */
class TwoInstanceQueryIT {

    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final int PARTITIONS = 6;
    private static final String[] MODELS = {"m-small", "m-large"};
    private static final String[] ENDPOINTS = {"ep-a", "ep-b", "ep-c", "ep-d", "ep-e"};

    @TempDir
    static Path workDir;

    private static KafkaBroker kafka;
    private static String registry;
    private static StreamsInstance first;
    private static StreamsInstance second;

    @BeforeAll
    static void startTwoInstances() {
        kafka = new KafkaBroker(KafkaBroker.Config.ephemeral(workDir.resolve("kafka"))).start();
        kafka.createTopics(Topics.all());
        registry = SharedInfra.registry().url();
        // Both start on empty state at the same time, so the assignor spreads the active tasks between them
        // instead of keeping them on a caught-up instance and only warming the other up.
        CompletableFuture<StreamsInstance> a = CompletableFuture.supplyAsync(() -> start("instance-a"));
        CompletableFuture<StreamsInstance> b = CompletableFuture.supplyAsync(() -> start("instance-b"));
        first = a.join();
        second = b.join();
    }

    @AfterAll
    static void stopAll() {
        for (AutoCloseable part : new AutoCloseable[] {first, second, kafka}) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception e) {
                // keep stopping the others
            }
        }
    }

    @Test
    void answersEveryKeyFromEitherInstanceIncludingKeysTheOtherInstanceOwns() throws Exception {
        Map<String, Set<Integer>> owned = awaitBothOwnUsagePartitions();
        List<String> orgs = orgsCoveringEveryPartition(2);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant late = now.minus(Duration.ofMinutes(3));

        Map<String, Long> requestsByRollupKey = new HashMap<>();
        Map<String, Long> costByOrg = new TreeMap<>();
        Map<String, Long> requestsByEndpoint = new TreeMap<>();
        try (KafkaProducer<String, SpecificRecord> producer = Kafka.producer(kafka.bootstrapServers(), registry)) {
            for (String org : orgs) {
                producer.send(new ProducerRecord<>(Topics.BUDGETS, budgetId(org), budget(org, now)));
            }
            producer.flush();
            for (String org : orgs) {
                Eventually.within(PATIENCE, () -> {
                    for (StreamsInstance instance : List.of(first, second)) {
                        assertThat(given().get(instance.baseUrl() + "/v1/budgets/{id}", budgetId(org)).statusCode())
                                .as("definition of %s loaded on %s", org, instance.baseUrl()).isEqualTo(200);
                    }
                });
            }
            int n = 0;
            for (String org : orgs) {
                int events = 3 + Math.floorMod(org.hashCode(), 5);
                UsageEvent redelivered = null;
                for (int i = 0; i < events; i++, n++) {
                    String model = MODELS[i % MODELS.length];
                    String key = "key-" + (i % 2);
                    String endpoint = ENDPOINTS[n % ENDPOINTS.length];
                    UsageEvent event = UsageEvents.ok(org, now.plusMillis(i)).setModel(model).setKeyId(key)
                            .setEndpointId(endpoint).setCostMicros(100L * (i + 1)).build();
                    send(producer, event);
                    redelivered = event;
                    requestsByRollupKey.merge(org + "|model|" + model, 1L, Long::sum);
                    requestsByRollupKey.merge(org + "|key|" + key, 1L, Long::sum);
                    requestsByRollupKey.merge(org, 1L, Long::sum);
                    costByOrg.merge(org, event.getCostMicros(), Long::sum);
                    requestsByEndpoint.merge(endpoint, 1L, Long::sum);
                }
                send(producer, redelivered);
                // Three minutes late: the stream time of its partition is now, and the 1-minute windows accept
                // events up to five minutes after they end.
                UsageEvent lateEvent = UsageEvents.ok(org, late).setModel(MODELS[0]).setKeyId("key-0")
                        .setEndpointId(null).setCostMicros(7).build();
                send(producer, lateEvent);
                requestsByRollupKey.merge(org + "|model|" + MODELS[0], 1L, Long::sum);
                requestsByRollupKey.merge(org + "|key|key-0", 1L, Long::sum);
                requestsByRollupKey.merge(org, 1L, Long::sum);
                costByOrg.merge(org, 7L, Long::sum);
            }
            producer.flush();
        }

        for (StreamsInstance asked : List.of(first, second)) {
            for (String org : orgs) {
                long requests = requestsByRollupKey.get(org);
                // Budgets and rollups are written when the owning task commits, so they may trail the totals by
                // one commit interval: wait for the whole picture of the org, not just its totals.
                Eventually.within(PATIENCE, () -> assertOrg(asked, org, requests, costByOrg.get(org),
                        requestsByRollupKey, late));
            }
            for (Map.Entry<String, Long> endpoint : requestsByEndpoint.entrySet()) {
                Eventually.within(PATIENCE, () -> assertThat(dayRequests(asked, Map.of("endpoint", endpoint.getKey())))
                        .as(endpoint.getKey()).isEqualTo(endpoint.getValue()));
            }
        }

        assertThat(usagePartitionsByInstance()).as("the ownership the test relied on did not move").isEqualTo(owned);
        for (Set<Integer> partitions : owned.values()) {
            assertThat(orgs).as("each instance owns some of the orgs asked about, and is asked about the others")
                    .anyMatch(org -> partitions.contains(partitionOf(org)))
                    .anyMatch(org -> !partitions.contains(partitionOf(org)));
        }
        assertThat(first.isAlive()).as(first::logTail).isTrue();
        assertThat(second.isAlive()).as(second::logTail).isTrue();
    }

    @Test
    void listsEveryAlertFromEitherInstanceAndAsksTheOwnerAboutOneEndpoint() {
        awaitBothOwnUsagePartitions();
        List<String> endpoints = keysCoveringEveryPartition("two-inst-ep-", 1);
        Instant now = Instant.now();
        try (KafkaProducer<String, SpecificRecord> producer = Kafka.producer(kafka.bootstrapServers(), registry)) {
            producer.send(new ProducerRecord<>(Topics.ALERT_RULES, "two-inst-down", AlertRule.newBuilder()
                    .setRuleId("two-inst-down").setName("EndpointDown").setKind(AlertRuleKind.ENDPOINT_DOWN)
                    .setScope(AlertScope.ENDPOINT).setSeverity(AlertSeverity.CRITICAL).setUpdatedAt(now).setVersion(1)
                    .build()));
            producer.flush();
            // A report that arrives before the rule is evaluated again at the next tick, so no wait for the rule.
            Eventually.within(PATIENCE, () -> assertThat(given().get(first.baseUrl() + "/v1/alerts").statusCode())
                    .isEqualTo(200));
            for (String endpoint : endpoints) {
                producer.send(new ProducerRecord<>(Topics.ENDPOINT_HEALTH, endpoint, EndpointHealthReport.newBuilder()
                        .setEventId(endpoint).setEndpointId(endpoint).setModel("m").setReplicaId("gateway-1")
                        .setUp(false).setChangedAt(now).setReportedAt(Instant.now()).setValidForMs(600_000).build()));
            }
            producer.flush();
        }

        for (StreamsInstance asked : List.of(first, second)) {
            Eventually.within(PATIENCE, () -> {
                JsonPath all = given().queryParam("rule", "two-inst-down").get(asked.baseUrl() + "/v1/alerts").then()
                        .statusCode(200).extract().jsonPath();
                assertThat(all.getList("data.labels.endpoint")).as("every alert, from both instances")
                        .containsExactlyInAnyOrderElementsOf(endpoints);
                assertThat(all.getList("data.state")).containsOnly("firing");
            });
            for (String endpoint : endpoints) {
                JsonPath one = given().queryParam("endpoint", endpoint).get(asked.baseUrl() + "/v1/alerts").then()
                        .statusCode(200).extract().jsonPath();
                assertThat(one.getList("data.labels.endpoint")).as(endpoint).containsExactly(endpoint);
            }
        }
        Map<String, List<AlertTransition>> transitions = Kafka.readCommitted(kafka.bootstrapServers(), registry,
                Topics.ALERTS, endpoints.size());
        assertThat(transitions.values()).as("one FIRING per endpoint, however many instances run")
                .allSatisfy(list -> assertThat(list).extracting(AlertTransition::getState)
                        .containsExactly(AlertState.FIRING));
        assertThat(transitions).hasSize(endpoints.size());
    }

    /** What {@code asked} answers about {@code org}: totals, budget, and rollups by org, model and key. */
    private static void assertOrg(StreamsInstance asked, String org, long requests, long cost,
            Map<String, Long> requestsByRollupKey, Instant late) {
        Response response = given().get(asked.baseUrl() + "/v1/usage/orgs/{org}/totals", org);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        JsonPath totals = response.jsonPath();
        assertThat(totals.getLong("requests")).as(org).isEqualTo(requests);
        assertThat(totals.getLong("cost_micros")).as(org).isEqualTo(cost);

        JsonPath budget = given().get(asked.baseUrl() + "/v1/budgets/{id}", budgetId(org)).then()
                .statusCode(200).extract().jsonPath();
        assertThat(budget.getString("org_id")).isEqualTo(org);
        assertThat(budget.getLong("spent_micros")).as(org).isEqualTo(cost);
        assertThat(budget.getLong("remaining_micros")).isEqualTo(1_000_000 - cost);
        assertThat(budget.getString("status")).isEqualTo("OK");

        assertThat(dayRequests(asked, Map.of("org", org))).as(org).isEqualTo(requests);
        for (String model : MODELS) {
            assertThat(dayRequests(asked, Map.of("org", org, "model", model))).as(org + " " + model)
                    .isEqualTo(requestsByRollupKey.getOrDefault(org + "|model|" + model, 0L));
        }
        for (String key : List.of("key-0", "key-1")) {
            assertThat(dayRequests(asked, Map.of("org", org, "key", key))).as(org + " " + key)
                    .isEqualTo(requestsByRollupKey.getOrDefault(org + "|key|" + key, 0L));
        }
        JsonPath lateMinute = usage(asked, Map.of("org", org), "1m", late, late);
        assertThat(lateMinute.getList("data")).as("the late event's minute of %s", org).hasSize(1);
        assertThat(lateMinute.getLong("data[0].requests")).isEqualTo(1);
        assertThat(lateMinute.getLong("data[0].cost_micros")).isEqualTo(7);
    }

    private static StreamsInstance start(String name) {
        return StreamsInstance.start(name, kafka.bootstrapServers(), registry, workDir.resolve("state-" + name),
                Ports.freePort(), workDir.resolve(name + ".log"), Map.of());
    }

    /** Waits for a stable group in which each instance owns at least one usage partition; returns who owns what. */
    private static Map<String, Set<Integer>> awaitBothOwnUsagePartitions() {
        Map<String, Set<Integer>> owned = new HashMap<>();
        Eventually.within(PATIENCE, () -> {
            owned.clear();
            owned.putAll(usagePartitionsByInstance());
            assertThat(owned).as("usage partitions by instance").containsOnlyKeys("instance-a", "instance-b");
            assertThat(owned.values()).allSatisfy(partitions -> assertThat(partitions).isNotEmpty());
            assertThat(owned.values().stream().mapToInt(Set::size).sum()).isEqualTo(PARTITIONS);
        });
        return owned;
    }

    /** The usage partitions each instance (by client id prefix) owns in a stable group; empty while unstable. */
    private static Map<String, Set<Integer>> usagePartitionsByInstance() {
        try (Admin admin = kafka.admin()) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(Kafka.APPLICATION_ID))
                    .describedGroups().get(Kafka.APPLICATION_ID).get(10, TimeUnit.SECONDS);
            Map<String, Set<Integer>> owned = new TreeMap<>();
            if (group.groupState() != GroupState.STABLE) {
                return owned;
            }
            for (MemberDescription member : group.members()) {
                String instance = member.clientId().startsWith("instance-a") ? "instance-a"
                        : member.clientId().startsWith("instance-b") ? "instance-b" : member.clientId();
                Set<Integer> partitions = owned.computeIfAbsent(instance, i -> new HashSet<>());
                for (TopicPartition partition : member.assignment().topicPartitions()) {
                    if (partition.topic().equals(Topics.USAGE)) {
                        partitions.add(partition.partition());
                    }
                }
            }
            return owned;
        } catch (Exception e) {
            throw new AssertionError("cannot describe the group: " + e, e);
        }
    }

    /** Org ids such that every usage partition holds {@code perPartition} of them. */
    private static List<String> orgsCoveringEveryPartition(int perPartition) {
        return keysCoveringEveryPartition("two-inst-org-", perPartition);
    }

    /** Keys starting with {@code prefix} such that every partition holds {@code perPartition} of them. */
    private static List<String> keysCoveringEveryPartition(String prefix, int perPartition) {
        Map<Integer, List<String>> byPartition = new TreeMap<>();
        for (int i = 0; byPartition.values().stream().mapToInt(List::size).sum() < PARTITIONS * perPartition; i++) {
            String org = prefix + i;
            List<String> orgs = byPartition.computeIfAbsent(partitionOf(org), p -> new ArrayList<>());
            if (orgs.size() < perPartition) {
                orgs.add(org);
            }
        }
        return byPartition.values().stream().flatMap(List::stream).toList();
    }

    /** The partition the producer's default partitioner gives a String key. */
    private static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(UTF_8))) % PARTITIONS;
    }

    private static long dayRequests(StreamsInstance asked, Map<String, String> key) {
        Instant now = Instant.now();
        JsonPath day = usage(asked, key, "1d", now.minus(Duration.ofDays(1)), now);
        List<Object> windows = day.getList("data");
        long requests = 0;
        for (int i = 0; i < windows.size(); i++) {
            requests += day.getLong("data[" + i + "].requests");
        }
        return requests;
    }

    private static JsonPath usage(StreamsInstance asked, Map<String, String> key, String granularity, Instant from,
            Instant to) {
        return given().queryParams(key).queryParam("granularity", granularity).queryParam("from", from.toString())
                .queryParam("to", to.toString()).get(asked.baseUrl() + "/v1/usage").then().statusCode(200).extract()
                .jsonPath();
    }

    private static void send(KafkaProducer<String, SpecificRecord> producer, UsageEvent event) {
        producer.send(new ProducerRecord<>(Topics.USAGE, null, event.getCompletedAt().toEpochMilli(),
                event.getOrgId(), event));
    }

    private static String budgetId(String org) {
        return "budget-" + org;
    }

    private static BudgetDefinition budget(String org, Instant at) {
        return BudgetDefinition.newBuilder().setBudgetId(budgetId(org)).setScopeType(BudgetScopeType.ORG)
                .setScopeId(org).setOrgId(org).setAmountMicros(1_000_000).setPeriod(BudgetPeriod.MONTHLY)
                .setTimeZone("UTC").setThresholds(List.of(80, 100)).setEnforcement(BudgetEnforcement.HARD)
                .setUpdatedAt(at).build();
    }
}

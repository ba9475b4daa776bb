package dev.tollgate.streams.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import dev.tollgate.events.v1.BudgetDefinition;
import dev.tollgate.events.v1.BudgetEnforcement;
import dev.tollgate.events.v1.BudgetPeriod;
import dev.tollgate.events.v1.BudgetScopeType;
import dev.tollgate.events.v1.BudgetState;
import dev.tollgate.events.v1.BudgetStatus;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.usage.UsageEvents;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Budgets and rollups against a real KRaft broker and the real Apicurio Registry: a budget definition and usage go
 * in with the real serializer; budget state comes out on {@code tollgate.budget-state.v1} and over HTTP, and the
 * usage is queryable as rollups. Each test uses its own org and budget ids.
 */
@QuarkusTest
@WithTestResource(TollgateInfraResource.class)
@WithTestResource(FreshStateDirResource.class)
class BudgetsAndRollupsIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @Test
    void publishesBudgetStateAndServesItWithTheRollups() throws Exception {
        String org = "it-budget-" + UUID.randomUUID();
        String budgetId = "b-" + UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        BudgetDefinition definition = BudgetDefinition.newBuilder()
                .setBudgetId(budgetId).setScopeType(BudgetScopeType.ORG).setScopeId(org).setOrgId(org)
                .setAmountMicros(4_000).setPeriod(BudgetPeriod.MONTHLY).setTimeZone("Europe/Berlin")
                .setThresholds(List.of(50, 100)).setEnforcement(BudgetEnforcement.HARD).setUpdatedAt(now)
                .build();

        try (KafkaProducer<String, SpecificRecord> producer = producer()) {
            producer.send(new ProducerRecord<>(Topics.BUDGETS, budgetId, definition)).get(30, TimeUnit.SECONDS);
            // Budgets count usage processed after their definition is loaded: wait until it is.
            Eventually.within(PATIENCE, () -> assertThat(given().get("/v1/budgets/{id}", budgetId).statusCode())
                    .isEqualTo(200));
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(Topics.USAGE, org, UsageEvents.ok(org, now.plusMillis(i))
                        .setEndpointId("ep-" + org).setTeamId(i < 2 ? "search" : null).build()))
                        .get(30, TimeUnit.SECONDS);
            }
        }

        // One state per budget per commit, with the spend after that commit's events: the three sends may share one.
        List<BudgetState> states = budgetStates(budgetId, 4_500);
        assertThat(states).extracting(BudgetState::getSpentMicros).isSorted().doesNotHaveDuplicates()
                .endsWith(4_500L).isSubsetOf(1_500L, 3_000L, 4_500L);
        assertThat(states.get(states.size() - 1).getStatus()).isEqualTo(BudgetStatus.EXHAUSTED);

        Eventually.within(PATIENCE, () -> {
            Response response = given().get("/v1/budgets/{id}", budgetId);
            assertThat(response.jsonPath().getLong("spent_micros")).as(response.asString()).isEqualTo(4_500);
        });
        JsonPath budget = given().get("/v1/budgets/{id}", budgetId).then().statusCode(200).extract().jsonPath();
        assertThat(budget.getString("object")).isEqualTo("budget.state");
        assertThat(budget.getString("status")).isEqualTo("EXHAUSTED");
        assertThat(budget.getLong("remaining_micros")).isZero();
        assertThat(budget.getString("time_zone")).isEqualTo("Europe/Berlin");

        Eventually.within(PATIENCE, () -> {
            JsonPath usage = given().queryParam("org", org).queryParam("granularity", "1d")
                    .queryParam("from", now.minus(Duration.ofDays(1)).toString())
                    .queryParam("to", now.plus(Duration.ofDays(1)).toString())
                    .get("/v1/usage").then().statusCode(200).extract().jsonPath();
            assertThat(usage.getList("data")).hasSize(1);
            assertThat(usage.getLong("data[0].requests")).isEqualTo(3);
            assertThat(usage.getLong("data[0].cost_micros")).isEqualTo(4_500);
            assertThat(usage.getLong("data[0].latency_ms.p50")).isEqualTo(250);
        });

        JsonPath byTeam = given().queryParam("org", org).queryParam("team", "search").queryParam("granularity", "1d")
                .queryParam("from", now.minus(Duration.ofDays(1)).toString())
                .queryParam("to", now.plus(Duration.ofDays(1)).toString())
                .get("/v1/usage").then().statusCode(200).extract().jsonPath();
        assertThat(byTeam.getString("key")).isEqualTo("org=" + org + "&team=search");
        assertThat(byTeam.getLong("data[0].requests")).isEqualTo(2);
        assertThat(byTeam.getLong("data[0].cost_micros")).isEqualTo(3_000);

        // The endpoint rollups are counted after a repartition, so they may be written one commit later.
        Eventually.within(PATIENCE, () -> {
            JsonPath byEndpoint = given().queryParam("endpoint", "ep-" + org).queryParam("granularity", "1h")
                    .queryParam("from", now.minus(Duration.ofHours(1)).toString()).queryParam("to", now.toString())
                    .get("/v1/usage").then().statusCode(200).extract().jsonPath();
            assertThat(byEndpoint.getList("data")).isNotEmpty();
            assertThat(byEndpoint.getLong("data[0].requests")).isEqualTo(3);
        });
    }

    @Test
    void answersUnknownBudgetsAndBadUsageQueriesInTheOpenAiErrorShape() {
        Eventually.within(PATIENCE, () -> assertThat(given().get("/v1/budgets/{id}", "no-such-budget").statusCode())
                .isEqualTo(404));
        assertThat(given().get("/v1/budgets/{id}", "no-such-budget").jsonPath().getString("error.code"))
                .isEqualTo("budget_not_found");

        JsonPath error = given().queryParam("org", "acme").queryParam("from", "yesterday")
                .queryParam("to", "2026-11-22T00:00:00Z").get("/v1/usage").then().statusCode(400).extract()
                .jsonPath();
        assertThat(error.getString("error.code")).isEqualTo("invalid_request");
        assertThat(error.getString("error.param")).isEqualTo("from");
        JsonPath twoDimensions = given().queryParam("org", "acme").queryParam("team", "t").queryParam("key", "k")
                .queryParam("from", "2026-11-22T00:00:00Z").queryParam("to", "2026-11-22T01:00:00Z").get("/v1/usage")
                .then().statusCode(400).extract().jsonPath();
        assertThat(twoDimensions.getString("error.message")).contains("(org, team)");
    }

    @Test
    void describesTheQueryApiInOpenApi() {
        String spec = given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();

        assertThat(spec).contains("/v1/usage", "/v1/budgets/{budgetId}", "/v1/usage/orgs/{orgId}/totals");
    }

    private static String config(String key) {
        return ConfigProvider.getConfig().getValue(key, String.class);
    }

    private static KafkaProducer<String, SpecificRecord> producer() {
        AvroKafkaSerializer<SpecificRecord> serializer = new AvroKafkaSerializer<>();
        serializer.configure(AvroSerdes.serializerConfig(config("tollgate.registry.url")), false);
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config("kafka.bootstrap.servers"),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), serializer);
    }

    /** The committed states of {@code budgetId}, in topic order, up to the first that has spent {@code spent}. */
    private static List<BudgetState> budgetStates(String budgetId, long spent) {
        List<BudgetState> states = new ArrayList<>();
        AvroKafkaDeserializer<BudgetState> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(AvroSerdes.deserializerConfig(config("tollgate.registry.url")), false);
        Map<String, Object> consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config("kafka.bootstrap.servers"),
                ConsumerConfig.GROUP_ID_CONFIG, "it-budget-state-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, BudgetState> consumer =
                new KafkaConsumer<>(consumerConfig, new StringDeserializer(), deserializer)) {
            consumer.subscribe(List.of(Topics.BUDGET_STATE));
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while ((states.isEmpty() || states.get(states.size() - 1).getSpentMicros() < spent)
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, BudgetState> record : consumer.poll(Duration.ofMillis(500))) {
                    if (budgetId.equals(record.key())) {
                        states.add(record.value());
                    }
                }
            }
        }
        return states;
    }
}

package dev.tollgate.gateway.budget;

import static dev.tollgate.gateway.admin.AdminApiIT.until;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.notNullValue;

import dev.tollgate.events.v1.BudgetEnforcement;
import dev.tollgate.events.v1.BudgetPeriod;
import dev.tollgate.events.v1.BudgetScopeType;
import dev.tollgate.events.v1.BudgetState;
import dev.tollgate.events.v1.BudgetStatus;
import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.gateway.UsageTopic;
import dev.tollgate.local.testing.PostgresResource;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.CalendarPeriods;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Budget enforcement by one gateway replica against real PostgreSQL, a real broker and the real registry. The
 * streams app is not running here: {@link LeaseOwnerStandIn} plays the budget owner's part over the real lease
 * topics, and the tests that need a published state publish {@code BudgetState} records to the real topic, as the
 * streams app does. The whole loop with the real owner is {@code e2e/BudgetLeasesIT}.
 */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
public class BudgetEnforcementIT {

    private static final Logger LOG = Logger.getLogger(BudgetEnforcementIT.class);
    private static final String ADMIN_TOKEN = "it-admin-token-0123456789";
    private static final String MODEL = VllmSimulatorResource.MODEL;
    private static final int CLIENTS = 64;
    private static LeaseOwnerStandIn owner;

    private static synchronized LeaseOwnerStandIn owner() {
        if (owner == null) {
            owner = new LeaseOwnerStandIn(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class),
                    ConfigProvider.getConfig().getValue("tollgate.registry.url", String.class));
        }
        return owner;
    }

    @AfterAll
    static void stopOwner() throws InterruptedException {
        if (owner != null) {
            owner.close();
        }
    }

    @Test
    void sixtyFourConcurrentClientsNeverSpendPastWhatTheOwnerLeasedOut() throws Exception {
        String org = createOrg();
        String key = createKey(org);
        long limit = 3_000;
        String budgetId = createBudget("{\"scope_type\":\"org\",\"scope_id\":\"" + org + "\",\"amount_micros\":"
                + limit + ",\"period\":\"daily\"}");
        owner().budget(budgetId, limit);
        awaitBudgetApplied(budgetId);
        Instant applied = Instant.now();

        List<String> refusals = hammer(key, Duration.ofSeconds(60));

        long spent;
        List<UsageEvent> events;
        try (UsageTopic usage = usageTopic()) {
            events = usage.await(e -> e.getOrgId().equals(org) && e.getStatus() == RequestStatus.OK,
                    Integer.MAX_VALUE, Duration.ofSeconds(8));
            spent = events.stream().mapToLong(UsageEvent::getCostMicros).sum();
            LOG.infof("budget leases measured clients=%d limit_micros=%d spent_micros=%d requests_ok=%d "
                    + "lease_requests=%d", CLIENTS, limit, spent, events.size(), owner().read.size());
        }
        assertThat(spent).as("spend of the org").isLessThanOrEqualTo(limit);
        assertThat(spent).as("the budget was actually used up, not refused early").isGreaterThan(limit / 2);
        assertThat(events).filteredOn(e -> e.getStartedAt().isAfter(applied)).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getBudgetLeases()).as("the lease it was paid from")
                        .containsOnlyKeys(budgetId));
        assertThat(refusals).isNotEmpty().allSatisfy(message -> assertThat(message)
                .startsWith("Budget exceeded for org '" + org + "'").contains("daily budget of $0.003000"));
    }

    @Test
    void refusesWithinOneSecondOnceThePublishedStateSaysTheBudgetIsSpentAndAdmitsAgainWhenItIsRaised() {
        String org = createOrg();
        String key = createKey(org);
        String budgetId = createBudget("{\"scope_type\":\"org\",\"scope_id\":\"" + org
                + "\",\"amount_micros\":1000000,\"period\":\"monthly\",\"time_zone\":\"Europe/Berlin\"}");
        owner().budget(budgetId, 1_000_000, BudgetPeriod.MONTHLY, ZoneId.of("Europe/Berlin"));
        awaitBudgetApplied(budgetId);
        chat(key).then().statusCode(200);

        publishState(budgetId, org, 1_000_000, 1_000_000);
        long start = System.nanoTime();
        until(() -> chat(key).statusCode() == 429, Duration.ofSeconds(5));
        Duration toEnforce = Duration.ofNanos(System.nanoTime() - start);

        chat(key).then().statusCode(429).header("retry-after", notNullValue())
                .body("error.code", equalTo("budget_exceeded")).body("error.type", equalTo("insufficient_quota"))
                .body("error.message", containsString("org '" + org + "' (budget " + budgetId + ")"))
                .body("error.message", containsString("monthly budget of $1.000000"))
                .body("error.message", containsString("for the period " + Instant.ofEpochMilli(berlinMonth().startMs())
                        + " to " + Instant.ofEpochMilli(berlinMonth().endMs()) + " (Europe/Berlin) is spent ($1.000"));
        LOG.infof("budget state enforced after=%dms", toEnforce.toMillis());
        assertThat(toEnforce).isLessThan(Duration.ofSeconds(1));

        owner().budget(budgetId, 2_000_000, BudgetPeriod.MONTHLY, ZoneId.of("Europe/Berlin"));
        admin().body("{\"amount_micros\":2000000}").patch("/admin/v1/budgets/" + budgetId).then().statusCode(200)
                .body("amount_micros", equalTo(2000000));
        until(() -> chat(key).statusCode() == 200, Duration.ofSeconds(5));
    }

    @Test
    void aTeamBudgetRefusesTheTeamsKeysOnlyAndASoftBudgetRefusesNobodyNorAsksForLeases() {
        String org = createOrg();
        admin().body("{\"id\":\"" + org + "-t\",\"name\":\"T\"}").post("/admin/v1/orgs/" + org + "/teams")
                .then().statusCode(201);
        String teamKey = createKey(org, org + "-t");
        String otherKey = createKey(org);
        String team = createBudget("{\"scope_type\":\"team\",\"scope_id\":\"" + org + "-t\",\"amount_micros\":0,"
                + "\"period\":\"weekly\"}");
        owner().budget(team, 0, BudgetPeriod.WEEKLY, ZoneOffset.UTC);
        String soft = createBudget("{\"scope_type\":\"org\",\"scope_id\":\"" + org + "\",\"amount_micros\":0,"
                + "\"period\":\"daily\",\"enforcement\":\"soft\"}");

        until(() -> chat(teamKey).statusCode() == 429, Duration.ofSeconds(5));
        chat(teamKey).then().body("error.code", equalTo("budget_exceeded"))
                .body("error.message", containsString("team '" + org + "-t' (budget " + team + ")"))
                .body("error.message", containsString("weekly"));
        chat(otherKey).then().statusCode(200);
        assertThat(owner().read).noneMatch(r -> r.getBudgetId().equals(soft));

        admin().delete("/admin/v1/budgets/" + team).then().statusCode(200);
        until(() -> chat(teamKey).statusCode() == 200, Duration.ofSeconds(5));
    }

    @Test
    void refusesWith503WhenTheOwnerDoesNotAnswerThenAtOnceUntilItAnswersAgain() throws Exception {
        String org = createOrg();
        String key = createKey(org);
        String budgetId = createBudget("{\"scope_type\":\"org\",\"scope_id\":\"" + org
                + "\",\"amount_micros\":1000000,\"period\":\"daily\"}");
        awaitBudgetApplied(budgetId);

        long start = System.nanoTime();
        Response first = chat(key);
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        start = System.nanoTime();
        Response second = chat(key);
        Duration atOnce = Duration.ofNanos(System.nanoTime() - start);

        first.then().statusCode(503).header("retry-after", equalTo("1"))
                .body("error.code", equalTo("budget_owner_unavailable")).body("error.type", equalTo("server_error"))
                .body("error.message", containsString("Hard budgets fail closed"));
        second.then().statusCode(503).body("error.code", equalTo("budget_owner_unavailable"));
        LOG.infof("budget owner unreachable first_refusal_after=%dms next_refusal_after=%dms", waited.toMillis(),
                atOnce.toMillis());
        assertThat(waited).as("the bounded wait for a lease").isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
        assertThat(atOnce).as("refused at once while the owner is known to be away").isLessThan(Duration.ofMillis(500));
        try (UsageTopic usage = usageTopic()) {
            assertThat(usage.exactlyOne(first.header("x-request-id")).getErrorCode())
                    .isEqualTo("budget_owner_unavailable");
        }

        owner().budget(budgetId, 1_000_000);
        until(() -> chat(key).statusCode() == 200, Duration.ofSeconds(5));
    }

    @Test
    void listsBudgetsWithThisReplicasLeasesAndRejectsInvalidOnesNamingTheField() {
        String org = createOrg();
        String key = createKey(org);
        String id = createBudget("{\"scope_type\":\"key\",\"scope_id\":\"" + keyId(org) + "\",\"amount_micros\":"
                + "5000000,\"period\":\"daily\",\"thresholds\":[80,50]}");
        owner().budget(id, 5_000_000);
        awaitBudgetApplied(id);
        chat(key).then().statusCode(200);

        admin().get("/admin/v1/budgets/" + id).then().statusCode(200).body("scope_type", equalTo("key"))
                .body("org_id", equalTo(org)).body("thresholds", equalTo(List.of(50, 80)))
                .body("enforcement", equalTo("hard")).body("live.reserved_micros", equalTo(0))
                .body("live.leases", equalTo(1)).body("live.leased_micros", greaterThan(0))
                .body("live.replica_id", notNullValue());
        admin().queryParam("org_id", org).get("/admin/v1/budgets").then().statusCode(200)
                .body("data.id", equalTo(List.of(id)));

        admin().body("{\"scope_type\":\"org\",\"scope_id\":\"" + org + "\",\"amount_micros\":1,\"period\":\"hourly\"}")
                .post("/admin/v1/budgets").then().statusCode(400).body("error.param", equalTo("period"));
        admin().body("{\"scope_type\":\"org\",\"scope_id\":\"" + org + "\",\"amount_micros\":-1,\"period\":\"daily\"}")
                .post("/admin/v1/budgets").then().statusCode(400).body("error.param", equalTo("amount_micros"));
        admin().body("{\"scope_type\":\"org\",\"scope_id\":\"" + org + "\",\"amount_micros\":1,\"period\":\"daily\","
                + "\"time_zone\":\"Mars/Olympus\"}").post("/admin/v1/budgets").then().statusCode(400)
                .body("error.param", equalTo("time_zone"));
        admin().body("{\"scope_type\":\"team\",\"scope_id\":\"no-such-team\",\"amount_micros\":1,\"period\":\"daily\"}")
                .post("/admin/v1/budgets").then().statusCode(404).body("error.code", equalTo("not_found"));
        admin().body("{\"id\":\"" + id + "\",\"scope_type\":\"org\",\"scope_id\":\"" + org + "\",\"amount_micros\":1,"
                + "\"period\":\"daily\"}").post("/admin/v1/budgets").then().statusCode(409);
        admin().get("/admin/v1/budgets/no-such-budget").then().statusCode(404);
    }

    /** 64 clients send requests until the budget refuses them with nothing left in flight; returns the refusals. */
    private static List<String> hammer(String key, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();
        URI uri = URI.create("http://localhost:" + ConfigProvider.getConfig().getValue("quarkus.http.test-port",
                Integer.class) + "/v1/chat/completions");
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        AtomicInteger ok = new AtomicInteger();
        List<String> refusals = Collections.synchronizedList(new ArrayList<>());
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            running.add(clients.submit(() -> {
                while (System.nanoTime() < deadline) {
                    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri)
                            .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(), HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 200) {
                        ok.incrementAndGet();
                        continue;
                    }
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
                    assertThat(answer.body()).contains("\"code\":\"budget_exceeded\"");
                    String message = JsonPath.from(answer.body()).getString("error.message");
                    refusals.add(message);
                    if (message.contains("is spent") || message.contains("less than this request may cost")) {
                        return null;
                    }
                    Thread.sleep(10);
                }
                return null;
            }));
        }
        for (Future<?> client : running) {
            client.get(timeout.toSeconds() + 10, TimeUnit.SECONDS);
        }
        clients.shutdown();
        LOG.infof("budget hammer finished ok=%d refusals=%d", ok.get(), refusals.size());
        return refusals;
    }

    private static final String CHAT = "{\"model\":\"" + MODEL + "\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"hi\"}]}";

    private static Response chat(String key) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body(CHAT)
                .post("/v1/chat/completions");
    }

    private static void publishState(String budgetId, String org, long limit, long spent) {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ConfigProvider.getConfig().getValue("kafka.bootstrap.servers",
                        String.class), ProducerConfig.ACKS_CONFIG, "all");
        AvroKafkaSerializer<SpecificRecord> values = new AvroKafkaSerializer<>();
        values.configure(AvroSerdes.serializerConfig(ConfigProvider.getConfig().getValue("tollgate.registry.url",
                String.class)), false);
        Instant now = Instant.now();
        CalendarPeriods.Window month = berlinMonth();
        BudgetState state = BudgetState.newBuilder().setBudgetId(budgetId).setOrgId(org)
                .setScopeType(BudgetScopeType.ORG).setScopeId(org).setPeriod(BudgetPeriod.MONTHLY)
                .setPeriodStart(Instant.ofEpochMilli(month.startMs())).setPeriodEnd(Instant.ofEpochMilli(month.endMs()))
                .setLimitMicros(limit).setSpentMicros(spent).setRemainingMicros(Math.max(0, limit - spent))
                .setStatus(spent >= limit ? BudgetStatus.EXHAUSTED : BudgetStatus.OK).setAsOf(now)
                .setEnforcement(BudgetEnforcement.HARD).build();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(props, new StringSerializer(), values)) {
            producer.send(new ProducerRecord<>(Topics.BUDGET_STATE, budgetId, state)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not publish the budget state", e);
        }
    }

    private static CalendarPeriods.Window berlinMonth() {
        return CalendarPeriods.containing(BudgetPeriod.MONTHLY, ZoneId.of("Europe/Berlin"), Instant.now());
    }

    private static UsageTopic usageTopic() {
        return new UsageTopic(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class),
                ConfigProvider.getConfig().getValue("tollgate.registry.url", String.class));
    }

    /**
     * Waits until this replica enforces the new budget: its live view appears in the admin API. The admin call
     * answers once the change is on the topic; replicas apply it moments later (docs/admin-api.md#propagation).
     */
    private static void awaitBudgetApplied(String budgetId) {
        until(() -> admin().get("/admin/v1/budgets/" + budgetId).then().extract().path("live") != null,
                Duration.ofSeconds(5));
    }

    private static String createOrg() {
        String org = "bud-" + UUID.randomUUID().toString().substring(0, 8);
        admin().body("{\"id\":\"" + org + "\",\"name\":\"Org " + org + "\"}").post("/admin/v1/orgs")
                .then().statusCode(201);
        return org;
    }

    private static String createKey(String org) {
        return createKey(org, null);
    }

    private static String createKey(String org, String team) {
        String body = "{\"org_id\":\"" + org + "\"" + (team == null ? "" : ",\"team_id\":\"" + team + "\"")
                + ",\"name\":\"budget-it\"}";
        String key = admin().body(body).post("/admin/v1/keys").then().statusCode(201).extract().path("key");
        until(() -> chat(key).statusCode() != 401, Duration.ofSeconds(5));
        return key;
    }

    private static String keyId(String org) {
        return admin().queryParam("org_id", org).get("/admin/v1/keys").then().statusCode(200).extract()
                .path("data[0].id");
    }

    private static String createBudget(String json) {
        return admin().body(json).post("/admin/v1/budgets").then().statusCode(201).body("id", notNullValue())
                .extract().path("id");
    }

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN_TOKEN).contentType(ContentType.JSON);
    }
}

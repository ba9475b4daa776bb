package dev.tollgate.gateway.evals;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.tollgate.control.v1.DatasetExample;
import dev.tollgate.control.v1.EvalBackfillSpec;
import dev.tollgate.control.v1.EvalRunSpec;
import dev.tollgate.control.v1.EvaluatorState;
import dev.tollgate.events.v1.RequestEvent;
import dev.tollgate.gateway.events.EventTopics;
import dev.tollgate.local.testing.PostgresResource;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import dev.tollgate.schemas.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The evals admin API against real PostgreSQL, a real broker and the real registry: what it refuses (400 naming the
 * field, never a 500), what it stores, and what it publishes for the streams app and the evals worker.
 */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
public class EvalsAdminIT {

    private static final String ADMIN_TOKEN = "it-admin-token-0123456789";
    private static final String KEY = "tg_it_bootstrap_key_0123456789abcdef";
    private static final Duration PUBLISHED = Duration.ofSeconds(15);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "tollgate.registry.url")
    String registry;

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN_TOKEN).contentType(ContentType.JSON);
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void refusesABadRegexAndAnInvalidJsonSchemaNamingTheFieldAndTheReason() {
        admin().body("{\"name\":\"r\",\"type\":\"regex\",\"definition\":{\"pattern\":\"(oops\"}}")
                .post("/admin/v1/evaluators").then().statusCode(400)
                .body("error.param", equalTo("definition.pattern"))
                .body("error.message", containsString("not a valid regular expression"))
                .body("error.code", equalTo("invalid_request"));
        admin().body("{\"name\":\"s\",\"type\":\"json_schema\",\"definition\":{\"schema\":{\"type\":7}}}")
                .post("/admin/v1/evaluators").then().statusCode(400)
                .body("error.param", equalTo("definition.schema"))
                .body("error.message", containsString("not a valid JSON Schema"));
        admin().body("{\"name\":\"x\",\"type\":\"fuzzy\"}").post("/admin/v1/evaluators").then().statusCode(400)
                .body("error.param", equalTo("type"));
        admin().body("{\"name\":\"t\",\"type\":\"regex\",\"definition\":{\"pattern\":\"x\"},"
                        + "\"selector\":{\"environments\":[\"prod\"]}}")
                .post("/admin/v1/evaluators").then().statusCode(400)
                .body("error.param", equalTo("selector.environments"));
        admin().body("{\"name\":\"u\",\"type\":\"regex\",\"definition\":{\"pattern\":\"x\"},\"sampling_rate\":2}")
                .post("/admin/v1/evaluators").then().statusCode(400).body("error.param", equalTo("sampling_rate"));
    }

    @Test
    void aChangeMakesANewVersionAndPublishesIt() {
        String evaluator = id("polite");
        admin().body("{\"id\":\"" + evaluator + "\",\"name\":\"Polite\",\"type\":\"regex\","
                        + "\"definition\":{\"pattern\":\"please\"},\"selector\":{\"orgs\":[\"it-org\"]},"
                        + "\"sampling_rate\":0.5}")
                .post("/admin/v1/evaluators").then().statusCode(201)
                .body("version", equalTo(1)).body("definition.pattern", equalTo("please"))
                .body("selector.orgs[0]", equalTo("it-org"));
        admin().body("{\"name\":\"Polite\",\"type\":\"regex\",\"definition\":{\"pattern\":\"(?i)please\"}}")
                .put("/admin/v1/evaluators/" + evaluator).then().statusCode(200)
                .body("version", equalTo(2)).body("versions", equalTo(List.of(1, 2)));
        admin().get("/admin/v1/evaluators/" + evaluator + "/versions/1").then().statusCode(200)
                .body("definition.pattern", equalTo("please"));
        admin().post("/admin/v1/evaluators/" + evaluator + "/disable").then().statusCode(200)
                .body("active", equalTo(false)).body("version", equalTo(2));

        try (EventTopics topics = new EventTopics(bootstrap, registry, List.of(Topics.EVALUATORS))) {
            List<EventTopics.Received> states = topics.await(r -> evaluator.equals(r.key()), 3, PUBLISHED);
            assertThat(states).hasSize(3);
            EvaluatorState last = (EvaluatorState) states.get(2).value();
            assertThat(last.getVersion()).isEqualTo(2);
            assertThat(last.getActive()).isFalse();
            assertThat(last.getDefinitionJson()).contains("(?i)please");
        }
    }

    @Test
    void storesADatasetAndPublishesEveryExample() {
        String dataset = id("capitals");
        admin().body("{\"id\":\"" + dataset + "\",\"name\":\"Capitals\",\"examples\":["
                        + "{\"id\":\"fr\",\"messages\":[{\"role\":\"user\",\"content\":\"Capital of France?\"}],"
                        + "\"reference_output\":\"Paris\",\"tags\":{\"region\":\"eu\"}},"
                        + "{\"id\":\"jp\",\"messages\":[{\"role\":\"user\",\"content\":\"Capital of Japan?\"}],"
                        + "\"reference_output\":\"Tokyo\"}]}")
                .post("/admin/v1/datasets").then().statusCode(201).body("example_count", equalTo(2));
        admin().body("{\"examples\":[{\"id\":\"fr\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}]}")
                .post("/admin/v1/datasets/" + dataset + "/examples").then().statusCode(400)
                .body("error.param", equalTo("examples[0].messages[0].role"));

        try (EventTopics topics = new EventTopics(bootstrap, registry, List.of(Topics.DATASET_EXAMPLES))) {
            List<EventTopics.Received> examples = topics.await(r -> r.key().startsWith(dataset + "/"), 2, PUBLISHED);
            assertThat(examples).extracting(r -> ((DatasetExample) r.value()).getReferenceOutput())
                    .containsExactlyInAnyOrder("Paris", "Tokyo");
        }
        admin().get("/admin/v1/datasets/" + dataset).then().statusCode(200)
                .body("examples.id", equalTo(List.of("fr", "jp")));
    }

    @Test
    void aRunNamesTheExactEvaluatorVersionsAndIsPendingUntilTheWorkerReports() {
        String dataset = id("ds");
        admin().body("{\"id\":\"" + dataset + "\",\"name\":\"d\",\"examples\":[{\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}]}").post("/admin/v1/datasets").then().statusCode(201);
        String evaluator = id("exact");
        admin().body("{\"id\":\"" + evaluator + "\",\"name\":\"Exact\",\"type\":\"exact_match\"}")
                .post("/admin/v1/evaluators").then().statusCode(201);
        admin().body("{\"name\":\"Exact\",\"type\":\"exact_match\",\"definition\":{\"case_insensitive\":true}}")
                .put("/admin/v1/evaluators/" + evaluator).then().statusCode(200);

        admin().body("{\"dataset_id\":\"" + dataset + "\",\"models\":[\"no-such-model\"],\"evaluators\":[\""
                + evaluator + "\"]}").post("/admin/v1/eval-runs").then().statusCode(400)
                .body("error.param", equalTo("models[0]"));
        admin().body("{\"dataset_id\":\"" + dataset + "\",\"models\":[\"" + VllmSimulatorResource.MODEL
                + "\"],\"evaluators\":[\"missing\"]}").post("/admin/v1/eval-runs").then().statusCode(400)
                .body("error.param", equalTo("evaluators[0]"));
        admin().body("{\"dataset_id\":\"" + dataset + "\",\"models\":[\"" + VllmSimulatorResource.MODEL
                + "\"],\"evaluators\":[\"" + evaluator + "\"],\"thresholds\":[{\"evaluator_id\":\"other\","
                + "\"metric\":\"mean\",\"min\":0.5}]}").post("/admin/v1/eval-runs").then().statusCode(400)
                .body("error.param", equalTo("thresholds[0].evaluator_id"));

        String run = id("run");
        admin().body("{\"id\":\"" + run + "\",\"dataset_id\":\"" + dataset + "\",\"models\":[\""
                        + VllmSimulatorResource.MODEL + "\"],\"evaluators\":[{\"id\":\"" + evaluator
                        + "\",\"version\":1}],\"thresholds\":[{\"evaluator_id\":\"" + evaluator
                        + "\",\"metric\":\"pass_rate\",\"min\":0.8}]}")
                .post("/admin/v1/eval-runs").then().statusCode(201)
                .body("evaluators[0].version", equalTo(1)).body("progress.status", equalTo("pending"));

        try (EventTopics topics = new EventTopics(bootstrap, registry, List.of(Topics.EVAL_RUNS))) {
            EvalRunSpec spec = (EvalRunSpec) topics.await(r -> run.equals(r.key()), 1, PUBLISHED).get(0).value();
            assertThat(spec.getEvaluators().get(0).getVersion()).isEqualTo(1);
            assertThat(spec.getEvaluators().get(0).getDefinitionJson()).isEqualTo("{}");
            assertThat(spec.getThresholds().get(0).getMin()).isEqualTo(0.8);
        }
        admin().get("/admin/v1/eval-runs/" + run).then().statusCode(200).body("dataset_id", equalTo(dataset));
    }

    @Test
    void aBackfillNeedsARangeThatEndsNoLaterThanNow() {
        String evaluator = id("bf");
        admin().body("{\"id\":\"" + evaluator + "\",\"name\":\"B\",\"type\":\"regex\",\"definition\":{\"pattern\":\"x\"}}")
                .post("/admin/v1/evaluators").then().statusCode(201);
        admin().body("{\"evaluator_id\":\"" + evaluator + "\",\"from\":\"2026-12-01T00:00:00Z\","
                + "\"to\":\"2999-01-01T00:00:00Z\"}").post("/admin/v1/eval-backfills").then().statusCode(400)
                .body("error.param", equalTo("to"));
        admin().body("{\"evaluator_id\":\"" + evaluator + "\",\"from\":\"yesterday\"}")
                .post("/admin/v1/eval-backfills").then().statusCode(400).body("error.param", equalTo("from"));

        String backfill = id("bf");
        admin().body("{\"id\":\"" + backfill + "\",\"evaluator_id\":\"" + evaluator
                        + "\",\"from\":\"2026-12-01T00:00:00Z\"}")
                .post("/admin/v1/eval-backfills").then().statusCode(201)
                .body("evaluator.version", equalTo(1)).body("progress.status", equalTo("pending"));
        try (EventTopics topics = new EventTopics(bootstrap, registry, List.of(Topics.EVAL_BACKFILLS))) {
            EvalBackfillSpec spec = (EvalBackfillSpec) topics.await(r -> backfill.equals(r.key()), 1, PUBLISHED)
                    .get(0).value();
            assertThat(spec.getEvaluator().getEvaluatorId()).isEqualTo(evaluator);
            assertThat(spec.getFromTime()).isNotNull();
            assertThat(spec.getToTime()).isNotNull();
        }
    }

    @Test
    void aRequestOfAnEvalRunIsMarkedAndCapturedAndAMalformedMarkingIsRefused() {
        chat().header("x-tollgate-eval-run", "bad run!").body(body()).post("/v1/chat/completions").then()
                .statusCode(400).body("error.param", equalTo("x-tollgate-eval-run"));
        chat().header("x-tollgate-eval-run", "run-1").header("x-tollgate-eval-example", "no-slash").body(body())
                .post("/v1/chat/completions").then().statusCode(400)
                .body("error.param", equalTo("x-tollgate-eval-example"));

        String run = id("marked");
        chat().header("x-tollgate-eval-run", run).header("x-tollgate-eval-example", "capitals/fr")
                .body("{\"model\":\"" + VllmSimulatorResource.MODEL + "\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"Capital of France?\"}],\"metadata\":{\"feature\":\"quiz\",\"n\":3}}")
                .post("/v1/chat/completions").then().statusCode(200);

        try (EventTopics topics = new EventTopics(bootstrap, registry, List.of(Topics.REQUESTS))) {
            RequestEvent event = (RequestEvent) topics.await(r -> r.value() instanceof RequestEvent e
                    && e.getEval() != null && run.equals(e.getEval().getRunId()), 1, PUBLISHED).get(0).value();
            assertThat(event.getEval().getDatasetId()).isEqualTo("capitals");
            assertThat(event.getEval().getExampleId()).isEqualTo("fr");
            assertThat(event.getContent()).as("an eval run's request is captured whatever its org's setting")
                    .isNotNull();
            assertThat(event.getContent().getInputMessages().get(0).getContent()).isEqualTo("Capital of France?");
            assertThat(event.getContent().getOutputText()).isNotBlank();
            assertThat(event.getTags()).containsEntry("feature", "quiz").doesNotContainKey("n");
        }
    }

    private static RequestSpecification chat() {
        return given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON);
    }

    private static String body() {
        return "{\"model\":\"" + VllmSimulatorResource.MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }
}

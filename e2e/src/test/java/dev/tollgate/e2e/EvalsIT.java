package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's evals walk-through on the whole local platform, as an ML engineer runs it: evaluators defined through
 * the admin API score live traffic (deterministic ones in the streams app, the judge through the gateway by the evals
 * worker); a dataset runs against the two simulated models and the two are compared; and an evaluator created after
 * the traffic is backfilled over it by replaying the requests topic.
 */
class EvalsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration SCORED = Duration.ofSeconds(90);
    private static final int LIVE_REQUESTS = 8;
    private static final String MODEL_A = "sim-llama-3-8b";
    private static final String MODEL_B = "sim-mistral-7b";
    private static final String[][] CAPITALS = {{"fr", "France", "Paris"}, {"jp", "Japan", "Tokyo"},
            {"it", "Italy", "Rome"}, {"pe", "Peru", "Lima"}, {"ke", "Kenya", "Nairobi"}};

    @TempDir
    Path dataDir;

    private String gateway;
    private String streams;
    private String adminToken;
    private String key;

    @Test
    void evaluatorsScoreLiveTrafficADatasetRunComparesTwoModelsAndABackfillScoresPastTraffic() throws Exception {
        Map<String, Integer> ports = LocalPlatformIT.freePorts();
        try (LauncherProcess launcher = LauncherProcess.start(dataDir, LocalPlatformIT.args(ports), Map.of())) {
            assertThat(launcher.awaitLine(l -> l.contains("Tollgate is running"), LocalPlatformIT.START))
                    .as("launcher console:\n%s", launcher.console()).isPresent();
            gateway = "http://127.0.0.1:" + ports.get("gateway");
            streams = "http://127.0.0.1:" + ports.get("streams");
            adminToken = LocalPlatformIT.printed(LocalPlatformIT.ADMIN_TOKEN, launcher);
            key = LocalPlatformIT.printed(LocalPlatformIT.KEY, launcher);
            Instant trafficStart = Instant.now().minusSeconds(5);

            liveTrafficIsScoredByAStreamsEvaluatorAndByTheJudgeOnceEach();
            aDatasetRunAgainstTwoModelsCompletesAndComparesThem();
            aNewEvaluatorIsBackfilledOverThePastTraffic(trafficStart);

            assertThat(launcher.stop(Duration.ofSeconds(60))).isIn(0, 143);
            assertThat(launcher.leftovers()).isEmpty();
        }
    }

    private void liveTrafficIsScoredByAStreamsEvaluatorAndByTheJudgeOnceEach() throws Exception {
        admin("POST", "/admin/v1/evaluators", "{\"id\":\"has-words\",\"name\":\"Has words\",\"type\":\"regex\","
                + "\"definition\":{\"pattern\":\"\\\\w+\"},\"selector\":{\"orgs\":[\"local\"]}}", 201);
        admin("POST", "/admin/v1/evaluators", "{\"id\":\"helpful\",\"name\":\"Helpful\",\"type\":\"llm_judge\","
                + "\"definition\":{\"model\":\"" + MODEL_B + "\",\"prompt\":\"Rate how helpful this answer is to "
                + "{{input}}: {{output}}\"},\"selector\":{\"orgs\":[\"local\"],\"models\":[\"" + MODEL_A + "\"]}}", 201);
        Thread.sleep(2_000); // the streams app and the worker follow the evaluators topic

        for (int i = 0; i < LIVE_REQUESTS; i++) {
            HttpResponse<String> answer = chat(MODEL_A, "Tell me about topic " + i);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        }

        JsonNode words = awaitScores("has-words", s -> count(s) >= LIVE_REQUESTS);
        JsonNode judged = awaitScores("helpful", s -> count(s) + errors(s) >= LIVE_REQUESTS);
        System.out.printf("evals e2e: live has-words=%s helpful=%s%n", words.path("series"), judged.path("series"));
        assertThat(summary(words).path("pass_rate").asDouble()).isEqualTo(1.0);
        assertThat(summary(judged).path("errors").asLong()).as("judge answers are usable").isZero();
        assertThat(summary(judged).path("mean").asDouble()).isBetween(0.0, 1.0);

        Thread.sleep(3_000); // a judge call scored as traffic, or a duplicate, would show up by now
        assertThat(count(scores("helpful"))).as("the judge's own requests are not judged").isEqualTo(LIVE_REQUESTS);
        assertThat(count(scores("has-words"))).as("each request scored once").isEqualTo(LIVE_REQUESTS);
    }

    private void aDatasetRunAgainstTwoModelsCompletesAndComparesThem() throws Exception {
        StringBuilder examples = new StringBuilder();
        for (String[] capital : CAPITALS) {
            examples.append(examples.isEmpty() ? "" : ",").append("{\"id\":\"").append(capital[0])
                    .append("\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of ")
                    .append(capital[1]).append("?\"}],\"reference_output\":\"").append(capital[2]).append("\"}");
        }
        admin("POST", "/admin/v1/datasets", "{\"id\":\"capitals\",\"name\":\"Capitals\",\"examples\":["
                + examples + "]}", 201);
        admin("POST", "/admin/v1/evaluators", "{\"id\":\"overlap\",\"name\":\"Overlap\",\"type\":\"similarity\","
                + "\"definition\":{\"method\":\"rouge_l\",\"threshold\":0.3},\"selector\":{\"orgs\":[\"none\"]}}", 201);
        admin("POST", "/admin/v1/evaluators", "{\"id\":\"meaning\",\"name\":\"Meaning\",\"type\":\"similarity\","
                + "\"definition\":{\"method\":\"embedding\",\"embedding_model\":\"" + MODEL_A + "\"},"
                + "\"selector\":{\"orgs\":[\"none\"]}}", 201);
        Thread.sleep(2_000);

        admin("POST", "/admin/v1/eval-runs", "{\"id\":\"capitals-ab\",\"dataset_id\":\"capitals\",\"models\":[\""
                + MODEL_A + "\",\"" + MODEL_B + "\"],\"evaluators\":[\"overlap\",\"meaning\",\"helpful\"],"
                + "\"max_tokens\":24,\"thresholds\":[{\"evaluator_id\":\"overlap\",\"metric\":\"pass_rate\","
                + "\"min\":0.99}]}", 201);
        JsonNode progress = awaitProgress("/admin/v1/eval-runs/capitals-ab");
        System.out.printf("evals e2e: run progress=%s%n", progress);
        assertThat(progress.path("status").asText()).as(progress.toString()).isEqualTo("completed");
        assertThat(progress.path("sent").asLong()).isEqualTo(2L * CAPITALS.length);
        assertThat(progress.path("verdict").asText()).as("simulated answers do not name capitals")
                .isEqualTo("failed");
        assertThat(progress.path("detail").asText()).contains("overlap pass_rate");

        JsonNode run = get(streams + "/v1/evals/runs/capitals-ab", 200);
        assertThat(run.path("complete").asBoolean()).as(run.toString()).isTrue();
        assertThat(run.path("results")).hasSize(6).allSatisfy(r -> assertThat(r.path("scored").asLong())
                .as(r.toString()).isEqualTo(CAPITALS.length));

        JsonNode comparison = get(streams + "/v1/evals/compare?run=capitals-ab&a_model=" + MODEL_A + "&b_model="
                + MODEL_B, 200);
        System.out.printf("evals e2e: comparison=%s%n", comparison);
        assertThat(comparison.path("evaluators")).extracting(e -> e.path("evaluator_id").asText())
                .containsExactly("helpful", "meaning", "overlap");
        for (JsonNode evaluator : comparison.path("evaluators")) {
            assertThat(evaluator.path("a").path("count").asLong() + evaluator.path("a").path("errors").asLong())
                    .isEqualTo(CAPITALS.length);
            assertThat(evaluator.path("b").path("count").asLong()).as(evaluator.toString()).isEqualTo(CAPITALS.length);
            assertThat(evaluator.path("mean_delta").isNumber()).isTrue();
        }
    }

    private void aNewEvaluatorIsBackfilledOverThePastTraffic(Instant from) throws Exception {
        admin("POST", "/admin/v1/evaluators", "{\"id\":\"short\",\"name\":\"Short\",\"type\":\"regex\","
                + "\"definition\":{\"pattern\":\"^.{0,4000}$\"},\"selector\":{\"orgs\":[\"local\"],\"models\":[\""
                + MODEL_A + "\"]}}", 201);
        admin("POST", "/admin/v1/eval-backfills", "{\"id\":\"short-week\",\"evaluator_id\":\"short\",\"from\":\""
                + from + "\"}", 201);
        JsonNode progress = awaitProgress("/admin/v1/eval-backfills/short-week");
        System.out.printf("evals e2e: backfill progress=%s%n", progress);
        assertThat(progress.path("status").asText()).as(progress.toString()).isEqualTo("completed");

        JsonNode scores = awaitScores("short", s -> count(s) >= LIVE_REQUESTS);
        assertThat(count(scores)).as("the live requests of model a, not the run's").isEqualTo(LIVE_REQUESTS);
    }

    private JsonNode awaitProgress(String path) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        JsonNode progress = null;
        while (System.nanoTime() < deadline) {
            progress = admin("GET", path, null, 200).path("progress");
            String status = progress.path("status").asText();
            if (status.equals("completed") || status.equals("failed")) {
                return progress;
            }
            Thread.sleep(1_000);
        }
        return progress;
    }

    private JsonNode awaitScores(String evaluator, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + SCORED.toNanos();
        JsonNode scores = scores(evaluator);
        while (!done.test(scores) && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            scores = scores(evaluator);
        }
        assertThat(done.test(scores)).as("scores of %s: %s", evaluator, scores).isTrue();
        return scores;
    }

    private JsonNode scores(String evaluator) throws Exception {
        return get(streams + "/v1/evals/evaluators/" + evaluator + "/scores", 200);
    }

    private static JsonNode summary(JsonNode scores) {
        assertThat(scores.path("series")).as(scores.toString()).hasSize(1);
        return scores.path("series").get(0).path("summary");
    }

    private static long count(JsonNode scores) {
        long n = 0;
        for (JsonNode series : scores.path("series")) {
            n += series.path("summary").path("count").asLong();
        }
        return n;
    }

    private static long errors(JsonNode scores) {
        long n = 0;
        for (JsonNode series : scores.path("series")) {
            n += series.path("summary").path("errors").asLong();
        }
        return n;
    }

    private HttpResponse<String> chat(String model, String content) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"max_tokens\":24,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode admin(String method, String path, String body, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(expected);
        return JSON.readTree(response.body());
    }

    private static JsonNode get(String url, int expected) throws Exception {
        List<String> attempts = new ArrayList<>();
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        attempts.add(response.statusCode() + " " + response.body());
        assertThat(response.statusCode()).as("GET %s: %s", url, attempts).isEqualTo(expected);
        return JSON.readTree(response.body());
    }
}

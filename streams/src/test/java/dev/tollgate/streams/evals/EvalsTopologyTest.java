package dev.tollgate.streams.evals;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tollgate.control.v1.DatasetExample;
import dev.tollgate.control.v1.EvalRunSpec;
import dev.tollgate.control.v1.EvaluatorSelector;
import dev.tollgate.control.v1.EvaluatorSnapshot;
import dev.tollgate.control.v1.EvaluatorState;
import dev.tollgate.control.v1.ExampleMessage;
import dev.tollgate.control.v1.PassThreshold;
import dev.tollgate.events.v1.CapturedContent;
import dev.tollgate.events.v1.CapturedMessage;
import dev.tollgate.events.v1.EvalJob;
import dev.tollgate.events.v1.EvalMarking;
import dev.tollgate.events.v1.EvalScore;
import dev.tollgate.events.v1.RequestEvent;
import dev.tollgate.events.v1.RequestParams;
import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.evals.stats.ScoreStats;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.intake.RequestIntake;
import dev.tollgate.streams.serde.InMemoryRegistry;
import dev.tollgate.streams.serde.TestSerdes;
import dev.tollgate.streams.topology.StreamsApplication;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class EvalsTopologyTest {

    private static final Instant T0 = Instant.parse("2026-12-05T10:15:00Z");

    @TempDir
    Path stateDir;

    private final InMemoryRegistry registry = new InMemoryRegistry();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, RequestEvent> requests;
    private TestInputTopic<String, byte[]> rawRequests;
    private TestInputTopic<String, EvaluatorState> evaluators;
    private TestInputTopic<String, EvalRunSpec> runs;
    private TestInputTopic<String, DatasetExample> examples;
    private TestInputTopic<String, EvalScore> scoresIn;
    private TestInputTopic<String, byte[]> rawScores;
    private TestOutputTopic<String, EvalScore> scores;
    private TestOutputTopic<String, EvalJob> jobs;

    @BeforeEach
    void start() {
        StreamsBuilder builder = new StreamsBuilder();
        EvalsTopology.contribute(builder, RequestIntake.build(builder, () -> TestSerdes.anyDeserializer(registry)),
                new EvalsSerdes(() -> TestSerdes.anyDeserializer(registry), () -> TestSerdes.anyDeserializer(registry),
                        () -> TestSerdes.anyDeserializer(registry), () -> TestSerdes.anyDeserializer(registry),
                        () -> TestSerdes.anySerializer(registry), () -> TestSerdes.anySerializer(registry)), metrics);
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, StreamsApplication.APPLICATION_ID);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(builder.build(), config);
        StringSerializer keys = new StringSerializer();
        requests = driver.createInputTopic(Topics.REQUESTS, keys, TestSerdes.anySerializer(registry));
        rawRequests = driver.createInputTopic(Topics.REQUESTS, keys, new ByteArraySerializer());
        evaluators = driver.createInputTopic(Topics.EVALUATORS, keys, TestSerdes.anySerializer(registry));
        runs = driver.createInputTopic(Topics.EVAL_RUNS, keys, TestSerdes.anySerializer(registry));
        examples = driver.createInputTopic(Topics.DATASET_EXAMPLES, keys, TestSerdes.anySerializer(registry));
        scoresIn = driver.createInputTopic(Topics.EVAL_SCORES, keys, TestSerdes.anySerializer(registry));
        rawScores = driver.createInputTopic(Topics.EVAL_SCORES, keys, new ByteArraySerializer());
        scores = driver.createOutputTopic(Topics.EVAL_SCORES, new StringDeserializer(),
                TestSerdes.anyDeserializer(registry));
        jobs = driver.createOutputTopic(Topics.EVAL_JOBS, new StringDeserializer(),
                TestSerdes.anyDeserializer(registry));
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void scoresALiveRequestWithEveryActiveEvaluatorWhoseSelectorMatches() {
        evaluator("polite", "regex", "{\"pattern\":\"(?i)please\"}", List.of("acme"), 1.0, true);
        evaluator("other-org", "regex", "{\"pattern\":\"x\"}", List.of("globex"), 1.0, true);
        RequestEvent request = request("acme", "Could you please help?");

        requests.pipeInput("acme", request);

        List<KeyValue<String, EvalScore>> out = scores.readKeyValuesToList();
        assertThat(out).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("polite:1:" + request.getEventId());
            assertThat(kv.value.getPassed()).isTrue();
            assertThat(kv.value.getScore()).isEqualTo(1.0);
            assertThat(kv.value.getSource()).isEqualTo("live");
            assertThat(kv.value.getModel()).isEqualTo("llama");
        });
    }

    @Test
    void leavesOutInactiveEvaluatorsAndRequestsOutsideTheSample() {
        evaluator("off", "regex", "{\"pattern\":\"x\"}", List.of(), 1.0, false);
        evaluator("never", "regex", "{\"pattern\":\"x\"}", List.of(), 0.0, true);

        requests.pipeInput("acme", request("acme", "x"));

        assertThat(scores.isEmpty()).isTrue();
    }

    @Test
    void handsEvaluatorsThatCallAModelToTheWorkerAsJobs() {
        evaluator("judge", "llm_judge", "{\"model\":\"judge-model\",\"prompt\":\"Rate {{output}}\"}", List.of(), 1.0,
                true);
        RequestEvent request = request("acme", "An answer.");

        requests.pipeInput("acme", request);

        assertThat(scores.isEmpty()).isTrue();
        assertThat(jobs.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("judge:1:" + request.getEventId());
            assertThat(kv.value.getOutputText()).isEqualTo("An answer.");
            assertThat(kv.value.getEvaluator().getType()).isEqualTo("llm_judge");
        });
    }

    @Test
    void countsTheRequestsItCannotScoreByReasonAndScoresNoJudgeCall() {
        evaluator("any", "regex", "{\"pattern\":\"x\"}", List.of(), 1.0, true);
        RequestEvent noContent = request("acme", "x");
        noContent.setContent(null);
        RequestEvent judgeCall = request("acme", "x");
        judgeCall.setEval(new EvalMarking(null, null, null, true));
        RequestEvent failed = request("acme", "x");
        failed.setStatus(RequestStatus.UPSTREAM_ERROR);

        requests.pipeInput("acme", noContent);
        requests.pipeInput("acme", judgeCall);
        requests.pipeInput("acme", failed);

        assertThat(scores.isEmpty()).isTrue();
        assertThat(skipped("no_content")).isEqualTo(1.0);
        assertThat(skipped("judge_call")).isEqualTo(1.0);
        assertThat(skipped("not_answered")).isEqualTo(1.0);
    }

    @Test
    void scoresARunsRequestWithTheRunsOwnVersionsAgainstItsExamplesReference() {
        evaluator("exact", "exact_match", "{\"case_insensitive\":true}", List.of("nobody"), 1.0, true);
        examples.pipeInput("capitals/fr", new DatasetExample("capitals", "fr",
                List.of(new ExampleMessage("user", "Capital of France?")), "Paris", Map.of(), T0));
        runs.pipeInput("run-1", run("run-1", "exact", "exact_match", "{\"case_insensitive\":true}"));
        RequestEvent answer = request("acme", "paris");
        answer.setEval(new EvalMarking("run-1", "capitals", "fr", false));

        requests.pipeInput("acme", answer);

        List<EvalScore> out = scores.readValuesToList();
        assertThat(out).singleElement().satisfies(score -> {
            assertThat(score.getPassed()).isTrue();
            assertThat(score.getSource()).isEqualTo("run");
            assertThat(score.getRunId()).isEqualTo("run-1");
            assertThat(score.getExampleId()).isEqualTo("fr");
        });
    }

    @Test
    void dropsACopyOfAScoreAndCountsItOnceInItsHourAndItsRun() {
        EvalScore score = score("exact", "run-1", "fr", 1.0, true);

        scoresIn.pipeInput(score.getScoreId(), score);
        scoresIn.pipeInput(score.getScoreId(), score);

        WindowStore<String, ScoreStats> windows = driver.getWindowStore(EvalsTopology.WINDOWS_STORE);
        ScoreStats hour = windows.fetch(EvalWindows.key("exact", 1, "llama", "ep-1"),
                Instant.parse("2026-12-05T10:00:00Z").toEpochMilli());
        assertThat(hour.count()).isEqualTo(1);
        assertThat(hour.passes()).isEqualTo(1);
        KeyValueStore<String, ScoredRequest> runScores = driver.getKeyValueStore(EvalsTopology.RUN_EXAMPLES_STORE);
        assertThat(runScores.get(RunExamples.key(ScoredRequest.of(score)))).isNotNull();
    }

    @Test
    void deadLettersAnUndecodableRequestAndAnUndecodableScore() {
        TestOutputTopic<String, byte[]> requestLetters = driver.createOutputTopic(Topics.REQUESTS_DLQ,
                new StringDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        TestOutputTopic<String, byte[]> evalLetters = driver.createOutputTopic(Topics.EVALS_DLQ,
                new StringDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer());

        rawRequests.pipeInput("acme", new byte[] {0, 1, 2, 3});
        rawScores.pipeInput("s", new byte[] {4, 5, 6});

        assertThat(requestLetters.readValue()).containsExactly(0, 1, 2, 3);
        assertThat(evalLetters.readValue()).containsExactly(4, 5, 6);
    }

    private double skipped(String reason) {
        return metrics.get("tollgate.evals.requests.skipped").tag("reason", reason).counter().count();
    }

    private void evaluator(String id, String type, String definition, List<String> orgs, double rate,
                           boolean active) {
        evaluators.pipeInput(id, new EvaluatorState(id, id, 1, type, definition,
                new EvaluatorSelector(orgs, List.of(), List.of(), List.of(), List.of(), Map.of()), rate, active, T0));
    }

    private static EvalRunSpec run(String runId, String evaluatorId, String type, String definition) {
        EvalRunSpec spec = new EvalRunSpec();
        spec.setRunId(runId);
        spec.setDatasetId("capitals");
        spec.setModels(List.of("llama"));
        spec.setEvaluators(List.of(new EvaluatorSnapshot(evaluatorId, 3, evaluatorId, type, definition)));
        spec.setThresholds(List.of(new PassThreshold(evaluatorId, "pass_rate", 0.9)));
        spec.setCreatedAt(T0);
        return spec;
    }

    static RequestEvent request(String org, String output) {
        RequestEvent event = new RequestEvent();
        event.setEventId(UUID.randomUUID().toString());
        event.setRequestId("req-" + UUID.randomUUID());
        event.setOrgId(org);
        event.setKeyId("key-1");
        event.setModel("llama");
        event.setEndpointId("ep-1");
        event.setEnvironment("production");
        event.setApi("chat.completions");
        event.setParams(new RequestParams(false, null, null, null, null, null, 1, 0, null, null));
        event.setStatus(RequestStatus.OK);
        event.setHttpStatus(200);
        event.setReceivedAt(T0);
        event.setCompletedAt(T0);
        event.setContent(new CapturedContent(List.of(new CapturedMessage("user", "Hello")), output, List.of()));
        event.setTags(Map.of());
        return event;
    }

    static EvalScore score(String evaluator, String runId, String exampleId, Double value, Boolean passed) {
        EvalScore score = new EvalScore();
        String requestId = UUID.randomUUID().toString();
        score.setScoreId(evaluator + ":1:" + requestId);
        score.setEvaluatorId(evaluator);
        score.setEvaluatorVersion(1);
        score.setEvaluatorType("exact_match");
        score.setRequestEventId(requestId);
        score.setRequestId("req");
        score.setOrgId("acme");
        score.setKeyId("key-1");
        score.setModel("llama");
        score.setEndpointId("ep-1");
        score.setRunId(runId);
        score.setDatasetId("capitals");
        score.setExampleId(exampleId);
        score.setScore(value);
        score.setPassed(passed);
        score.setSource("run");
        score.setRequestCompletedAt(T0);
        score.setScoredAt(T0);
        return score;
    }
}

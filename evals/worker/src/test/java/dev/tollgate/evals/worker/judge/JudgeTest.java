package dev.tollgate.evals.worker.judge;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tollgate.evals.scoring.Score;
import dev.tollgate.evals.scoring.ScoringInput;
import dev.tollgate.evals.worker.gateway.GatewayClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The judge against a real HTTP server standing in for the gateway, answering what each test scripts. */
class JudgeTest {

    private static final String JUDGE = "{\"model\":\"judge\",\"prompt\":\"Rate {{output}} against {{reference}}\","
            + "\"threshold\":0.5}";
    private static final ScoringInput INPUT = new ScoringInput(List.of(new ScoringInput.Message("user", "2+2?")),
            "4", List.of(), "4");

    private HttpServer gateway;
    private final Queue<String[]> answers = new ConcurrentLinkedQueue<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicReference<String> judgeHeader = new AtomicReference<>();
    private final AtomicReference<String> lastBody = new AtomicReference<>();
    private Judge judge;

    @BeforeEach
    void start() throws IOException {
        gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/", exchange -> {
            calls.incrementAndGet();
            judgeHeader.set(exchange.getRequestHeaders().getFirst("x-tollgate-eval-judge"));
            lastBody.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String[] answer = answers.isEmpty() ? new String[] {"500", "{}"} : answers.poll();
            byte[] body = answer[1].getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(Integer.parseInt(answer[0]), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        gateway.start();
        judge = new Judge(new GatewayClient(URI.create("http://127.0.0.1:" + gateway.getAddress().getPort()),
                "tg_test_key", Duration.ofSeconds(5)), 2, Duration.ofMillis(10));
    }

    @AfterEach
    void stop() {
        gateway.stop(0);
    }

    private static String chat(String content) {
        return "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":" + com.fasterxml.jackson.databind.node
                .TextNode.valueOf(content) + "}}]}";
    }

    @Test
    void readsTheJudgesScoreAndMarksItsCallAsAJudgeCall() throws Exception {
        answers.add(new String[] {"200", chat("{\"score\": 0.8, \"reasoning\": \"right\"}")});

        Score score = judge.score("llm_judge", JUDGE, INPUT).get();

        assertThat(score.value()).isEqualTo(0.8);
        assertThat(score.passed()).isTrue();
        assertThat(judgeHeader.get()).isEqualTo("true");
        assertThat(lastBody.get()).contains("Rate 4 against 4").contains("json_object");
    }

    @Test
    void retriesABusyGatewayWithBackoffAndThenScores() throws Exception {
        answers.add(new String[] {"503", "{\"error\":{\"code\":\"no_healthy_endpoint\"}}"});
        answers.add(new String[] {"429", "{\"error\":{\"code\":\"rate_limit_exceeded\"}}"});
        answers.add(new String[] {"200", chat("{\"score\": 0.2, \"reasoning\": \"wrong\"}")});

        Score score = judge.score("llm_judge", JUDGE, INPUT).get();

        assertThat(calls.get()).isEqualTo(3);
        assertThat(score.passed()).isFalse();
    }

    @Test
    void givesAnErrorScoreWhenTheGatewayStaysDown() throws Exception {
        Score score = judge.score("llm_judge", JUDGE, INPUT).get();

        assertThat(calls.get()).isEqualTo(3);
        assertThat(score.error()).startsWith("judge_unavailable:").contains("500");
    }

    @Test
    void doesNotRetryARefusalAndSaysWhy() throws Exception {
        answers.add(new String[] {"400", "{\"error\":{\"code\":\"model_not_found\"}}"});

        Score score = judge.score("llm_judge", JUDGE, INPUT).get();

        assertThat(calls.get()).isEqualTo(1);
        assertThat(score.error()).startsWith("judge_refused:").contains("model_not_found");
    }

    @Test
    void recordsAnUnusableAnswerAsAnErrorScore() throws Exception {
        answers.add(new String[] {"200", chat("Looks fine to me.")});

        Score score = judge.score("llm_judge", JUDGE, INPUT).get();

        assertThat(score.error()).startsWith("judge_unusable:");
    }

    @Test
    void scoresEmbeddingSimilarityByTheCosineOfBothEmbeddings() throws Exception {
        answers.add(new String[] {"200", "{\"data\":[{\"embedding\":[3,4]},{\"embedding\":[4,3]}]}"});

        Score score = judge.score("similarity", "{\"method\":\"embedding\",\"embedding_model\":\"e5\","
                + "\"threshold\":0.9}", INPUT).get();

        assertThat(score.value()).isEqualTo(0.96, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(score.passed()).isTrue();
        assertThat(lastBody.get()).contains("\"input\":[\"4\",\"4\"]");
    }

    @Test
    void givesAnErrorScoreWhenTheGatewayCannotBeReached() throws Exception {
        gateway.stop(0);

        Score score = judge.score("llm_judge", JUDGE, INPUT).get();

        assertThat(score.error()).startsWith("judge_unavailable:");
    }
}

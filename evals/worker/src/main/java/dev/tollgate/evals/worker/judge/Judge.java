package dev.tollgate.evals.worker.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.evals.definition.Definition;
import dev.tollgate.evals.definition.Definitions;
import dev.tollgate.evals.judge.Cosine;
import dev.tollgate.evals.judge.JudgeAnswer;
import dev.tollgate.evals.judge.JudgePrompt;
import dev.tollgate.evals.scoring.Score;
import dev.tollgate.evals.scoring.ScoringInput;
import dev.tollgate.evals.worker.gateway.GatewayClient;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Gives the score that needs a model: asks the judge model (through the gateway) and reads its JSON answer, or asks
 * the gateway for the two embeddings and takes their cosine. A call that fails for a reason worth retrying (no
 * connection, 429, 5xx) is retried with exponential backoff and jitter; what still fails becomes an error score
 * with its reason ({@code judge_unavailable}, {@code judge_refused}, {@code judge_unusable}), so a score is never
 * lost and a judge that is down never stops the worker.
 */
public final class Judge {

    /** Marks a call made while scoring, so the scoring topology never scores it in turn. */
    static final Map<String, String> JUDGE_HEADERS = Map.of("x-tollgate-eval-judge", "true");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatewayClient gateway;
    private final int retries;
    private final Duration backoff;

    /**
     * @param gateway the gateway client
     * @param retries retries of a retryable failure
     * @param backoff the first retry's pause; doubled each time, with up to 50 % jitter
     */
    public Judge(GatewayClient gateway, int retries, Duration backoff) {
        this.gateway = gateway;
        this.retries = retries;
        this.backoff = backoff;
    }

    /** The score of {@code input} by the evaluator of {@code type} defined by {@code definitionJson}. */
    public CompletableFuture<Score> score(String type, String definitionJson, ScoringInput input) {
        Definition definition;
        try {
            definition = Definitions.parse(type, definitionJson);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Score.error("invalid_definition", e.getMessage()));
        }
        if (definition instanceof Definition.LlmJudge judge) {
            return judge(judge, input);
        }
        if (definition instanceof Definition.Similarity similarity
                && similarity.method() == Definition.SimilarityMethod.EMBEDDING) {
            return embeddingSimilarity(similarity, input);
        }
        return CompletableFuture.completedFuture(Score.error("not_a_model_evaluator", type
                + " is scored in the stream, not by a model"));
    }

    private CompletableFuture<Score> judge(Definition.LlmJudge judge, ScoringInput input) {
        ObjectNode body = JudgePrompt.request(judge, input);
        return withRetries(() -> gateway.chat(body, JUDGE_HEADERS), 0).thenApply(answer -> {
            if (answer.status() != 200) {
                return failure(answer);
            }
            JsonNode content = answer.body() == null ? null
                    : answer.body().path("choices").path(0).path("message").path("content");
            return JudgeAnswer.parse(content != null && content.isTextual() ? content.asText() : null,
                    judge.threshold());
        }).exceptionally(Judge::unreachable);
    }

    private CompletableFuture<Score> embeddingSimilarity(Definition.Similarity similarity, ScoringInput input) {
        if (input.reference() == null) {
            return CompletableFuture.completedFuture(Score.error("no_reference", "embedding similarity compares "
                    + "with a reference output, and the request has none"));
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("model", similarity.embeddingModel());
        body.putArray("input").add(input.output() == null ? "" : input.output()).add(input.reference());
        return withRetries(() -> gateway.embeddings(body, JUDGE_HEADERS), 0).thenApply(answer -> {
            if (answer.status() != 200) {
                return failure(answer);
            }
            try {
                double[] output = vector(answer.body().path("data").path(0).path("embedding"));
                double[] reference = vector(answer.body().path("data").path(1).path("embedding"));
                double cosine = Cosine.similarity(output, reference);
                return Score.graded(cosine, similarity.threshold(), String.format(Locale.ROOT, "cosine=%.4f",
                        cosine));
            } catch (RuntimeException e) {
                return Score.error("judge_unusable", "the embeddings answer cannot be used: " + e.getMessage());
            }
        }).exceptionally(Judge::unreachable);
    }

    /** Calls, and calls again after a pause while the answer is retryable and retries are left. */
    private CompletableFuture<GatewayClient.Answer> withRetries(Supplier<CompletableFuture<GatewayClient.Answer>> call,
                                                               int attempt) {
        return call.get().handle((answer, error) -> {
            boolean retry = attempt < retries && (error != null || answer.retryable());
            if (!retry) {
                return error == null ? CompletableFuture.completedFuture(answer)
                        : CompletableFuture.<GatewayClient.Answer>failedFuture(error);
            }
            long pause = backoff.toMillis() << attempt;
            pause += ThreadLocalRandom.current().nextLong(pause / 2 + 1);
            return CompletableFuture.supplyAsync(() -> null,
                            CompletableFuture.delayedExecutor(pause, TimeUnit.MILLISECONDS))
                    .thenCompose(ignored -> withRetries(call, attempt + 1));
        }).thenCompose(f -> f);
    }

    private static Score failure(GatewayClient.Answer answer) {
        String what = answer.errorCode();
        return answer.retryable()
                ? Score.error("judge_unavailable", "the gateway answered " + answer.status() + " (" + what
                        + ") after every retry")
                : Score.error("judge_refused", "the gateway answered " + answer.status() + " (" + what + ")");
    }

    private static Score unreachable(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return Score.error("judge_unavailable", "the gateway could not be reached after every retry: "
                + cause.getClass().getSimpleName());
    }

    private static double[] vector(JsonNode embedding) {
        if (!embedding.isArray() || embedding.isEmpty()) {
            throw new IllegalArgumentException("no embedding vector");
        }
        double[] vector = new double[embedding.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = embedding.get(i).asDouble();
        }
        return vector;
    }
}

package dev.tollgate.streams.evals;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tollgate.events.v1.EvalScore;

/**
 * What the aggregation keeps of a score, on its repartition topics and in its stores (JSON; field names are the
 * format): who scored what, and the verdict.
 *
 * @param scoreId       the score id
 * @param evaluatorId   the evaluator
 * @param version       its version
 * @param model         the model that answered
 * @param endpointId    the endpoint that answered, or null
 * @param runId         the eval run, or null
 * @param exampleId     the dataset example, or null
 * @param requestId     the request's id
 * @param score         the value, or null with an error
 * @param passed        whether it passed, or null with an error
 * @param error         why there is no value, or null
 * @param completedAtMs when the scored request completed
 */
record ScoredRequest(
        @JsonProperty("score_id") String scoreId,
        @JsonProperty("evaluator_id") String evaluatorId,
        @JsonProperty("version") int version,
        @JsonProperty("model") String model,
        @JsonProperty("endpoint_id") String endpointId,
        @JsonProperty("run_id") String runId,
        @JsonProperty("example_id") String exampleId,
        @JsonProperty("request_id") String requestId,
        @JsonProperty("score") Double score,
        @JsonProperty("passed") Boolean passed,
        @JsonProperty("error") String error,
        @JsonProperty("completed_at_ms") long completedAtMs) {

    static ScoredRequest of(EvalScore score) {
        return new ScoredRequest(score.getScoreId(), score.getEvaluatorId(), score.getEvaluatorVersion(),
                score.getModel(), score.getEndpointId(), score.getRunId(), score.getExampleId(), score.getRequestId(),
                score.getScore(), score.getPassed(), score.getError(), score.getRequestCompletedAt().toEpochMilli());
    }
}

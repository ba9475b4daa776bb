package dev.tollgate.gateway.events;

/**
 * How a request was marked for evaluation by its headers: sent by an eval run for one dataset example
 * ({@code x-tollgate-eval-run}, {@code x-tollgate-eval-example: <dataset>/<example>}), or sent by a judge to score
 * another request ({@code x-tollgate-eval-judge: true}). Recorded on the request event, so the scoring topology can
 * join an answer with its example's reference and never score a judge's own call.
 *
 * @param runId     the eval run, or null
 * @param datasetId the dataset of the example, or null
 * @param exampleId the example, or null
 * @param judge     whether the request is a judge's or an embedding call made while scoring
 */
public record EvalMarking(String runId, String datasetId, String exampleId, boolean judge) {

    /** The header naming the eval run. */
    public static final String RUN_HEADER = "x-tollgate-eval-run";
    /** The header naming the example, as {@code <dataset id>/<example id>}. */
    public static final String EXAMPLE_HEADER = "x-tollgate-eval-example";
    /** The header marking a judge's call ({@code true}). */
    public static final String JUDGE_HEADER = "x-tollgate-eval-judge";

    /** Whether content must be captured for it whatever the org's setting: an eval run's answers are scored. */
    public boolean capturesContent() {
        return runId != null;
    }
}

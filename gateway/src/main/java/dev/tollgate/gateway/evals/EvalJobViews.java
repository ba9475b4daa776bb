package dev.tollgate.gateway.evals;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.control.v1.EvalProgress;
import dev.tollgate.control.v1.EvaluatorSnapshot;
import java.time.Instant;
import java.util.Optional;

/** What the admin API shows of runs and backfills beside their specs: the evaluators and the progress. */
final class EvalJobViews {

    private EvalJobViews() {
    }

    /**
     * An evaluator version a run or backfill scores with.
     *
     * @param id      evaluator id
     * @param version its version
     * @param name    its name
     * @param type    its type
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record EvaluatorRef(String id, int version, String name, String type) {
        static EvaluatorRef of(EvaluatorSnapshot snapshot) {
            return new EvaluatorRef(snapshot.getEvaluatorId(), snapshot.getVersion(), snapshot.getName(),
                    snapshot.getType());
        }
    }

    /**
     * Where a job stands, as the evals worker last reported it.
     *
     * @param status    {@code pending} until the worker reports; then {@code running}, {@code scoring},
     *                  {@code completed} or {@code failed}
     * @param total     run: requests to send; backfill: records in the range
     * @param sent      run: requests sent; backfill: records read
     * @param succeeded run: answered 2xx; backfill: scored or handed to the judge
     * @param skipped   backfill: not in the selector or the sample, or without content
     * @param failed    run: refused or failed; backfill: undecodable
     * @param verdict   a completed run with thresholds: {@code passed} or {@code failed}; else null
     * @param detail    why it failed, or which thresholds were missed
     * @param updatedAt when the worker last reported, or null
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Progress(String status, long total, long sent, long succeeded, long skipped, long failed, String verdict,
                    String detail, Instant updatedAt) {

        static final Progress PENDING = new Progress("pending", 0, 0, 0, 0, 0, null, null, null);

        static Progress of(Optional<EvalProgress> reported) {
            return reported.map(p -> new Progress(p.getStatus(), p.getTotal(), p.getSent(), p.getSucceeded(),
                    p.getSkipped(), p.getFailed(), p.getVerdict(), p.getDetail(), p.getUpdatedAt())).orElse(PENDING);
        }
    }
}

package dev.tollgate.evals.worker;

import dev.tollgate.evals.worker.backfill.BackfillExecutor;
import dev.tollgate.evals.worker.judge.JudgeWorker;
import dev.tollgate.evals.worker.runs.RunExecutor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness is DOWN when one of the worker's loops (judge, runs, backfills) is no longer running: each restarts
 * itself after a failure, so a dead thread is a bug, and the orchestrator should restart the pod.
 */
@Liveness
@ApplicationScoped
public class WorkerLiveness implements HealthCheck {

    private final JudgeWorker judge;
    private final RunExecutor runs;
    private final BackfillExecutor backfills;

    @Inject
    WorkerLiveness(JudgeWorker judge, RunExecutor runs, BackfillExecutor backfills) {
        this.judge = judge;
        this.runs = runs;
        this.backfills = backfills;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("evals-worker")
                .status(judge.alive() && runs.alive() && backfills.alive())
                .withData("judge", judge.alive()).withData("runs", runs.alive())
                .withData("backfills", backfills.alive()).build();
    }
}

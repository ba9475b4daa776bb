package dev.tollgate.streams.evals;

import java.util.function.Supplier;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import dev.tollgate.control.v1.DatasetExample;
import dev.tollgate.control.v1.EvalRunSpec;
import dev.tollgate.control.v1.EvaluatorState;
import dev.tollgate.events.v1.EvalJob;
import dev.tollgate.events.v1.EvalScore;

/**
 * The registry-backed Avro serdes the evals sub-topology makes per task (production: the registry over HTTP; unit
 * tests: an in-memory registry).
 *
 * @param evaluators decodes {@code tollgate.evaluators.v1} values
 * @param runs       decodes {@code tollgate.eval-runs.v1} values
 * @param examples   decodes {@code tollgate.dataset-examples.v1} values
 * @param scoresIn   decodes {@code tollgate.eval-scores.v1} values
 * @param scoresOut  encodes {@code tollgate.eval-scores.v1} values
 * @param jobs       encodes {@code tollgate.eval-jobs.v1} values
 */
public record EvalsSerdes(
        Supplier<Deserializer<EvaluatorState>> evaluators,
        Supplier<Deserializer<EvalRunSpec>> runs,
        Supplier<Deserializer<DatasetExample>> examples,
        Supplier<Deserializer<EvalScore>> scoresIn,
        Supplier<Serializer<EvalScore>> scoresOut,
        Supplier<Serializer<EvalJob>> jobs) {
}

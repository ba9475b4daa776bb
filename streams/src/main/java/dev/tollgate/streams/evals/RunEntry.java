package dev.tollgate.streams.evals;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tollgate.control.v1.EvalRunSpec;
import dev.tollgate.control.v1.EvaluatorSnapshot;
import dev.tollgate.evals.definition.Definitions;

/**
 * What the runs store keeps of an eval run: the evaluator versions its requests are scored with, and what its
 * answers are measured against. Field names are fixed here: they are the store's format.
 *
 * @param runId      run id
 * @param datasetId  its dataset
 * @param models     the models it sends to
 * @param evaluators the evaluator versions, whole
 * @param thresholds what it must reach to pass
 */
record RunEntry(
        @JsonProperty("run_id") String runId,
        @JsonProperty("dataset_id") String datasetId,
        @JsonProperty("models") List<String> models,
        @JsonProperty("evaluators") List<Snapshot> evaluators,
        @JsonProperty("thresholds") List<Threshold> thresholds) {

    /**
     * One evaluator version of the run.
     *
     * @param id             evaluator id
     * @param version        the version
     * @param name           its name
     * @param type           its type
     * @param definitionJson its definition
     */
    record Snapshot(@JsonProperty("id") String id, @JsonProperty("version") int version,
                    @JsonProperty("name") String name, @JsonProperty("type") String type,
                    @JsonProperty("definition_json") String definitionJson) {

        EvaluatorSnapshot toAvro() {
            return new EvaluatorSnapshot(id, version, name, type, definitionJson);
        }
    }

    /**
     * A pass threshold.
     *
     * @param evaluatorId the evaluator
     * @param metric      {@code mean} or {@code pass_rate}
     * @param min         the least, for every model
     */
    record Threshold(@JsonProperty("evaluator_id") String evaluatorId, @JsonProperty("metric") String metric,
                     @JsonProperty("min") double min) {
    }

    /** The entry of a published run; every evaluator definition is parsed once here. */
    static RunEntry of(EvalRunSpec spec) {
        List<Snapshot> evaluators = spec.getEvaluators().stream().map(e -> {
            Definitions.parse(e.getType(), e.getDefinitionJson());
            return new Snapshot(e.getEvaluatorId(), e.getVersion(), e.getName(), e.getType(), e.getDefinitionJson());
        }).toList();
        return new RunEntry(spec.getRunId(), spec.getDatasetId(), List.copyOf(spec.getModels()), evaluators,
                spec.getThresholds().stream().map(t -> new Threshold(t.getEvaluatorId(), t.getMetric(), t.getMin()))
                        .toList());
    }
}

package dev.tollgate.streams.evals;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tollgate.control.v1.EvaluatorSnapshot;
import dev.tollgate.control.v1.EvaluatorState;
import dev.tollgate.evals.definition.Definitions;

/**
 * What the evaluators store keeps of an evaluator's current version: enough to select, sample and score live
 * requests. Field names are fixed here: they are the store's format.
 *
 * @param id             evaluator id
 * @param version        its current version
 * @param name           its name
 * @param type           its type's wire name
 * @param definitionJson its definition, as JSON text
 * @param orgs           selector: org ids
 * @param models         selector: models
 * @param endpoints      selector: endpoint ids
 * @param environments   selector: environments
 * @param keys           selector: key ids
 * @param tags           selector: tags
 * @param samplingRate   the share of matching requests scored
 * @param active         whether it scores live traffic
 */
record EvaluatorEntry(
        @JsonProperty("id") String id,
        @JsonProperty("version") int version,
        @JsonProperty("name") String name,
        @JsonProperty("type") String type,
        @JsonProperty("definition_json") String definitionJson,
        @JsonProperty("orgs") List<String> orgs,
        @JsonProperty("models") List<String> models,
        @JsonProperty("endpoints") List<String> endpoints,
        @JsonProperty("environments") List<String> environments,
        @JsonProperty("keys") List<String> keys,
        @JsonProperty("tags") Map<String, String> tags,
        @JsonProperty("sampling_rate") double samplingRate,
        @JsonProperty("active") boolean active) {

    /**
     * The entry of a published state; its definition is parsed once here so that an unusable one is refused at
     * load rather than on every request.
     *
     * @throws IllegalArgumentException when the definition cannot be used
     */
    static EvaluatorEntry of(EvaluatorState state) {
        Definitions.parse(state.getType(), state.getDefinitionJson());
        var s = state.getSelector();
        return new EvaluatorEntry(state.getEvaluatorId(), state.getVersion(), state.getName(), state.getType(),
                state.getDefinitionJson(), List.copyOf(s.getOrgs()), List.copyOf(s.getModels()),
                List.copyOf(s.getEndpoints()), List.copyOf(s.getEnvironments()), List.copyOf(s.getKeys()),
                Map.copyOf(s.getTags()), state.getSamplingRate(), state.getActive());
    }

    /** This version, whole, as scores and jobs name it. */
    EvaluatorSnapshot snapshot() {
        return new EvaluatorSnapshot(id, version, name, type, definitionJson);
    }
}

package dev.tollgate.gateway.evals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.control.v1.DatasetExample;
import dev.tollgate.control.v1.EvaluatorSnapshot;
import dev.tollgate.control.v1.EvaluatorState;
import dev.tollgate.control.v1.ExampleMessage;
import dev.tollgate.evals.contract.EvalContract;
import dev.tollgate.evals.definition.Selector;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Converts the evals rows into the records published on the compacted topics. */
final class EvalRecords {

    static final ObjectMapper JSON = new ObjectMapper();

    private EvalRecords() {
    }

    /** The state of an evaluator at its current version. */
    static EvaluatorState evaluatorState(EvaluatorEntity evaluator, EvaluatorVersionEntity current) {
        return new EvaluatorState(evaluator.id, evaluator.name, current.number, current.type, current.definitionJson,
                EvalContract.selector(selector(current)), current.samplingRate, evaluator.active, evaluator.updatedAt);
    }

    /** One version, whole: what runs and backfills carry. */
    static EvaluatorSnapshot snapshot(EvaluatorVersionEntity version) {
        return new EvaluatorSnapshot(version.evaluatorId, version.number, version.name, version.type,
                version.definitionJson);
    }

    static Selector selector(EvaluatorVersionEntity version) {
        try {
            return Selector.parse(JSON.readTree(version.selectorJson));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a stored selector is not JSON", e);
        }
    }

    /** The record of one example. */
    static DatasetExample example(DatasetExampleEntity row) {
        List<ExampleMessage> messages = new ArrayList<>();
        for (Map<String, String> message : read(row.messagesJson, new TypeReference<List<Map<String, String>>>() {
        })) {
            messages.add(new ExampleMessage(message.get("role"), message.get("content")));
        }
        return new DatasetExample(row.datasetId, row.exampleId, messages, row.referenceOutput,
                read(row.tagsJson, new TypeReference<Map<String, String>>() {
                }), row.updatedAt);
    }

    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a stored column is not JSON", e);
        }
    }

    static <T> T read(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a stored column is not the JSON it should be", e);
        }
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("plain values always serialize", e);
        }
    }
}

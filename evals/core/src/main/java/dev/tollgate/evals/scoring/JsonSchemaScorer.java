package dev.tollgate.evals.scoring;

import com.networknt.schema.Error;
import dev.tollgate.evals.definition.Definition;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code json_schema}: 1 when the output is one JSON value that validates against the schema, else 0 with the
 * first problem as the detail. Parsed once, with the Jackson the validator itself reads (Jackson 3).
 */
final class JsonSchemaScorer {

    private static final JsonMapper JSON = JsonMapper.shared();

    private JsonSchemaScorer() {
    }

    static Score score(Definition.JsonSchemaMatch definition, String output) {
        if (output == null || output.isBlank()) {
            return Score.of(false, "the output is empty, not JSON");
        }
        JsonNode value;
        try {
            value = JSON.readTree(output);
        } catch (JacksonException e) {
            return Score.of(false, "the output is not JSON: " + e.getOriginalMessage());
        }
        List<Error> problems = definition.compiled().validate(value);
        if (problems.isEmpty()) {
            return Score.of(true, null);
        }
        return Score.of(false, problems.size() + " violation(s); first: " + problems.get(0).toString());
    }
}

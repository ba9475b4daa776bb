package dev.tollgate.cli.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Builds request bodies: only the fields the operator set, so the server applies its own defaults to the rest. */
public final class Json {

    private Json() {
    }

    public static ObjectNode object() {
        return ApiClient.JSON.createObjectNode();
    }

    /** Puts {@code value} when it is not null. */
    public static ObjectNode put(ObjectNode node, String field, Object value) {
        if (value == null) {
            return node;
        }
        if (value instanceof List<?> list) {
            var array = node.putArray(field);
            list.forEach(v -> array.add(ApiClient.JSON.valueToTree(v)));
        } else {
            node.set(field, ApiClient.JSON.valueToTree(value));
        }
        return node;
    }

    /** The {@code data} array of a list answer. */
    public static JsonNode data(JsonNode list) {
        return list.path("data");
    }
}

package dev.tollgate.cli.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Builds request bodies: only the fields the operator set, so the server applies its own defaults to the rest. */
public final class Json {

    private Json() {
    }

    public static ObjectNode object() {
        return ApiClient.JSON.createObjectNode();
    }

    public static ArrayNode array() {
        return ApiClient.JSON.createArrayNode();
    }

    /** Any value (a map, a list) as a JSON tree. */
    public static JsonNode tree(Object value) {
        return ApiClient.JSON.valueToTree(value);
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

    /**
     * A JSON value given on the command line, or read from a file when it starts with {@code @}
     * ({@code --definition @judge.json}); a usage error naming the option when it is not JSON.
     */
    public static JsonNode argument(String textOrFile, String option) {
        String text = textOrFile;
        if (textOrFile.startsWith("@")) {
            Path file = Path.of(textOrFile.substring(1));
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw CliException.usage(option + ": cannot read " + file + " (" + e.getClass().getSimpleName()
                        + ").", "Give JSON inline, or @FILE with a readable file.");
            }
        }
        try {
            return ApiClient.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw CliException.usage(option + " is not JSON: " + e.getOriginalMessage() + ".",
                    "Give JSON inline in single quotes, or @FILE.");
        }
    }
}

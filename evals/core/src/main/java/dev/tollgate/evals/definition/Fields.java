package dev.tollgate.evals.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads the fields of one JSON object, naming each by its path when it is missing or of the wrong kind. */
final class Fields {

    private final JsonNode node;
    private final String path;

    Fields(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new InvalidDefinition(path, "'" + path + "' must be a JSON object.");
        }
        this.node = node;
        this.path = path;
    }

    String path(String field) {
        return path + "." + field;
    }

    JsonNode raw(String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value;
    }

    Optional<String> text(String field) {
        JsonNode value = raw(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new InvalidDefinition(path(field), "'" + path(field) + "' must be a string.");
        }
        return Optional.of(value.asText());
    }

    String requiredText(String field, String what) {
        String value = text(field).orElseThrow(() -> new InvalidDefinition(path(field),
                "'" + path(field) + "' is required: " + what + "."));
        if (value.isBlank()) {
            throw new InvalidDefinition(path(field), "'" + path(field) + "' must not be empty: " + what + ".");
        }
        return value;
    }

    boolean bool(String field, boolean otherwise) {
        JsonNode value = raw(field);
        if (value == null) {
            return otherwise;
        }
        if (!value.isBoolean()) {
            throw new InvalidDefinition(path(field), "'" + path(field) + "' must be true or false.");
        }
        return value.asBoolean();
    }

    double fraction(String field, double otherwise) {
        JsonNode value = raw(field);
        if (value == null) {
            return otherwise;
        }
        if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 1) {
            throw new InvalidDefinition(path(field), "'" + path(field) + "' must be a number from 0 to 1.");
        }
        return value.asDouble();
    }

    int integer(String field, int otherwise, int min, int max) {
        JsonNode value = raw(field);
        if (value == null) {
            return otherwise;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < min || value.asInt() > max) {
            throw new InvalidDefinition(path(field), "'" + path(field) + "' must be an integer from " + min + " to "
                    + max + ".");
        }
        return value.asInt();
    }

    <E extends Enum<E>> E choice(String field, Class<E> type, E otherwise) {
        Optional<String> value = text(field);
        if (value.isEmpty()) {
            return otherwise;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.toString().equals(value.get())) {
                return constant;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            allowed.add(constant.toString());
        }
        throw new InvalidDefinition(path(field), "'" + path(field) + "' must be one of " + String.join(", ", allowed)
                + ", not '" + value.get() + "'.");
    }

    Set<String> textSet(String field, boolean required) {
        JsonNode value = raw(field);
        if (value == null) {
            if (required) {
                throw new InvalidDefinition(path(field), "'" + path(field) + "' is required: a list of names.");
            }
            return Set.of();
        }
        if (!value.isArray()) {
            throw new InvalidDefinition(path(field), "'" + path(field) + "' must be a list of strings.");
        }
        Set<String> items = new LinkedHashSet<>();
        for (JsonNode item : value) {
            if (!item.isTextual() || item.asText().isBlank()) {
                throw new InvalidDefinition(path(field), "'" + path(field) + "' must hold non-empty strings only.");
            }
            items.add(item.asText());
        }
        if (required && items.isEmpty()) {
            throw new InvalidDefinition(path(field), "'" + path(field) + "' must name at least one.");
        }
        return Set.copyOf(items);
    }

    /** Refuses a field this object does not define: a typo must not be silently ignored. */
    void noOthers(Set<String> known) {
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                throw new InvalidDefinition(path(name), "'" + path(name) + "' is not a field of this object; known: "
                        + String.join(", ", known.stream().sorted().toList()) + ".");
            }
        });
    }
}

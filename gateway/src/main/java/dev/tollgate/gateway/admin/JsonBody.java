package dev.tollgate.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.openai.RequestParser;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A JSON object sent to the admin API, read field by field. Every way a field can be wrong fails with an
 * {@link AdminException} (400) that names the field in {@code param}, so an admin client never sees a 500 or a
 * framework error page for its own mistake.
 */
public final class JsonBody {

    /** Ids chosen by admins (orgs, teams, endpoints): lowercase slugs, safe in URLs, logs and Kafka keys. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    /** Model names as clients send them; never a comma, which separates models in storage. */
    public static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}");

    private final ObjectNode node;

    private JsonBody(ObjectNode node) {
        this.node = node;
    }

    /** Parses a request body; an empty body counts as {@code {}}. */
    public static JsonBody parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return new JsonBody(RequestParser.MAPPER.createObjectNode());
        }
        try {
            JsonNode root = RequestParser.MAPPER.readTree(raw);
            if (root instanceof ObjectNode object) {
                return new JsonBody(object);
            }
        } catch (IOException e) {
            throw new AdminException(ErrorCode.INVALID_JSON, "The request body is not valid JSON.", null);
        }
        throw new AdminException(ErrorCode.INVALID_REQUEST, "The request body must be a JSON object.", null);
    }

    /** A required string matching {@code pattern}; {@code rule} tells the client what is allowed. */
    public String requiredText(String field, Pattern pattern, String rule) {
        return optionalText(field, pattern, rule).orElseThrow(() ->
                AdminException.invalid(field, "'" + field + "' is required: " + rule + "."));
    }

    /** An optional string matching {@code pattern}. */
    public Optional<String> optionalText(String field, Pattern pattern, String rule) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() || !pattern.matcher(value.asText()).matches()) {
            throw AdminException.invalid(field, "'" + field + "' must be " + rule + ".");
        }
        return Optional.of(value.asText());
    }

    /** An optional non-blank string of at most {@code maxLength} characters. */
    public Optional<String> optionalName(String field, int maxLength) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() || value.asText().isBlank() || value.asText().length() > maxLength) {
            throw AdminException.invalid(field, "'" + field + "' must be a non-blank string of at most "
                    + maxLength + " characters.");
        }
        return Optional.of(value.asText().strip());
    }

    /** An optional whole number of at least {@code min}, within {@code max}. */
    public Optional<Long> optionalLong(String field, long min, long max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < min || value.asLong() > max) {
            throw AdminException.invalid(field, "'" + field + "' must be a whole number from " + min + " to " + max + ".");
        }
        return Optional.of(value.asLong());
    }

    /** An optional ISO-8601 instant (e.g. {@code 2027-01-01T00:00:00Z}) that lies after {@code after}. */
    public Optional<Instant> optionalInstantAfter(String field, Instant after) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        try {
            Instant instant = Instant.parse(value.asText());
            if (!value.isTextual() || !instant.isAfter(after)) {
                throw AdminException.invalid(field, "'" + field + "' must lie in the future.");
            }
            return Optional.of(instant);
        } catch (DateTimeParseException e) {
            throw AdminException.invalid(field, "'" + field + "' must be an ISO-8601 instant such as 2027-01-01T00:00:00Z.");
        }
    }

    /** An optional list of strings, each matching {@code pattern}, without duplicates. */
    public List<String> optionalTextList(String field, Pattern pattern, String rule) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw AdminException.invalid(field, "'" + field + "' must be an array of strings.");
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual() || !pattern.matcher(item.asText()).matches()) {
                throw AdminException.invalid(field, "every item of '" + field + "' must be " + rule + ".");
            }
            if (!items.contains(item.asText())) {
                items.add(item.asText());
            }
        }
        return List.copyOf(items);
    }

    /** An optional array of whole numbers, each from {@code min} to {@code max}; empty when absent. */
    public Optional<List<Integer>> optionalIntList(String field, int min, int max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        String rule = "'" + field + "' must be an array of whole numbers from " + min + " to " + max + ".";
        if (!value.isArray()) {
            throw AdminException.invalid(field, rule);
        }
        List<Integer> items = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isIntegralNumber() || !item.canConvertToInt() || item.asInt() < min || item.asInt() > max) {
                throw AdminException.invalid(field, rule);
            }
            items.add(item.asInt());
        }
        return Optional.of(List.copyOf(items));
    }

    /** An optional choice among {@code choices} (case-insensitive), returned in lowercase. */
    public Optional<String> optionalChoice(String field, Set<String> choices) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        String choice = value.isTextual() ? value.asText().toLowerCase(Locale.ROOT) : "";
        if (!choices.contains(choice)) {
            throw AdminException.invalid(field, "'" + field + "' must be one of " + choices.stream().sorted().toList() + ".");
        }
        return Optional.of(choice);
    }

    /** The field as sent, for nested objects a feature validates itself; null when absent or null. */
    public JsonNode raw(String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value;
    }

    /** An optional number from {@code min} to {@code max}. */
    public Optional<Double> optionalDouble(String field, double min, double max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isNumber() || value.asDouble() < min || value.asDouble() > max) {
            throw AdminException.invalid(field, "'" + field + "' must be a number from " + min + " to " + max + ".");
        }
        return Optional.of(value.asDouble());
    }

    /** An optional {@code true} or {@code false}. */
    public Optional<Boolean> optionalBoolean(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw AdminException.invalid(field, "'" + field + "' must be true or false.");
        }
        return Optional.of(value.asBoolean());
    }
}

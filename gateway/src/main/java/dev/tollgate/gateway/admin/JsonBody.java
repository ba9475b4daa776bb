package dev.tollgate.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.openai.RequestParser;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
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

    /** A duration as admins write it: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, or ISO-8601 ({@code PT30S}). */
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

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

    /** Whether the body has {@code field}, even as null. */
    public boolean has(String field) {
        return node.has(field);
    }

    /**
     * Fails with a 400 naming the first field not in {@code allowed}: a misspelled optional field would otherwise be
     * ignored without a word, and the admin would think it set.
     */
    public void rejectUnknownFields(Set<String> allowed) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw AdminException.invalid(name, "'" + name + "' is not a field of this object; the fields are "
                        + allowed.stream().sorted().toList() + ".");
            }
        }
    }

    /**
     * An optional duration from {@code min} to {@code max}, written {@code 500ms}, {@code 30s}, {@code 5m},
     * {@code 2h} or in ISO-8601 ({@code PT30S}).
     */
    public Optional<Duration> optionalDuration(String field, Duration min, Duration max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        String rule = "'" + field + "' must be a duration from " + format(min) + " to " + format(max)
                + " such as 30s, 5m or 1h.";
        Duration duration = value.isTextual() ? parseDuration(value.asText()) : null;
        if (duration == null || duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
            throw AdminException.invalid(field, rule);
        }
        return Optional.of(duration);
    }

    /** {@code text} as a duration ({@code 30s}, {@code 5m}, {@code PT30S}), or null when it is none. */
    static Duration parseDuration(String text) {
        Matcher compact = DURATION.matcher(text.trim());
        if (compact.matches()) {
            long amount = Long.parseLong(compact.group(1));
            return switch (compact.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
        try {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * A duration the way the admin API writes it back: in the largest of {@code h}, {@code m}, {@code s} and
     * {@code ms} that divides it, e.g. {@code 90s}, {@code 5m}.
     */
    public static String format(Duration duration) {
        long ms = duration.toMillis();
        if (ms == 0) {
            return "0s";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** An optional number from {@code min} (exclusive when {@code minExclusive}) to {@code max} (inclusive). */
    public Optional<Double> optionalDouble(String field, double min, boolean minExclusive, double max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        double number = value.isNumber() ? value.asDouble() : Double.NaN;
        boolean aboveMin = minExclusive ? number > min : number >= min;
        if (!Double.isFinite(number) || !aboveMin || number > max) {
            throw AdminException.invalid(field, "'" + field + "' must be a number " + (minExclusive ? "above " : "from ")
                    + plain(min) + (minExclusive ? " up to " : " to ") + plain(max) + ".");
        }
        return Optional.of(number);
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

    /**
     * An optional object of strings: at most {@code maxEntries}, each name matching {@code names} and not in
     * {@code reserved}, each value non-empty and at most {@code maxValueLength} characters.
     */
    public Optional<Map<String, String>> optionalStringMap(String field, Pattern names, Set<String> reserved,
                                                           int maxEntries, int maxValueLength) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isObject() || value.size() > maxEntries) {
            throw AdminException.invalid(field, "'" + field + "' must be an object of at most " + maxEntries
                    + " string values.");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            if (!names.matcher(name).matches() || reserved.contains(name)) {
                throw AdminException.invalid(field, "'" + field + "' may not have the name '" + name + "'"
                        + (reserved.contains(name) ? ": it is set by Tollgate." : ": names are letters, digits and '_'."));
            }
            JsonNode text = entry.getValue();
            if (!text.isTextual() || text.asText().isEmpty() || text.asText().length() > maxValueLength) {
                throw AdminException.invalid(field, "every value of '" + field + "' must be a non-empty string of at "
                        + "most " + maxValueLength + " characters.");
            }
            map.put(name, text.asText());
        }
        return Optional.of(map);
    }

    /** The body with {@code overrides}' fields set on top, for a {@code PATCH} validated like a create. */
    public JsonBody overlaidWith(JsonBody overrides) {
        ObjectNode merged = node.deepCopy();
        merged.setAll(overrides.node);
        return new JsonBody(merged);
    }

    /** A body made of {@code fields}, e.g. the current state of an entity to overlay a {@code PATCH} on. */
    public static JsonBody of(Map<String, ?> fields) {
        return new JsonBody(RequestParser.MAPPER.valueToTree(fields));
    }

    private static String plain(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
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
}

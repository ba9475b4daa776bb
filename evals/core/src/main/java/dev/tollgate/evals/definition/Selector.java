package dev.tollgate.evals.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which live requests an evaluator scores. Each list left empty matches any value; a non-empty one must contain
 * the request's value. Every tag must be present with the given value. An empty selector matches every request.
 *
 * @param orgs         org ids
 * @param models       model names
 * @param endpoints    endpoint ids
 * @param environments development, staging, production
 * @param keys         key ids
 * @param tags         metadata the request must carry
 */
public record Selector(Set<String> orgs, Set<String> models, Set<String> endpoints, Set<String> environments,
                       Set<String> keys, Map<String, String> tags) {

    /** Matches every request. */
    public static final Selector ANY = new Selector(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Map.of());

    private static final Set<String> ENVIRONMENTS = Set.of("development", "staging", "production");
    private static final String PATH = "selector";

    public Selector {
        orgs = Set.copyOf(orgs);
        models = Set.copyOf(models);
        endpoints = Set.copyOf(endpoints);
        environments = Set.copyOf(environments);
        keys = Set.copyOf(keys);
        tags = Map.copyOf(tags);
    }

    /** Whether {@code target} is one of the requests this selector names. */
    public boolean matches(Target target) {
        return in(orgs, target.orgId()) && in(models, target.model()) && in(endpoints, target.endpointId())
                && in(environments, target.environment()) && in(keys, target.keyId()) && tagsMatch(target.tags());
    }

    private static boolean in(Set<String> allowed, String value) {
        return allowed.isEmpty() || (value != null && allowed.contains(value));
    }

    private boolean tagsMatch(Map<String, String> present) {
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            if (present == null || !tag.getValue().equals(present.get(tag.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The selector of the admin API's {@code selector} object; missing or null is {@link #ANY}.
     *
     * @throws InvalidDefinition naming the field at fault
     */
    public static Selector parse(JsonNode node) {
        if (node == null || node.isNull()) {
            return ANY;
        }
        Fields fields = new Fields(node, PATH);
        fields.noOthers(Set.of("orgs", "models", "endpoints", "environments", "keys", "tags"));
        Set<String> environments = fields.textSet("environments", false);
        for (String environment : environments) {
            if (!ENVIRONMENTS.contains(environment)) {
                throw new InvalidDefinition(fields.path("environments"), "'" + fields.path("environments")
                        + "' may hold development, staging and production only, not '" + environment + "'.");
            }
        }
        return new Selector(fields.textSet("orgs", false), fields.textSet("models", false),
                fields.textSet("endpoints", false), environments, fields.textSet("keys", false), tags(fields));
    }

    private static Map<String, String> tags(Fields fields) {
        JsonNode tags = fields.raw("tags");
        if (tags == null) {
            return Map.of();
        }
        if (!tags.isObject()) {
            throw new InvalidDefinition(fields.path("tags"), "'" + fields.path("tags")
                    + "' must be an object of string values.");
        }
        Map<String, String> parsed = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> tag : (Iterable<Map.Entry<String, JsonNode>>) tags::fields) {
            if (!tag.getValue().isTextual()) {
                throw new InvalidDefinition(fields.path("tags") + "." + tag.getKey(), "'" + fields.path("tags") + "."
                        + tag.getKey() + "' must be a string.");
            }
            parsed.put(tag.getKey(), tag.getValue().asText());
        }
        return parsed;
    }
}

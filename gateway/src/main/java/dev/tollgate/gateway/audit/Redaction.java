package dev.tollgate.gateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Removes secrets from what the audit trail records. The admin API's views already leave secrets out (an upstream
 * key is only {@code has_upstream_api_key}, a receiver's URL is masked), but two answers carry one once: a new API
 * key's {@code key} and a new admin credential's {@code token}. Any field of these names, at any depth, is replaced by
 * {@value #REDACTED} when it holds a value, so a future view that forgets this still cannot leak through the trail.
 */
final class Redaction {

    static final String REDACTED = "[redacted]";
    static final Set<String> SECRET_FIELDS = Set.of("key", "token", "upstream_api_key", "api_key", "secret",
            "password", "authorization", "digest", "upstream_key_envelope");

    private Redaction() {
    }

    /** Redacts {@code node} in place and returns it. */
    static JsonNode redact(JsonNode node) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (SECRET_FIELDS.contains(field.getKey().toLowerCase(Locale.ROOT)) && !field.getValue().isNull()) {
                    field.setValue(object.textNode(REDACTED));
                } else {
                    redact(field.getValue());
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(Redaction::redact);
        }
        return node;
    }
}

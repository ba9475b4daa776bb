package dev.tollgate.gateway.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.gateway.openai.TokenUsage;

/** Reads the OpenAI {@code usage} object that vLLM and hosted providers report. */
final class UsageParser {

    private UsageParser() {
    }

    /** The usage in {@code node}'s {@code usage} field, or null when absent or not well-formed. */
    static TokenUsage fromResponse(JsonNode node) {
        return node == null ? null : fromUsage(node.get("usage"));
    }

    /** The usage in a {@code usage} object, or null when it is absent or not well-formed. */
    static TokenUsage fromUsage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        long prompt = usage.path("prompt_tokens").asLong(-1);
        long completion = usage.path("completion_tokens").asLong(0);
        if (prompt < 0 || completion < 0) {
            return null;
        }
        long cached = Math.max(0, usage.path("prompt_tokens_details").path("cached_tokens").asLong(0));
        return new TokenUsage(prompt, completion, cached, false);
    }
}

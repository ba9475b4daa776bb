package dev.tollgate.gateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.events.v1.RequestParams;
import dev.tollgate.gateway.openai.ApiRequest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a request event keeps of a request's body: its sampling parameters, never its content. Taken on the
 * request's thread (a few field lookups in the parsed body), so that the queued event need not hold the body; the
 * Avro record is built from it later, on the publisher thread.
 *
 * @param stream         whether the client asked for a stream
 * @param maxTokens      {@code max_tokens} or {@code max_completion_tokens}, or null
 * @param temperature    {@code temperature}, or null
 * @param topP           {@code top_p}, or null
 * @param n              {@code n}, or null
 * @param seed           {@code seed}, or null
 * @param messageCount   chat messages, or prompts
 * @param toolCount      tools offered
 * @param responseFormat {@code response_format.type}, or null
 * @param user           the OpenAI {@code user} field, or null
 * @param tags           the string entries of OpenAI's {@code metadata} field, bounded ({@link #tags})
 */
record ParamsSummary(boolean stream, Long maxTokens, Double temperature, Double topP, Integer n, Long seed,
                     int messageCount, int toolCount, String responseFormat, String user, Map<String, String> tags) {

    /** The summary of a request whose body was never read: the schema's defaults of {@code RequestParams}. */
    static final ParamsSummary NONE = new ParamsSummary(false, null, null, null, null, null, 0, 0, null, null,
            Map.of());
    /** OpenAI's own bounds of {@code metadata}: 16 pairs, keys of 64 and values of 512 characters at most. */
    static final int MAX_TAGS = 16;
    static final int MAX_TAG_KEY = 64;
    static final int MAX_TAG_VALUE = 512;

    /** The summary of {@code request}; {@link #NONE} when it is null (the body was never read). */
    static ParamsSummary of(ApiRequest request) {
        if (request == null) {
            return NONE;
        }
        JsonNode body = request.body();
        JsonNode format = body.path("response_format").path("type");
        return new ParamsSummary(request.stream(), request.maxTokens(), number(body, "temperature"),
                number(body, "top_p"), body.path("n").isIntegralNumber() ? body.path("n").asInt() : null,
                body.path("seed").isIntegralNumber() ? body.path("seed").asLong() : null, request.messageCount(),
                body.path("tools").isArray() ? body.path("tools").size() : 0,
                format.isTextual() ? format.asText() : null, request.user(), tags(body.get("metadata")));
    }

    /**
     * The request's {@code metadata}, which evaluator selectors match on: string values only, within OpenAI's
     * bounds; entries past them are left out rather than refused, since the endpoint judges the body itself.
     */
    static Map<String, String> tags(JsonNode metadata) {
        if (metadata == null || !metadata.isObject() || metadata.isEmpty()) {
            return Map.of();
        }
        Map<String, String> tags = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = metadata.fields();
        while (fields.hasNext() && tags.size() < MAX_TAGS) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isTextual() && field.getKey().length() <= MAX_TAG_KEY
                    && field.getValue().asText().length() <= MAX_TAG_VALUE) {
                tags.put(field.getKey(), field.getValue().asText());
            }
        }
        return tags;
    }

    /** The Avro record, with every field set (its constructor, not its builder: see UsageRecorder.toEvent). */
    RequestParams toAvro() {
        return new RequestParams(stream, maxTokens, temperature, topP, n, seed, messageCount, toolCount,
                responseFormat, user);
    }

    private static Double number(JsonNode body, String field) {
        JsonNode value = body.path(field);
        return value.isNumber() ? value.asDouble() : null;
    }
}

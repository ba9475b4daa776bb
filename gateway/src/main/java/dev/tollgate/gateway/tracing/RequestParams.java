package dev.tollgate.gateway.tracing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.gateway.openai.ApiRequest;

/**
 * The request parameters a GenAI span records ({@code gen_ai.request.*}): numbers only, never content. Taken on the
 * request's thread, a few field lookups in the parsed body, so that a request waiting to become spans does not hold
 * its body.
 *
 * @param maxTokens        {@code max_completion_tokens} or {@code max_tokens}, or null
 * @param temperature      {@code temperature}, or null
 * @param topP             {@code top_p}, or null
 * @param frequencyPenalty {@code frequency_penalty}, or null
 * @param presencePenalty  {@code presence_penalty}, or null
 * @param seed             {@code seed}, or null
 * @param choices          {@code n}, or null
 * @param streaming        whether the client asked for a stream
 */
record RequestParams(Long maxTokens, Double temperature, Double topP, Double frequencyPenalty, Double presencePenalty,
                     Long seed, Integer choices, boolean streaming) {

    /** A request whose body was never read. */
    static final RequestParams NONE = new RequestParams(null, null, null, null, null, null, null, false);

    static RequestParams of(ApiRequest request) {
        if (request == null) {
            return NONE;
        }
        JsonNode body = request.body();
        return new RequestParams(request.maxTokens(), number(body, "temperature"), number(body, "top_p"),
                number(body, "frequency_penalty"), number(body, "presence_penalty"),
                body.path("seed").isIntegralNumber() ? body.path("seed").asLong() : null,
                body.path("n").isIntegralNumber() ? body.path("n").asInt() : null, request.stream());
    }

    private static Double number(JsonNode body, String field) {
        JsonNode value = body.path(field);
        return value.isNumber() ? value.asDouble() : null;
    }
}

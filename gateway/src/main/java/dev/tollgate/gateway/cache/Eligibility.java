package dev.tollgate.gateway.cache;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.gateway.openai.ApiRequest;
import dev.tollgate.gateway.openai.OpenAiApi;

/**
 * Which requests an org's or key's policy caches: only those whose answer does not depend on chance or on the world.
 * A request that opts in itself ({@code on} or {@code ttl}) is cached whatever it asks, because its client knows.
 * Not cached by a policy alone:
 * <ul>
 *   <li>sampling: {@code temperature} absent (the API's default is 1) or above 0, which also covers {@code n} > 1
 *       with sampling, whose choices are meant to differ;</li>
 *   <li>tools: a request with {@code tools} or {@code functions}, whose calls may have side effects a replayed answer
 *       would repeat or skip.</li>
 * </ul>
 * Embeddings are deterministic and always eligible.
 */
final class Eligibility {

    private Eligibility() {
    }

    /** Null when a policy may cache {@code request}; otherwise why not, for the log and the metric. */
    static String whyNot(ApiRequest request) {
        if (request.api() == OpenAiApi.EMBEDDINGS) {
            return null;
        }
        JsonNode body = request.body();
        if (hasItems(body.get("tools")) || hasItems(body.get("functions"))) {
            return "tools";
        }
        JsonNode temperature = body.get("temperature");
        if (temperature == null || temperature.isNull() || !temperature.isNumber()
                || temperature.decimalValue().signum() != 0) {
            return "sampling";
        }
        return null;
    }

    private static boolean hasItems(JsonNode node) {
        return node != null && node.isArray() && !node.isEmpty();
    }
}

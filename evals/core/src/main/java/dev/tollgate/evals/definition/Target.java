package dev.tollgate.evals.definition;

import java.util.Map;

/**
 * What a selector looks at in a request: who sent it, where it went, and its metadata tags.
 *
 * @param orgId       the org of the key
 * @param model       the model asked for
 * @param endpointId  the endpoint that served it, or null
 * @param environment development, staging or production, or null
 * @param keyId       the key's public id
 * @param tags        the request's metadata (OpenAI's {@code metadata} field)
 */
public record Target(String orgId, String model, String endpointId, String environment, String keyId,
                     Map<String, String> tags) {
}

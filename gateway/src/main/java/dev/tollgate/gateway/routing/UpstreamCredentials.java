package dev.tollgate.gateway.routing;

import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The upstream API keys of registered endpoints, by endpoint id, in memory. Kept apart from {@link Endpoint} so
 * that a secret never travels with a value that is logged, put in events or shown. The upstream client sends the
 * key as {@code Authorization: Bearer} to its endpoint; the client's own gateway key is never forwarded.
 */
@Singleton
public class UpstreamCredentials {

    private final Map<String, String> byEndpoint = new ConcurrentHashMap<>();

    /** Sets (or with null, clears) the upstream API key of {@code endpointId}. */
    public void set(String endpointId, String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            byEndpoint.remove(endpointId);
        } else {
            byEndpoint.put(endpointId, apiKey);
        }
    }

    /** The {@code Authorization} header value for {@code endpointId}, or null when it needs none. */
    public String authorization(String endpointId) {
        String key = byEndpoint.get(endpointId);
        return key == null ? null : "Bearer " + key;
    }
}

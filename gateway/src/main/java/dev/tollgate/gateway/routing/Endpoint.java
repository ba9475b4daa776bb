package dev.tollgate.gateway.routing;

import java.net.URI;
import java.util.Objects;

/**
 * A registered upstream that serves one model: a vLLM server or a hosted OpenAI-compatible provider. It is the
 * endpoint's registered description only; what changes with traffic (outstanding requests, health, breaker)
 * lives in {@link EndpointState}, keyed by {@link #id()}, so a new version of this record (a new weight, say) can
 * replace the old one without losing that state.
 *
 * @param id          stable id, as it appears in events
 * @param model       the model name clients ask for
 * @param base        base URL, without {@code /v1}
 * @param price       what it charges
 * @param weight      its share of the model's traffic relative to the other endpoints, at least 1 (a GPU twice
 *                    as large gets weight 2)
 * @param environment the environment whose requests it serves
 */
public record Endpoint(String id, String model, URI base, Price price, int weight, Environment environment) {

    /** Weight of an endpoint registered without one. */
    public static final int DEFAULT_WEIGHT = 1;

    public Endpoint {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(price, "price");
        Objects.requireNonNull(environment, "environment");
        if (base == null || base.getHost() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https"))) {
            throw new IllegalArgumentException("endpoint " + id + " needs an http(s) URL with a host: " + base);
        }
        if (weight < 1) {
            throw new IllegalArgumentException("endpoint " + id + " needs a weight of at least 1, not " + weight);
        }
    }

    /** A production endpoint of weight {@value #DEFAULT_WEIGHT}. */
    public Endpoint(String id, String model, URI base, Price price) {
        this(id, model, base, price, DEFAULT_WEIGHT, Environment.PRODUCTION);
    }

    public boolean tls() {
        return base.getScheme().equals("https");
    }

    public int port() {
        return base.getPort() != -1 ? base.getPort() : tls() ? 443 : 80;
    }

    /**
     * The path of an OpenAI API under this endpoint, e.g. {@code /v1/chat/completions}: the base URL's path
     * without its trailing slashes, then {@code apiPath}. Called for every attempt, so it avoids a regular
     * expression (which would be compiled anew on every call).
     */
    public String path(String apiPath) {
        String prefix = base.getPath() == null ? "" : base.getPath();
        int end = prefix.length();
        while (end > 0 && prefix.charAt(end - 1) == '/') {
            end--;
        }
        return end == 0 ? apiPath : prefix.substring(0, end) + apiPath;
    }
}

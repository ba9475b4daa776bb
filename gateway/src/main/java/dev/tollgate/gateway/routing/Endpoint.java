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
 * @param base        base URL: a server's root, or a provider's OpenAI API root ending in its version
 *                    ({@link #path})
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
     * The path of {@code path} under this endpoint. The base URL is either a server's root, under which the OpenAI
     * API lives at {@code /v1} (vLLM: {@code http://vllm-1:8000}), or a provider's OpenAI API root as its docs
     * give it, ending in a version segment ({@code https://api.openai.com/v1},
     * {@code https://generativelanguage.googleapis.com/v1beta/openai}). An API path ({@code /v1/...}) goes under
     * the API root; any other ({@code /health}, {@code /metrics}) under the server's root. Trailing slashes of the
     * base are ignored. Called for every attempt, so it scans the path rather than match a regular expression.
     */
    public String path(String path) {
        String prefix = trimmedBasePath();
        int apiRoot = apiRootStart(prefix);
        if (path.startsWith("/v1/")) {
            return apiRoot < 0 ? prefix + path : prefix + path.substring(3);
        }
        return (apiRoot < 0 ? prefix : prefix.substring(0, apiRoot)) + path;
    }

    private String trimmedBasePath() {
        String prefix = base.getPath() == null ? "" : base.getPath();
        int end = prefix.length();
        while (end > 0 && prefix.charAt(end - 1) == '/') {
            end--;
        }
        return prefix.substring(0, end);
    }

    /**
     * Where the API root at the end of {@code prefix} begins ({@code /v1}, {@code /v1beta/openai}), or -1 when
     * {@code prefix} is a server's root (no version segment last, nor before a last {@code openai}).
     */
    private static int apiRootStart(String prefix) {
        int last = prefix.lastIndexOf('/');
        if (last < 0) {
            return -1;
        }
        if (isVersion(prefix, last + 1, prefix.length())) {
            return last;
        }
        if (last > 0 && prefix.length() - last - 1 == 6 && prefix.startsWith("openai", last + 1)) {
            int previous = prefix.lastIndexOf('/', last - 1);
            return previous >= 0 && isVersion(prefix, previous + 1, last) ? previous : -1;
        }
        return -1;
    }

    /** Whether {@code s[from, to)} is a version segment: {@code v}, a digit, then ASCII letters or digits. */
    private static boolean isVersion(String s, int from, int to) {
        if (to - from < 2 || s.charAt(from) != 'v' || s.charAt(from + 1) < '0' || s.charAt(from + 1) > '9') {
            return false;
        }
        for (int i = from + 2; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')) {
                return false;
            }
        }
        return true;
    }
}

package dev.tollgate.gateway.routing;

import java.net.URI;
import java.util.Objects;

/**
 * A registered upstream that serves one model: a vLLM server or a hosted OpenAI-compatible provider.
 *
 * @param id    stable id, as it appears in events
 * @param model the model name clients ask for
 * @param base  base URL, without {@code /v1}
 * @param price what it charges
 */
public record Endpoint(String id, String model, URI base, Price price) {

    public Endpoint {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(price, "price");
        if (base == null || base.getHost() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https"))) {
            throw new IllegalArgumentException("endpoint " + id + " needs an http(s) URL with a host: " + base);
        }
    }

    public boolean tls() {
        return base.getScheme().equals("https");
    }

    public int port() {
        return base.getPort() != -1 ? base.getPort() : tls() ? 443 : 80;
    }

    /** The path of an OpenAI API under this endpoint, e.g. {@code /v1/chat/completions}. */
    public String path(String apiPath) {
        String prefix = base.getPath() == null ? "" : base.getPath().replaceAll("/+$", "");
        return prefix + apiPath;
    }
}

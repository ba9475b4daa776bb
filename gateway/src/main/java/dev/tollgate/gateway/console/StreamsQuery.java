package dev.tollgate.gateway.console;

import dev.tollgate.gateway.admin.AdminException;
import dev.tollgate.gateway.openai.ErrorCode;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The console's way to the streams query API ({@code tollgate.console.streams-url}): a GET whose answer, success
 * or error, is passed back unchanged (the streams app answers in the same OpenAI error shape). Only a streams app
 * that cannot be reached, or is not configured, becomes a 503 {@code streams_unavailable} of the gateway's own.
 * The query parameters are copied by name from an allow-list, so the console cannot be used to reach any other
 * path of the streams app.
 */
@ApplicationScoped
public class StreamsQuery {

    private static final Logger LOG = Logger.getLogger(StreamsQuery.class);

    private final Optional<URI> base;
    private final long timeoutMs;
    private final WebClient client;

    @Inject
    StreamsQuery(ConsoleConfig config, Vertx vertx) {
        this.base = config.streamsUrl().filter(u -> !u.isBlank()).map(StreamsQuery::validate);
        this.timeoutMs = config.streamsTimeout().toMillis();
        this.client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setMaxPoolSize(8)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs)));
    }

    void stop(@Observes ShutdownEvent ignored) {
        client.close();
    }

    /** Whether a streams URL is configured. */
    boolean configured() {
        return base.isPresent();
    }

    /**
     * GETs {@code path} of the streams app with the given query parameters (null values left out).
     *
     * @param path  an absolute path of the query API, e.g. {@code /v1/usage}
     * @param query the parameters to pass
     */
    Uni<Response> get(String path, Map<String, String> query) {
        if (base.isEmpty()) {
            return Uni.createFrom().failure(new AdminException(ErrorCode.STREAMS_UNAVAILABLE, "The console has no "
                    + "streams query API to ask: set tollgate.console.streams-url (TOLLGATE_CONSOLE_STREAMS_URL).",
                    null));
        }
        URI target = base.get();
        HttpRequest<io.vertx.mutiny.core.buffer.Buffer> request = client.getAbs(target.toString().replaceAll("/+$", "")
                + path).timeout(timeoutMs);
        query.forEach((name, value) -> {
            if (value != null) {
                request.addQueryParam(name, value);
            }
        });
        return request.send()
                .map(answer -> Response.status(answer.statusCode()).type("application/json")
                        .header("Retry-After", answer.getHeader("Retry-After"))
                        .entity(answer.bodyAsBuffer() == null ? new byte[0] : answer.bodyAsBuffer().getBytes()).build())
                .onFailure(e -> !(e instanceof AdminException)).transform(e -> {
                    LOG.warnf("event=console_streams_unreachable url=%s reason=%s", target, e.getMessage());
                    return new AdminException(ErrorCode.STREAMS_UNAVAILABLE, "The streams query API at " + target
                            + " did not answer (" + e.getMessage() + "). Check that the streams app is running "
                            + "and that tollgate.console.streams-url points at it.", null);
                });
    }

    private static URI validate(String url) {
        URI uri = URI.create(url.strip());
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("tollgate.console.streams-url must be an http(s) URL with a host, e.g. "
                    + "http://tollgate-streams:8082, not " + url);
        }
        return uri;
    }
}

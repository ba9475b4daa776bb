package dev.tollgate.gateway.upstream;

import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.UpstreamConfig;
import dev.tollgate.gateway.routing.UpstreamCredentials;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.tracing.TracingPolicy;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connection pools to upstream endpoints. It is Vert.x's non-blocking HTTP client, the same client the
 * Vert.x Web Client wraps, used directly because the gateway needs the response status and headers before the
 * body, and the body as it arrives, to relay a stream without buffering it.
 *
 * <p>One client per event loop, each with its share of {@code tollgate.upstream.max-connections-per-endpoint}.
 * Why: Vert.x's pool hands a request whichever idle connection it used last, whatever event loop that
 * connection lives on, and then every write and every response event of the request crosses between two event
 * loops (a task handed over and a thread woken, each way). A request served from its own event loop's client
 * only ever uses connections that loop opened, so the whole exchange stays on one thread.
 */
@Singleton
public class UpstreamClient {

    private final Vertx vertx;
    private final HttpClientOptions options;
    private final PoolOptions pool;
    /** By event-loop thread; at most one per event loop. */
    private final Map<Thread, HttpClient> perEventLoop = new ConcurrentHashMap<>();
    /** For the odd caller that is not on an event loop. */
    private final HttpClient shared;
    /** Upstream API keys of registered endpoints; field-injected to keep the constructor as it was. */
    @Inject
    UpstreamCredentials credentials;

    @Inject
    UpstreamClient(Vertx vertx, UpstreamConfig upstream) {
        this.vertx = vertx;
        this.options = new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) upstream.connectTimeout().toMillis())
                .setDecompressionSupported(false)
                // The request carries the gateway's own traceparent (open); a Vert.x tracer must not replace it
                // with a span of its own, which no TraceEvent or exported trace would contain.
                .setTracingPolicy(TracingPolicy.IGNORE);
        int loops = eventLoops(vertx);
        this.pool = new PoolOptions().setMaxWaitQueueSize(-1)
                .setHttp1MaxSize(Math.max(1, (upstream.maxConnectionsPerEndpoint() + loops - 1) / loops));
        this.shared = vertx.createHttpClient(options, pool);
    }

    /**
     * Opens a POST to {@code apiPath} on {@code endpoint}; the caller sends the body, reads the answer, and bounds
     * the attempt's time itself (per model, see {@code Router#requestTimeout}). The request carries the request id
     * and the trace context ({@code traceparent}), never anything of the client's credentials.
     */
    Future<HttpClientRequest> open(Endpoint endpoint, String apiPath, String requestId, String traceparent) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(endpoint.base().getHost())
                .setPort(endpoint.port()).setSsl(endpoint.tls()).setURI(endpoint.path(apiPath))
                .putHeader("content-type", "application/json")
                .putHeader("x-request-id", requestId)
                .putHeader("traceparent", traceparent);
        String authorization = credentials.authorization(endpoint.id());
        if (authorization != null) {
            options.putHeader("authorization", authorization);
        }
        return client().request(options);
    }

    /** The client of the calling event loop, created on it (so its connections live there) on first use. */
    private HttpClient client() {
        if (!Context.isOnEventLoopThread()) {
            return shared;
        }
        Thread thread = Thread.currentThread();
        HttpClient client = perEventLoop.get(thread);
        return client != null ? client : perEventLoop.computeIfAbsent(thread,
                t -> vertx.createHttpClient(options, pool));
    }

    private static int eventLoops(Vertx vertx) {
        int count = 0;
        if (vertx instanceof VertxInternal internal) {
            for (EventExecutor ignored : internal.getEventLoopGroup()) {
                count++;
            }
        }
        return Math.max(1, count);
    }

    @PreDestroy
    void close() {
        perEventLoop.values().forEach(HttpClient::close);
        shared.close();
    }
}

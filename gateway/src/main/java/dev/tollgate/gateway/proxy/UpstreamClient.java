package dev.tollgate.gateway.proxy;

import dev.tollgate.gateway.config.GatewayConfig;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.UpstreamCredentials;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The connection pool to upstream endpoints. It is Vert.x's non-blocking HTTP client, the same client the
 * Vert.x Web Client wraps, used directly because the gateway needs the response status and headers before the
 * body, and the body as it arrives, to relay a stream without buffering it.
 */
@ApplicationScoped
public class UpstreamClient {

    private final HttpClient client;
    /** Upstream API keys of registered endpoints; field-injected to keep the constructor as it was. */
    @Inject
    UpstreamCredentials credentials;

    @Inject
    UpstreamClient(Vertx vertx, GatewayConfig config) {
        GatewayConfig.Upstream upstream = config.upstream();
        this.client = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setTcpNoDelay(true)
                        .setConnectTimeout((int) upstream.connectTimeout().toMillis())
                        .setDecompressionSupported(false),
                new PoolOptions().setHttp1MaxSize(upstream.maxConnectionsPerEndpoint()).setMaxWaitQueueSize(-1));
    }

    /**
     * Opens a POST to {@code apiPath} on {@code endpoint}; the caller sends the body, reads the answer, and bounds
     * the attempt's time itself (per model, see {@code Router#requestTimeout}).
     */
    Future<HttpClientRequest> open(Endpoint endpoint, String apiPath, String requestId) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(endpoint.base().getHost())
                .setPort(endpoint.port()).setSsl(endpoint.tls()).setURI(endpoint.path(apiPath))
                .putHeader("content-type", "application/json")
                .putHeader("x-request-id", requestId);
        String authorization = credentials.authorization(endpoint.id());
        if (authorization != null) {
            options.putHeader("authorization", authorization);
        }
        return client.request(options);
    }


    @PreDestroy
    void close() {
        client.close();
    }
}

package dev.tollgate.streams.query;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

import org.apache.kafka.streams.state.HostInfo;
import org.jboss.logging.Logger;

/**
 * Asks the instance that owns a key for its answer to a query, over the same HTTP API. The request is marked with
 * {@link #FORWARDED_BY} so the owner answers from its own store and never forwards again: a query is proxied at
 * most once, even while ownership moves.
 */
public class RemoteQueryClient {

    /** Header naming the instance that forwarded a query; its presence forbids further forwarding. */
    public static final String FORWARDED_BY = "X-Tollgate-Forwarded-By";

    private static final Logger LOG = Logger.getLogger(RemoteQueryClient.class);
    /** Owner answers that are relayed as they are; anything else is the owner failing. */
    private static final Set<Integer> RELAYED = Set.of(200, 400, 404, 503);

    private final HttpClient http;
    private final Duration timeout;
    private final String self;

    /**
     * @param timeout how long to wait for the owner, connect and answer each
     * @param self    this instance's {@code host:port}, sent in {@link #FORWARDED_BY}
     */
    public RemoteQueryClient(Duration timeout, String self) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.timeout = timeout;
        this.self = self;
    }

    /**
     * The owner's answer to {@code GET pathAndQuery} (already encoded), or {@link QueryOutcome.Unavailable} when it
     * cannot give one.
     *
     * @param owner        the instance that owns the key
     * @param pathAndQuery the request path and query string, as this instance received them
     * @param what         the key asked about, for the logs
     */
    public QueryOutcome get(HostInfo owner, String pathAndQuery, String what) {
        URI uri = URI.create("http://" + owner.host() + ":" + owner.port() + pathAndQuery);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header(FORWARDED_BY, self)
                .header("Accept", "application/json")
                .GET()
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (RELAYED.contains(response.statusCode())) {
                return new QueryOutcome.Relayed(response.statusCode(), response.body());
            }
            LOG.warnf("event=query_proxy_failed owner=%s:%d key=%s status=%d",
                    owner.host(), owner.port(), what, response.statusCode());
            return new QueryOutcome.Unavailable("the instance that owns this key answered " + response.statusCode());
        } catch (IOException e) {
            LOG.warnf("event=query_proxy_failed owner=%s:%d key=%s error=\"%s\"",
                    owner.host(), owner.port(), what, e.toString());
            return new QueryOutcome.Unavailable("the instance that owns this key is unreachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new QueryOutcome.Unavailable("interrupted while asking the instance that owns this key");
        }
    }
}

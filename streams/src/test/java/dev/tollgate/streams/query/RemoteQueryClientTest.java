package dev.tollgate.streams.query;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

/** Proxies to a real HTTP server standing in for the instance that owns the key. */
class RemoteQueryClientTest {

    private HttpServer owner;
    private final AtomicReference<String> forwardedBy = new AtomicReference<>();
    private final AtomicReference<String> path = new AtomicReference<>();
    private final AtomicReference<Integer> status = new AtomicReference<>(200);
    private final RemoteQueryClient client = new RemoteQueryClient(Duration.ofSeconds(2), "10.0.0.1:8080");

    @BeforeEach
    void startOwner() throws IOException {
        owner = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        owner.createContext("/", exchange -> {
            forwardedBy.set(exchange.getRequestHeaders().getFirst(RemoteQueryClient.FORWARDED_BY));
            path.set(exchange.getRequestURI().getRawPath());
            byte[] body = "{\"org_id\":\"acme\"}".getBytes(UTF_8);
            exchange.sendResponseHeaders(status.get(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        owner.start();
    }

    @AfterEach
    void stopOwner() {
        owner.stop(0);
    }

    private HostInfo ownerHost() {
        return new HostInfo("127.0.0.1", owner.getAddress().getPort());
    }

    @Test
    void relaysTheOwnersAnswerAndMarksTheRequestAsForwarded() {
        QueryOutcome outcome = client.get(ownerHost(), "/v1/usage/orgs/acme%20corp%2F1/totals", "acme corp/1");

        assertThat(outcome).isEqualTo(new QueryOutcome.Relayed(200, "{\"org_id\":\"acme\"}"));
        assertThat(forwardedBy.get()).isEqualTo("10.0.0.1:8080");
        assertThat(path.get()).isEqualTo("/v1/usage/orgs/acme%20corp%2F1/totals");
    }

    @Test
    void relaysTheOwnersNotFound() {
        status.set(404);

        assertThat(client.get(ownerHost(), "/v1/usage/orgs/acme/totals", "acme")).isInstanceOf(QueryOutcome.Relayed.class)
                .extracting(o -> ((QueryOutcome.Relayed) o).status()).isEqualTo(404);
    }

    @Test
    void reportsUnavailableWhenTheOwnerFails() {
        status.set(500);

        assertThat(client.get(ownerHost(), "/v1/usage/orgs/acme/totals", "acme")).isInstanceOf(QueryOutcome.Unavailable.class);
    }

    @Test
    void reportsUnavailableWhenTheOwnerIsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        assertThat(client.get(new HostInfo("127.0.0.1", closedPort), "/v1/usage/orgs/acme/totals", "acme"))
                .isInstanceOf(QueryOutcome.Unavailable.class);
    }
}

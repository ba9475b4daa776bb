package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Concurrent clients that spend a budget: each sends chat completions until the gateway refuses it with nothing
 * left in flight, and the answers are tallied per gateway replica. Shared by the budget end-to-end tests.
 */
final class BudgetClients {

    /** The request every client sends: 16 completion tokens at most. */
    static final String CHAT = "{\"model\":\"sim-llama-3-8b\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Hello!\"}]}";
    private static final HttpClient HTTP = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();
    private static final Pattern SPENT = Pattern.compile("\"spent_micros\"\\s*:\\s*(\\d+)");

    private BudgetClients() {
    }

    /**
     * What the clients of one replica saw.
     *
     * @param admitted  requests answered 200
     * @param refusals  the bodies of the 429 answers
     * @param seconds   how long the clients ran
     */
    record Tally(int admitted, List<String> refusals, double seconds) {
    }

    /** Runs {@code clientsPerGateway} clients against each gateway base URL until the budget refuses them all. */
    static List<Tally> spend(List<String> gateways, String key, int clientsPerGateway, Duration timeout)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clientsPerGateway * gateways.size());
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        List<AtomicInteger> admitted = new ArrayList<>();
        List<List<String>> refusals = new ArrayList<>();
        List<Future<?>> running = new ArrayList<>();
        for (String gateway : gateways) {
            AtomicInteger ok = new AtomicInteger();
            List<String> refused = Collections.synchronizedList(new ArrayList<>());
            admitted.add(ok);
            refusals.add(refused);
            for (int i = 0; i < clientsPerGateway; i++) {
                running.add(pool.submit(() -> client(gateway, key, deadline, ok, refused)));
            }
        }
        for (Future<?> client : running) {
            client.get(timeout.toSeconds() + 10, TimeUnit.SECONDS);
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Tally> tallies = new ArrayList<>();
        for (int i = 0; i < gateways.size(); i++) {
            tallies.add(new Tally(admitted.get(i).get(), List.copyOf(refusals.get(i)), seconds));
        }
        return tallies;
    }

    private static Void client(String gateway, String key, long deadline, AtomicInteger ok, List<String> refused)
            throws Exception {
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(gateway + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build());
            if (answer.statusCode() == 200) {
                ok.incrementAndGet();
                continue;
            }
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
            refused.add(answer.body());
            if (answer.body().contains("is spent") || answer.body().contains("less than this request may cost")) {
                return null;
            }
            Thread.sleep(10);
        }
        return null;
    }

    /** Creates a budget through a replica's admin API and waits until every replica given enforces it. */
    static void createBudget(String json, String budgetId, String adminToken, List<String> gateways)
            throws Exception {
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(gateways.get(0) + "/admin/v1/budgets"))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        for (String gateway : gateways) {
            awaitApplied(gateway + "/admin/v1/budgets/" + budgetId, adminToken);
        }
    }

    /** Waits until the gateway enforces the budget: the admin view shows its live spend. */
    private static void awaitApplied(String url, String adminToken) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            String body = send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + adminToken)
                    .build()).body();
            if (body.contains("\"live\":{")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the gateway did not apply the budget within 10 s: " + url);
    }

    /** The spend the streams app publishes for the budget, once it has stopped changing for two seconds. */
    static long streamsSpend(int streamsPort, String budgetId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + streamsPort
                    + "/v1/budgets/" + budgetId)).build());
            Matcher spent = SPENT.matcher(answer.body());
            if (answer.statusCode() == 200 && spent.find()) {
                long now = Long.parseLong(spent.group(1));
                if (now != last) {
                    last = now;
                    stableSince = System.nanoTime();
                } else if (System.nanoTime() - stableSince > Duration.ofSeconds(2).toNanos()) {
                    return now;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the streams app did not publish a stable spend; last=" + last);
    }

    /** A value of the gateway's Prometheus text, e.g. the freshness timer's p99; null when absent. */
    static Double metric(String metrics, String nameAndLabels) {
        Matcher m = Pattern.compile(Pattern.quote(nameAndLabels) + " ([0-9.Ee+-]+)").matcher(metrics);
        return m.find() ? Double.valueOf(m.group(1)) : null;
    }

    static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}

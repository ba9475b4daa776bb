package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the budget end-to-end tests share: the README's request, budgets and keys made through the admin API, and
 * the streams app's view of a budget. The clients themselves are {@link LeaseLoad}.
 */
final class BudgetClients {

    /** The request every client sends: 16 completion tokens at most. */
    static final String CHAT = "{\"model\":\"sim-llama-3-8b\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Hello!\"}]}";
    private static final HttpClient HTTP = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();
    private static final Pattern SPENT = Pattern.compile("\"spent_micros\"\\s*:\\s*(\\d+)");

    private BudgetClients() {
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

    /**
     * The streams app's view of a budget ({@code GET /v1/budgets/{id}}): spend counted, what leases hold, how many
     * leases, spend that named no lease held, and the status; null fields before the budget is known there.
     *
     * @param spent    {@code spent_micros}
     * @param leased   {@code leased_micros}
     * @param leases   {@code leases}
     * @param unleased {@code unleased_micros}
     * @param status   {@code status}
     */
    record StreamsView(long spent, long leased, long leases, long unleased, String status) {
    }

    /** The streams app's view of {@code budgetId} now, or null when it does not answer 200. */
    static StreamsView streamsView(int streamsPort, String budgetId) throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + streamsPort
                + "/v1/budgets/" + budgetId)).timeout(Duration.ofSeconds(5)).build());
        if (answer.statusCode() != 200) {
            return null;
        }
        String body = answer.body();
        return new StreamsView(number(body, "spent_micros"), number(body, "leased_micros"), number(body, "leases"),
                number(body, "unleased_micros"), text(body, "status"));
    }

    /** Creates org {@code org} and a key of it through {@code gateway}'s admin API; returns the key. */
    static String createOrgAndKey(String gateway, String adminToken, String org) throws Exception {
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(gateway + "/admin/v1/orgs"))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + org + "\",\"name\":\"" + org + "\"}")).build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        HttpResponse<String> key = send(HttpRequest.newBuilder(URI.create(gateway + "/admin/v1/keys"))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"org_id\":\"" + org + "\",\"name\":\"load\"}")).build());
        assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
        return text(key.body(), "key");
    }

    /** Waits until {@code key} is accepted by every replica (it answers something other than 401). */
    static void awaitKey(List<String> gateways, String key) throws Exception {
        for (String gateway : gateways) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (send(HttpRequest.newBuilder(URI.create(gateway + "/v1/models"))
                    .header("Authorization", "Bearer " + key).build()).statusCode() == 401) {
                assertThat(System.nanoTime()).as("key accepted by %s", gateway).isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    private static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(-?\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String text(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    /**
     * The lease timings of the gateway replicas whose management ports are given: for each, the owner's answer to an
     * ask (p50/p99/max) and the wait of requests that waited for a lease and were admitted (p99), in ms.
     */
    static String leaseTimings(List<Integer> managementPorts) throws Exception {
        StringBuilder out = new StringBuilder();
        for (int port : managementPorts) {
            String metrics = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics")).build())
                    .body();
            out.append(String.format("[answer p50=%s p99=%s max=%s, admitted-after-wait p99=%s, waits=%s]",
                    ms(metric(metrics, "tollgate_budget_lease_answer_seconds{quantile=\"0.5\"}")),
                    ms(metric(metrics, "tollgate_budget_lease_answer_seconds{quantile=\"0.99\"}")),
                    ms(metric(metrics, "tollgate_budget_lease_answer_seconds_max")),
                    ms(metric(metrics, "tollgate_budget_lease_wait_seconds{outcome=\"admitted\",quantile=\"0.99\"}")),
                    metric(metrics, "tollgate_budget_lease_wait_seconds_count{outcome=\"admitted\"}")));
        }
        return out.toString();
    }

    private static String ms(Double seconds) {
        return seconds == null ? "-" : String.format("%.0fms", seconds * 1000);
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

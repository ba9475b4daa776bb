package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.local.process.Ports;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateway replicas on the whole local platform ({@code ./tollgate-local --gateway-replicas 2}): what one
 * replica's admin API changes reaches the other through the compacted topics within a second, and two replicas
 * spending one hard budget overspend by no more than the bound of docs/budgets.md, computed from what this run
 * measured: the other replica's reservations in flight plus its spend within the state's lag.
 */
class TwoGatewayReplicasIT {

    private static final Duration PROPAGATION_BOUND = Duration.ofSeconds(1);
    private static final int CLIENTS_PER_REPLICA = 32;
    private static final long LIMIT_MICROS = 8_000;
    /** The simulator's prices on the local platform, micro-dollars per million tokens. */
    private static final long INPUT_PRICE = 500_000;
    private static final long OUTPUT_PRICE = 1_500_000;

    private static Path dataDir;
    private static LauncherProcess launcher;
    private static Map<String, Integer> ports;
    private static String adminToken;
    private static String key;
    private static List<String> gateways;

    @BeforeAll
    static void startTwoReplicas() throws Exception {
        dataDir = Files.createTempDirectory("tollgate-two-replicas");
        ports = portsWithReplicaRoom();
        List<String> args = LocalPlatformIT.args(ports);
        args.addAll(List.of("--gateway-replicas", "2"));
        launcher = LauncherProcess.start(dataDir, args, Map.of());
        assertThat(launcher.awaitLine(l -> l.contains("Tollgate is running"), LocalPlatformIT.START))
                .as("launcher console:\n%s", launcher.console()).isPresent();
        assertThat(launcher.console()).contains("Gateway replica 2");
        adminToken = LocalPlatformIT.printed(LocalPlatformIT.ADMIN_TOKEN, launcher);
        key = LocalPlatformIT.printed(LocalPlatformIT.KEY, launcher);
        gateways = List.of("http://127.0.0.1:" + ports.get("gateway"), "http://127.0.0.1:" + (ports.get("gateway") + 100));
    }

    @AfterAll
    static void stop() throws Exception {
        if (launcher != null) {
            assertThat(launcher.stop(Duration.ofSeconds(60))).isIn(0, 143);
            assertThat(launcher.leftovers()).isEmpty();
            launcher.close();
        }
    }

    @Test
    void aKeyCreatedOnOneReplicaWorksOnTheOtherAndARevokeOnThatOneStopsItOnTheFirstWithinOneSecond() throws Exception {
        // Its own org, so that the budget the other test spends on org "local" cannot refuse it.
        HttpResponse<String> org = admin(gateways.get(0), "/admin/v1/orgs", "{\"id\":\"replicas\",\"name\":\"Replicas\"}");
        assertThat(org.statusCode()).as(org.body()).isEqualTo(201);
        HttpResponse<String> created = admin(gateways.get(0), "/admin/v1/keys", "{\"org_id\":\"replicas\",\"name\":\"r2\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String newKey = field(created.body(), "key");
        String keyId = field(created.body(), "id");

        Duration toWork = until(() -> chat(gateways.get(1), newKey) == 200);
        HttpResponse<String> revoked = admin(gateways.get(1), "/admin/v1/keys/" + keyId + "/revoke", "");
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        Duration toRevoke = until(() -> chat(gateways.get(0), newKey) == 401);

        System.out.printf("two replicas: key created on 1 works on 2 after %d ms; revoked on 2, refused on 1 after %d ms%n",
                toWork.toMillis(), toRevoke.toMillis());
        assertThat(toWork).isLessThan(PROPAGATION_BOUND);
        assertThat(toRevoke).isLessThan(PROPAGATION_BOUND);
    }

    @Test
    void twoReplicasSpendingOneHardBudgetOverspendNoMoreThanTheDocumentedBound() throws Exception {
        BudgetClients.createBudget("{\"id\":\"two-replicas\",\"scope_type\":\"org\",\"scope_id\":\"local\","
                + "\"amount_micros\":" + LIMIT_MICROS + ",\"period\":\"daily\"}", "two-replicas", adminToken, gateways);

        List<BudgetClients.Tally> tallies = BudgetClients.spend(gateways, key, CLIENTS_PER_REPLICA,
                Duration.ofSeconds(90));
        long counted = BudgetClients.streamsSpend(ports.get("streams"), "two-replicas", Duration.ofSeconds(60));

        int admitted = tallies.stream().mapToInt(BudgetClients.Tally::admitted).sum();
        double meanCost = (double) counted / admitted;
        long reservation = reservation();
        long bound = 0;
        List<String> figures = new ArrayList<>();
        for (int replica = 0; replica < 2; replica++) {
            BudgetClients.Tally other = tallies.get(1 - replica);
            double lagSeconds = freshnessMax(1 - replica);
            double rate = other.admitted() / other.seconds();
            long replicaBound = CLIENTS_PER_REPLICA * reservation + (long) Math.ceil(rate * lagSeconds * meanCost);
            bound = Math.max(bound, replicaBound);
            figures.add(String.format("replica%d admitted=%d refused=%d freshness_max=%.3fs", replica + 1,
                    tallies.get(replica).admitted(), tallies.get(replica).refusals().size(), freshnessMax(replica)));
        }
        long overspend = Math.max(0, counted - LIMIT_MICROS);
        System.out.printf("two replicas budget: limit_micros=%d counted_by_streams=%d overspend=%d bound=%d "
                + "reservation=%d mean_cost=%.1f %s%n", LIMIT_MICROS, counted, overspend, bound, reservation, meanCost,
                String.join(" ", figures));
        assertThat(overspend).as("overspend against the bound of docs/budgets.md").isLessThanOrEqualTo(bound);
        assertThat(counted).as("the budget was used, not refused early").isGreaterThan(LIMIT_MICROS / 2);
        assertThat(tallies).allSatisfy(t -> assertThat(t.refusals()).isNotEmpty()
                .allSatisfy(m -> assertThat(m).contains("\"code\":\"budget_exceeded\"")));
    }

    /** The worst case every request reserves: its body at one token per byte, plus 16 completion tokens. */
    private static long reservation() {
        long promptTokens = BudgetClients.CHAT.getBytes(StandardCharsets.UTF_8).length;
        long numerator = promptTokens * INPUT_PRICE + 16 * OUTPUT_PRICE;
        return -Math.floorDiv(-numerator, 1_000_000L);
    }

    /** The largest state lag replica {@code replica} has seen, from its freshness timer. */
    private static double freshnessMax(int replica) throws Exception {
        String metrics = BudgetClients.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + (ports.get("management") + 100 * replica) + "/q/metrics")).build()).body();
        Double max = BudgetClients.metric(metrics, "tollgate_budget_state_freshness_seconds_max");
        assertThat(max).as("freshness of replica %d", replica + 1).isNotNull();
        return max;
    }

    private static int chat(String gateway, String apiKey) {
        try {
            return BudgetClients.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(BudgetClients.CHAT)).build()).statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<String> admin(String gateway, String path, String json) throws Exception {
        return BudgetClients.send(HttpRequest.newBuilder(URI.create(gateway + path))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        assertThat(m.find()).as("%s in %s", name, json).isTrue();
        return m.group(1);
    }

    private static Duration until(BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > Duration.ofSeconds(10).toNanos()) {
                throw new AssertionError("condition did not hold within 10 s");
            }
            Thread.sleep(5);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Free ports, with the second replica's (gateway and management + 100) free too. */
    private static Map<String, Integer> portsWithReplicaRoom() {
        while (true) {
            Map<String, Integer> candidate = new HashMap<>(LocalPlatformIT.freePorts());
            if (candidate.get("gateway") + 100 < 65536 && candidate.get("management") + 100 < 65536
                    && Ports.isFree(candidate.get("gateway") + 100) && Ports.isFree(candidate.get("management") + 100)) {
                return candidate;
            }
        }
    }
}

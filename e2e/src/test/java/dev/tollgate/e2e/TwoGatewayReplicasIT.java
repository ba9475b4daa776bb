package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.local.process.Ports;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two gateway replicas on the whole local platform ({@code ./tollgate-local --gateway-replicas 2}), as the README's
 * walkthrough runs them: what one replica's admin API changes reaches the other within a second; the README's hard
 * budget, spent by 64 clients over both replicas, is never overspent (spend leases, docs/budgets.md#leases); and a
 * replica killed while it holds leases strands them only until they expire, then the budget is spendable again.
 *
 * <p>The streams app runs with short leases here ({@code lease-ttl} 2 s, {@code lease-settle-grace} 6 s), so that a
 * dead replica's leases come back within seconds.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoGatewayReplicasIT {

    private static final Duration PROPAGATION_BOUND = Duration.ofSeconds(1);
    private static final long README_LIMIT_MICROS = 5_000;
    private static final Duration LEASE_TTL = Duration.ofSeconds(2);
    private static final Duration SETTLE_GRACE = Duration.ofSeconds(6);
    /** The simulator's prices on the local platform, micro-dollars per million tokens. */
    private static final long INPUT_PRICE = 500_000;
    private static final long OUTPUT_PRICE = 1_500_000;

    private static Path dataDir;
    private static LauncherProcess launcher;
    private static Map<String, Integer> ports;
    private static String adminToken;
    private static String key;
    private static List<String> gateways;

    @RegisterExtension
    static final DataDirectory DATA = new DataDirectory("tollgate-two-replicas");

    @BeforeAll
    static void startTwoReplicas() throws Exception {
        dataDir = DATA.create();
        ports = portsWithReplicaRoom(2);
        List<String> args = LocalPlatformIT.args(ports);
        args.addAll(List.of("--gateway-replicas", "2"));
        launcher = LauncherProcess.start(dataDir, args, Map.of(
                "TOLLGATE_STREAMS_BUDGETS_LEASE_TTL", LEASE_TTL.toString(),
                "TOLLGATE_STREAMS_BUDGETS_LEASE_SETTLE_GRACE", SETTLE_GRACE.toString()));
        assertThat(launcher.awaitLine(l -> l.contains("Tollgate is running"), LocalPlatformIT.START))
                .as("launcher console:\n%s", launcher.console()).isPresent();
        assertThat(launcher.console()).contains("Gateway replica 2");
        adminToken = LocalPlatformIT.printed(LocalPlatformIT.ADMIN_TOKEN, launcher);
        key = LocalPlatformIT.printed(LocalPlatformIT.KEY, launcher);
        gateways = List.of("http://127.0.0.1:" + ports.get("gateway"), "http://127.0.0.1:" + (ports.get("gateway") + 100));
        // A few seconds of lease traffic on an org of its own first, as the README's reader spends them typing: the
        // owner's first transactions and schema registrations are slow on a cold platform.
        String warmKey = BudgetClients.createOrgAndKey(gateways.get(0), adminToken, "warm-up");
        BudgetClients.awaitKey(gateways, warmKey);
        BudgetClients.createBudget("{\"id\":\"warm-up-daily\",\"scope_type\":\"org\",\"scope_id\":\"warm-up\","
                + "\"amount_micros\":1000000000,\"period\":\"daily\"}", "warm-up-daily", adminToken, gateways);
        try (LeaseLoad warm = new LeaseLoad(gateways, warmKey, 2, LeaseLoad.Mix.README, Duration.ofMillis(50))) {
            Thread.sleep(3_000);
        }
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
    @Order(2)
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

    /**
     * The README's walkthrough on two replicas: its half-cent daily budget of the local org, spent by 32 clients on
     * each replica. The streams app's count must stay within the limit, and end within one request's worst case of
     * it; the refusals read as the README shows them.
     */
    @Test
    @Order(1)
    void theReadmesHardBudgetSpentOverTwoReplicasByOneHundredTwentyEightClientsNeverGoesOverItsLimit()
            throws Exception {
        BudgetClients.createBudget("{\"id\":\"local-daily\",\"scope_type\":\"org\",\"scope_id\":\"local\","
                + "\"amount_micros\":" + README_LIMIT_MICROS + ",\"period\":\"daily\"}", "local-daily", adminToken,
                gateways);

        boolean exhausted;
        LeaseLoad load = new LeaseLoad(gateways, key, 32, LeaseLoad.Mix.README, Duration.ZERO);
        try (load) {
            exhausted = load.awaitExhausted(Duration.ofSeconds(90));
        }
        long counted = BudgetClients.streamsSpend(ports.get("streams"), "local-daily", Duration.ofSeconds(60));
        BudgetClients.StreamsView view = BudgetClients.streamsView(ports.get("streams"), "local-daily");

        long reservation = reservation(BudgetClients.CHAT, 16);
        System.out.printf("two replicas, README budget: limit_micros=%d counted_by_streams=%d underspend=%d "
                        + "reservation=%d admitted=%d/%d refused_budget_exceeded=%d owner_unavailable=%d "
                        + "leases=%s%n", README_LIMIT_MICROS, counted, README_LIMIT_MICROS - counted,
                reservation, admitted(load, 0), admitted(load, 1), load.count("budget_exceeded"),
                load.count("budget_owner_unavailable"), BudgetClients.leaseTimings(List.of(ports.get("management"),
                        ports.get("management") + 100)));
        assertThat(exhausted).as("every client was refused for good within 90 s").isTrue();
        assertThat(counted).as("spend counted by the streams app").isLessThanOrEqualTo(README_LIMIT_MICROS)
                .as("what is left at the end is less than one request's worst case")
                .isGreaterThan(README_LIMIT_MICROS - reservation);
        assertThat(view.status()).as("past the 80 %% threshold, not spent in full").isEqualTo("WARNING");
        assertThat(view.unleased()).as("every admitted request was paid from a lease").isZero();
        assertThat(admitted(load, 0)).isPositive();
        assertThat(admitted(load, 1)).isPositive();
        assertThat(load.answers).filteredOn(a -> a.status() == 429).isNotEmpty()
                .allSatisfy(a -> assertThat(a.body()).contains("\"code\":\"budget_exceeded\"")
                        .contains("org 'local' (budget local-daily)").contains("daily budget of $0.005000"));
        assertThat(load.answers).filteredOn(a -> a.status() == 429).last().satisfies(a -> assertThat(a.body())
                .containsPattern("has \\$0\\.0000\\d\\d left, less than this request may cost \\(up to \\$0\\.0000"
                        + reservation + "\\)"));
    }

    /**
     * Replica 2 takes leases of a budget, then is killed with SIGKILL: nothing returns them. Replica 1 spends what is
     * left and is refused while the dead replica's leases hold the rest; once they expire (lease-ttl, plus the settle
     * grace) the owner frees them, and replica 1 spends the budget to its end, never past it.
     */
    @Test
    @Order(3)
    void aReplicaKilledWhileHoldingLeasesStrandsThemOnlyUntilTheyExpire() throws Exception {
        String orgKey = BudgetClients.createOrgAndKey(gateways.get(0), adminToken, "kill-replica");
        BudgetClients.awaitKey(gateways, orgKey);
        long limit = 6_000;
        BudgetClients.createBudget("{\"id\":\"kill-replica-daily\",\"scope_type\":\"org\",\"scope_id\":\"kill-replica\","
                + "\"amount_micros\":" + limit + ",\"period\":\"daily\"}", "kill-replica-daily", adminToken, gateways);
        PlatformProcesses processes = new PlatformProcesses(dataDir);

        try (LeaseLoad warm = new LeaseLoad(List.of(gateways.get(1)), orgKey, 8, LeaseLoad.Mix.README,
                Duration.ofMillis(20))) {
            Thread.sleep(1_500);
        }
        PlatformProcesses.kill(processes.app(ports.get("gateway") + 100));
        long killedAt = System.currentTimeMillis();
        BudgetClients.StreamsView atKill = awaitView("kill-replica-daily", v -> v.leased() > 0);

        // Replica 1 spends what is left until only the dead replica's leases hold the rest.
        LeaseLoad stranded = new LeaseLoad(List.of(gateways.get(0)), orgKey, 32, LeaseLoad.Mix.README,
                Duration.ofMillis(100));
        try (stranded) {
            awaitRefusedForOneSecond(stranded);
        }
        BudgetClients.StreamsView whileStranded = BudgetClients.streamsView(ports.get("streams"), "kill-replica-daily");
        // Replica 1 gives its own leases back (idle); the dead replica's are released once expired plus the grace.
        awaitView("kill-replica-daily", v -> v.leased() == 0 && v.leases() == 0);
        long releasedAt = System.currentTimeMillis();

        LeaseLoad after = new LeaseLoad(List.of(gateways.get(0)), orgKey, 32, LeaseLoad.Mix.README,
                Duration.ofMillis(20));
        boolean exhausted;
        try (after) {
            exhausted = after.awaitExhausted(Duration.ofSeconds(60));
        }
        long counted = BudgetClients.streamsSpend(ports.get("streams"), "kill-replica-daily", Duration.ofSeconds(30));

        long heldRefusals = stranded.answers.stream().filter(a -> a.body() != null
                && a.body().contains("spend leases of gateway replicas hold")).count();
        System.out.printf("two replicas, replica killed: limit_micros=%d spent_at_kill=%d held_by_dead_replica=%d "
                        + "spent_while_stranded=%d refused_held=%d released_after=%d ms (ttl %s + grace %s) "
                        + "admitted_after_release=%d counted_by_streams=%d underspend=%d%n", limit, atKill.spent(),
                atKill.leased(), whileStranded.spent(), heldRefusals, releasedAt - killedAt, LEASE_TTL, SETTLE_GRACE,
                after.count(200), counted, limit - counted);
        assertThat(heldRefusals).as("refused while the dead replica's leases held the rest").isPositive();
        assertThat(whileStranded.spent() + whileStranded.leased()).as("spend plus what leases hold")
                .isLessThanOrEqualTo(limit);
        assertThat(releasedAt - killedAt).as("its leases expire, then are released")
                .isBetween(SETTLE_GRACE.toMillis(), LEASE_TTL.plus(SETTLE_GRACE).toMillis() + 10_000);
        assertThat(after.count(200)).as("the budget is spendable again").isPositive();
        assertThat(exhausted).isTrue();
        assertThat(counted).isLessThanOrEqualTo(limit).isGreaterThan(whileStranded.spent());
    }

    /** Waits until the load has had no request admitted for a second, and at least one refused. */
    private static void awaitRefusedForOneSecond(LeaseLoad load) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            long now = System.currentTimeMillis();
            if (load.answered(200, now - 1_000, now).isEmpty() && load.count(429) > 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the load was never refused for a whole second");
    }

    private static BudgetClients.StreamsView awaitView(String budgetId,
                                                       java.util.function.Predicate<BudgetClients.StreamsView> match)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        BudgetClients.StreamsView last = null;
        while (System.nanoTime() < deadline) {
            last = BudgetClients.streamsView(ports.get("streams"), budgetId);
            if (last != null && match.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the streams app's view of " + budgetId + " never matched; last: " + last);
    }

    private static long admitted(LeaseLoad load, int gateway) {
        return load.answers.stream().filter(a -> a.gateway() == gateway && a.status() == 200).count();
    }

    /** The worst case a request reserves: its body at one token per byte, plus its completion tokens. */
    private static long reservation(String body, long maxTokens) {
        long promptTokens = body.getBytes(StandardCharsets.UTF_8).length;
        return -Math.floorDiv(-(promptTokens * INPUT_PRICE + maxTokens * OUTPUT_PRICE), 1_000_000L);
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

    /** Free ports, with those of replicas 2 to {@code replicas} (gateway and management + 100 each) free too. */
    static Map<String, Integer> portsWithReplicaRoom(int replicas) {
        while (true) {
            Map<String, Integer> candidate = new HashMap<>(LocalPlatformIT.freePorts());
            boolean free = true;
            for (int r = 1; r < replicas && free; r++) {
                int gateway = candidate.get("gateway") + 100 * r;
                int management = candidate.get("management") + 100 * r;
                free = gateway < 65536 && management < 65536 && Ports.isFree(gateway) && Ports.isFree(management);
            }
            if (free) {
                return candidate;
            }
        }
    }
}

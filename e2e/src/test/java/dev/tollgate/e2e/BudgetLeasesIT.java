package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.events.v1.BudgetLeaseGrant;
import dev.tollgate.events.v1.BudgetLeaseStatus;
import dev.tollgate.events.v1.UsageEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue #18 on the whole local platform with four gateway replicas ({@code ./tollgate-local --gateway-replicas 4}):
 * 64 clients spread over the replicas never spend past a hard budget, also while the streams app (the budgets'
 * owner) is killed with SIGKILL and started again, and while Kafka is frozen for 20 s. Every run states the
 * underspend at exhaustion: what is left when every client has been refused for good.
 *
 * <p>The streams app runs with {@code lease-ttl} 5 s and a settle grace of 30 s, longer than the broker is away,
 * so that a lease whose replica could not reach Kafka is not released before its usage arrives (docs/budgets.md).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BudgetLeasesIT {

    private static final int REPLICAS = 4;
    private static final int CLIENTS_PER_REPLICA = 16;
    private static final Duration OUTAGE = Duration.ofSeconds(20);
    /**
     * The hard limit of the fault scenarios: large enough that the fault lands mid-budget with leases outstanding on
     * every replica, small enough that spending the rest after recovery does not dominate the suite's time.
     */
    private static final long FAULT_LIMIT_MICROS = 100_000;

    private static Path dataDir;
    private static LauncherProcess launcher;
    private static Map<String, Integer> ports;
    private static String adminToken;
    private static List<String> gateways;
    private static PlatformProcesses processes;
    /** The streams app as the owner-kill test started it again, for the tests after it; stopped at the end. */
    private static Process restartedStreams;

    @RegisterExtension
    static final DataDirectory DATA = new DataDirectory("tollgate-four-replicas");

    @BeforeAll
    static void startFourReplicas() throws Exception {
        dataDir = DATA.create();
        ports = TwoGatewayReplicasIT.portsWithReplicaRoom(REPLICAS);
        List<String> args = LocalPlatformIT.args(ports);
        args.addAll(List.of("--gateway-replicas", Integer.toString(REPLICAS), "--no-watch"));
        launcher = LauncherProcess.start(dataDir, args, streamsEnv());
        assertThat(launcher.awaitLine(l -> l.contains("Tollgate is running"), LocalPlatformIT.START))
                .as("launcher console:\n%s", launcher.console()).isPresent();
        adminToken = LocalPlatformIT.printed(LocalPlatformIT.ADMIN_TOKEN, launcher);
        gateways = new ArrayList<>();
        for (int r = 0; r < REPLICAS; r++) {
            gateways.add("http://127.0.0.1:" + (ports.get("gateway") + 100 * r));
        }
        processes = new PlatformProcesses(dataDir);
        // Warm the lease path (schemas registered, the owner's first transactions) before anything is measured.
        String key = BudgetClients.createOrgAndKey(gateways.get(0), adminToken, "warm-up");
        BudgetClients.awaitKey(gateways, key);
        BudgetClients.createBudget(budget("warm-up", 1_000_000_000), "warm-up-daily", adminToken, gateways);
        try (LeaseLoad warm = new LeaseLoad(gateways, key, 2, LeaseLoad.Mix.PROBE, Duration.ofMillis(50))) {
            Thread.sleep(3_000);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (restartedStreams != null) {
            restartedStreams.destroy();
            restartedStreams.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        if (launcher != null) {
            assertThat(launcher.stop(Duration.ofSeconds(60))).isIn(0, 143);
            assertThat(launcher.leftovers()).isEmpty();
            launcher.close();
        }
    }

    /** The probe of issue #18, on four replicas: 8,000 µ$, 64 clients, varied prompts and max_tokens, some streamed. */
    @Test
    @Order(1)
    void sixtyFourClientsOnFourReplicasNeverSpendPastAHardBudget() throws Exception {
        String key = orgWithBudget("probe", 8_000);

        boolean exhausted;
        LeaseLoad load = new LeaseLoad(gateways, key, CLIENTS_PER_REPLICA, LeaseLoad.Mix.PROBE, Duration.ZERO);
        try (load) {
            exhausted = load.awaitExhausted(Duration.ofSeconds(90));
        }
        long counted = BudgetClients.streamsSpend(ports.get("streams"), "probe-daily", Duration.ofSeconds(60));
        BudgetClients.StreamsView view = BudgetClients.streamsView(ports.get("streams"), "probe-daily");
        List<UsageEvent> usage = EventTopics.usage(bootstrap(), registry(), "probe");
        long billed = usage.stream().mapToLong(UsageEvent::getCostMicros).sum();

        System.out.printf("four replicas, probe: limit_micros=%d counted_by_streams=%d billed=%d underspend=%d "
                        + "admitted=%d refused_budget_exceeded=%d owner_unavailable=%d per_replica=%s leases=%s%n", 8_000,
                counted, billed, 8_000 - counted, load.count(200), load.count("budget_exceeded"),
                load.count("budget_owner_unavailable"), perReplica(load), BudgetClients.leaseTimings(managementPorts()));
        assertThat(exhausted).isTrue();
        assertThat(counted).as("spend counted by the streams app").isLessThanOrEqualTo(8_000).isEqualTo(billed);
        assertThat(view.unleased()).isZero();
        assertThat(perReplica(load).values()).as("every replica admitted some").allMatch(n -> n > 0);
        assertNoLeaseGrantedTwice("probe");
    }

    /**
     * The owner killed with SIGKILL once a fifth of the budget is spent, and started again five seconds later,
     * while 64 clients go on: replicas spend what they hold, then refuse (503 {@code budget_owner_unavailable}),
     * and once the owner is back (its state restored from its changelog, in step with the grants it had published)
     * they spend the budget to its end. No lease is granted twice, and the spend never passes the limit.
     */
    @Test
    @Order(2)
    void theOwnerKilledUnderLoadAndRestartedGrantsNoLeaseTwiceAndTheBudgetHolds() throws Exception {
        long limit = FAULT_LIMIT_MICROS;
        String key = orgWithBudget("crash", limit);
        ProcessHandle streams = processes.app(ports.get("streams"));
        List<String> command = PlatformProcesses.commandOf(streams);

        boolean exhausted;
        long killedAt;
        long backAt;
        BudgetClients.StreamsView atKill;
        LeaseLoad load = new LeaseLoad(gateways, key, CLIENTS_PER_REPLICA, LeaseLoad.Mix.PROBE,
                Duration.ofMillis(200));
        try (load) {
            atKill = awaitView("crash-daily", v -> v.spent() >= limit / 5);
            PlatformProcesses.kill(streams);
            killedAt = System.currentTimeMillis();
            Thread.sleep(5_000);
            restartedStreams = PlatformProcesses.relaunch(command, streamsEnv(), dataDir.resolve("logs/streams-2.log"),
                    "http://127.0.0.1:" + ports.get("streams") + "/q/health/ready", Duration.ofSeconds(120));
            backAt = System.currentTimeMillis();
            exhausted = load.awaitExhausted(Duration.ofSeconds(120));
        }
        long counted = BudgetClients.streamsSpend(ports.get("streams"), "crash-daily", Duration.ofSeconds(60));
        long billed = EventTopics.usage(bootstrap(), registry(), "crash").stream()
                .mapToLong(UsageEvent::getCostMicros).sum();
        System.out.printf("four replicas, owner killed: limit_micros=%d spent_at_kill=%d leased_at_kill=%d "
                        + "restarted_after=%d ms admitted_while_away=%d owner_unavailable=%d counted_by_streams=%d "
                        + "billed=%d underspend=%d%n", limit, atKill.spent(), atKill.leased(), backAt - killedAt,
                load.answered(200, killedAt, backAt).size(), load.count("budget_owner_unavailable"), counted,
                billed, limit - counted);
        assertThat(exhausted).isTrue();
        assertThat(load.count("budget_owner_unavailable")).as("replicas fail closed while the owner is away")
                .isPositive();
        assertThat(counted).isLessThanOrEqualTo(limit).isEqualTo(billed);
        assertNoLeaseGrantedTwice("crash");
    }

    /**
     * Kafka frozen (SIGSTOP) for 20 s under load: replicas admit only against leases granted before the freeze, then
     * refuse with 503 {@code budget_owner_unavailable}; when Kafka is back they are granted leases again and spend
     * the budget to its end, never past it.
     */
    @Test
    @Order(3)
    void kafkaAwayTwentySecondsReplicasSpendOnlyWhatTheyHoldThenRefuseAndRecover() throws Exception {
        long limit = FAULT_LIMIT_MICROS;
        String key = orgWithBudget("outage", limit);
        ProcessHandle broker = processes.broker();

        boolean exhausted;
        long stoppedAt;
        long resumedAt;
        LeaseLoad load = new LeaseLoad(gateways, key, CLIENTS_PER_REPLICA, LeaseLoad.Mix.PROBE, Duration.ofMillis(200));
        try (load) {
            awaitView("outage-daily", v -> v.spent() >= limit / 10);
            stoppedAt = System.currentTimeMillis();
            PlatformProcesses.signal(broker, "STOP");
            try {
                Thread.sleep(OUTAGE.toMillis());
            } finally {
                PlatformProcesses.signal(broker, "CONT");
            }
            resumedAt = System.currentTimeMillis();
            exhausted = load.awaitExhausted(Duration.ofSeconds(150));
        }
        long counted = BudgetClients.streamsSpend(ports.get("streams"), "outage-daily", Duration.ofSeconds(60));
        List<UsageEvent> usage = EventTopics.usage(bootstrap(), registry(), "outage");
        Map<String, BudgetLeaseGrant> grants = EventTopics.grants(bootstrap(), registry(), "outage").stream()
                .filter(g -> g.getStatus() == BudgetLeaseStatus.GRANTED)
                .collect(Collectors.toMap(BudgetLeaseGrant::getLeaseId, g -> g));
        Map<String, UsageEvent> byRequest = usage.stream().collect(Collectors.toMap(UsageEvent::getRequestId, e -> e,
                (a, b) -> a));
        List<LeaseLoad.Answer> admittedWhileAway = load.answered(200, stoppedAt, resumedAt);
        List<LeaseLoad.Answer> refusedWhileAway = load.answers.stream().filter(a -> a.atMs() >= stoppedAt
                && a.atMs() < resumedAt && "budget_owner_unavailable".equals(a.code())).toList();
        long firstAdmittedAfter = load.answered(200, resumedAt, Long.MAX_VALUE).stream()
                .mapToLong(LeaseLoad.Answer::atMs).min().orElse(-1);
        System.out.printf("four replicas, Kafka away %s: admitted_while_away=%d refused_owner_unavailable=%d "
                        + "first_admitted_after=%d ms counted_by_streams=%d underspend=%d%n", OUTAGE,
                admittedWhileAway.size(), refusedWhileAway.size(),
                firstAdmittedAfter < 0 ? -1 : firstAdmittedAfter - resumedAt, counted, limit - counted);

        assertThat(refusedWhileAway).as("replicas refuse once what they hold is spent").isNotEmpty();
        for (LeaseLoad.Answer admitted : admittedWhileAway) {
            UsageEvent event = byRequest.get(admitted.requestId());
            assertThat(event).as("usage event of %s", admitted.requestId()).isNotNull();
            String lease = event.getBudgetLeases().get("outage-daily");
            assertThat(grants.get(lease)).as("lease %s of a request admitted while Kafka was away", lease).isNotNull()
                    .satisfies(g -> assertThat(g.getGrantedAt().toEpochMilli()).as("granted before Kafka went away")
                            .isLessThanOrEqualTo(stoppedAt));
        }
        assertThat(firstAdmittedAfter).as("admitting again once Kafka is back").isPositive();
        assertThat(exhausted).isTrue();
        assertThat(counted).isLessThanOrEqualTo(limit);
        assertNoLeaseGrantedTwice("outage");
    }

    private static void assertNoLeaseGrantedTwice(String org) {
        List<BudgetLeaseGrant> answers = EventTopics.grants(bootstrap(), registry(), org);
        Set<String> requests = new HashSet<>();
        Set<String> leases = new HashSet<>();
        for (BudgetLeaseGrant answer : answers) {
            assertThat(requests.add(answer.getRequestId())).as("request %s answered once", answer.getRequestId())
                    .isTrue();
            if (answer.getLeaseId() != null) {
                assertThat(leases.add(answer.getLeaseId())).as("lease %s granted once", answer.getLeaseId()).isTrue();
            }
        }
        assertThat(leases).isNotEmpty();
    }

    private static String orgWithBudget(String org, long limit) throws Exception {
        String key = BudgetClients.createOrgAndKey(gateways.get(0), adminToken, org);
        BudgetClients.awaitKey(gateways, key);
        BudgetClients.createBudget(budget(org, limit), org + "-daily", adminToken, gateways);
        return key;
    }

    private static String budget(String org, long limit) {
        return "{\"id\":\"" + org + "-daily\",\"scope_type\":\"org\",\"scope_id\":\"" + org + "\",\"amount_micros\":"
                + limit + ",\"period\":\"daily\"}";
    }

    private static BudgetClients.StreamsView awaitView(String budgetId,
                                                       java.util.function.Predicate<BudgetClients.StreamsView> match)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        BudgetClients.StreamsView last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = BudgetClients.streamsView(ports.get("streams"), budgetId);
            } catch (java.net.http.HttpTimeoutException e) {
                // 64 clients on four replicas keep two cores busy; a query that waits its 5 s is asked again
                continue;
            }
            if (last != null && match.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the streams app's view of " + budgetId + " never matched; last: " + last);
    }

    private static Map<Integer, Long> perReplica(LeaseLoad load) {
        Map<Integer, Long> admitted = new HashMap<>();
        for (int r = 0; r < REPLICAS; r++) {
            int replica = r;
            admitted.put(r, load.answers.stream().filter(a -> a.gateway() == replica && a.status() == 200).count());
        }
        return admitted;
    }

    private static Map<String, String> streamsEnv() {
        return Map.of("TOLLGATE_STREAMS_BUDGETS_LEASE_TTL", "PT5S",
                "TOLLGATE_STREAMS_BUDGETS_LEASE_SETTLE_GRACE", "PT30S");
    }

    private static List<Integer> managementPorts() {
        List<Integer> management = new ArrayList<>();
        for (int r = 0; r < REPLICAS; r++) {
            management.add(ports.get("management") + 100 * r);
        }
        return management;
    }

    private static String bootstrap() {
        return "127.0.0.1:" + ports.get("kafka");
    }

    private static String registry() {
        return "http://127.0.0.1:" + ports.get("registry");
    }
}

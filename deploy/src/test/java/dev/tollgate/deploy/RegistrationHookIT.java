package dev.tollgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.local.postgres.LocalPostgres;
import dev.tollgate.local.process.ChildJvm;
import dev.tollgate.local.process.Http;
import dev.tollgate.local.process.Ports;
import dev.tollgate.local.testing.SharedInfra;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vllm-model chart's registration hooks against the real gateway: the packaged app with a real broker, the real
 * schema registry and real PostgreSQL. Each hook runs as its rendered Job would, {@code /bin/sh -c <script>} with the
 * Job's environment (the admin token's secretKeyRef filled in), so what is tested is what the chart ships. The steps
 * follow one release's life: install, a re-sync, an upgrade that changes the price, delete.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistrationHookIT {

    private static final String ADMIN_TOKEN = "deploy-it-admin-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static ChildJvm gateway;
    private static String gatewayUrl;

    @TempDir
    static Path work;

    @BeforeAll
    static void startGateway() {
        LocalPostgres postgres = SharedInfra.postgres().createDatabase("deploy_it");
        int port = Ports.freePort();
        int management = Ports.freePort();
        Path runner = Repo.file("gateway/target/quarkus-app/quarkus-run.jar");
        assertThat(runner).as("the packaged gateway (./mvnw package builds it)").exists();
        List<String> jvmArgs = new ArrayList<>(List.of("-Xmx256m",
                "-Dkafka.bootstrap.servers=" + SharedInfra.kafka().bootstrapServers(),
                "-Dtollgate.registry.url=" + SharedInfra.registry().url(),
                "-Dquarkus.datasource.jdbc.url=" + postgres.jdbcUrl("deploy_it"),
                "-Dquarkus.datasource.reactive.url=" + postgres.reactiveUrl("deploy_it"),
                "-Dquarkus.datasource.username=" + LocalPostgres.USER,
                "-Dquarkus.datasource.password=" + LocalPostgres.PASSWORD,
                "-Dquarkus.http.port=" + port, "-Dquarkus.management.port=" + management,
                "-Dtollgate.routing.health.enabled=false",
                // Under target/, not the default ./journal: a test must leave nothing in the source tree.
                "-Dtollgate.events.journal.dir=" + Path.of("target", "registration-it", "journal").toAbsolutePath()));
        gateway = ChildJvm.start(new ChildJvm.Spec("gateway", jvmArgs, List.of("-jar", runner.toString()), List.of(),
                Path.of("target", "registration-it", "gateway.log"), Map.of("TOLLGATE_ADMIN_TOKEN", ADMIN_TOKEN)));
        gateway.awaitReady(Duration.ofSeconds(120),
                () -> Http.answers200("http://127.0.0.1:" + management + "/q/health/ready"));
        gatewayUrl = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    @Order(1)
    void installRegistersTheModelAsModelDashEnvironment() throws Exception {
        Run run = hook("register", Map.of());

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("event=endpoint_registered endpoint=llama-3-8b-production");
        assertThat(registered()).contains("\"id\":\"llama-3-8b-production\"", "\"model\":\"llama-3-8b\"",
                "\"environment\":\"production\"", "\"input_price_per_million_micros\":100000",
                "\"base_url\":\"http://llama-3-8b-production.tollgate-production.svc.cluster.local:8000\"",
                "\"weight\":2", "\"max_context\":8192", "\"status\":\"ready\"");
    }

    @Test
    @Order(2)
    void aResyncWithTheSameValuesLeavesTheEndpointInPlace() throws Exception {
        String before = createdAt(registered());

        Run run = hook("register", Map.of());

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("event=endpoint_unchanged").doesNotContain("endpoint_deregistered");
        assertThat(createdAt(registered())).isEqualTo(before);
    }

    @Test
    @Order(3)
    void anUpgradeThatChangesThePriceReplacesTheEndpoint() throws Exception {
        Run run = hook("register", Map.of("INPUT_PRICE", "150000", "PRICE_VERSION", "2"));

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("event=differs", "event=endpoint_deregistered endpoint=llama-3-8b-production "
                + "reason=values_changed", "event=endpoint_registered");
        assertThat(registered()).contains("\"input_price_per_million_micros\":150000", "\"price_version\":2");
    }

    @Test
    @Order(4)
    void aWrongAdminTokenFailsTheHookAndSoTheSync() throws Exception {
        Run run = hook("register", Map.of("ADMIN_TOKEN", "not-the-token"));

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.output()).contains("event=register_failed", "status=401", "invalid_admin_token");
    }

    @Test
    @Order(5)
    void deleteDrainsAndDeregistersAndIsHarmlessWhenAlreadyGone() throws Exception {
        Run run = hook("deregister", Map.of("DRAIN_SECONDS", "1"));

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("event=endpoint_draining", "event=endpoint_deregistered");
        assertThat(registered()).doesNotContain("llama-3-8b-production");

        Run again = hook("deregister", Map.of("DRAIN_SECONDS", "0"));
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output()).contains("event=endpoint_not_registered");
    }

    record Run(int exitCode, String output) {
    }

    /** Runs the chart's {model}-{env}-{name} Job as Kubernetes would, with some of its environment overridden. */
    private static Run hook(String name, Map<String, String> overrides) throws Exception {
        Manifest job = VllmModelChartTest.job(Charts.ofKind(Charts.render("vllm-model", "production"), "Job"),
                "llama-3-8b-production-" + name);
        Map<String, Object> container = VllmModelChartTest.container(job);
        Map<String, String> env = new LinkedHashMap<>();
        VllmModelChartTest.env(container).forEach((key, value) -> env.put(key,
                value instanceof String s ? s : key.equals("ADMIN_TOKEN") ? ADMIN_TOKEN : null));
        env.put("GATEWAY_URL", gatewayUrl);
        env.put("ATTEMPTS", "3");
        env.putAll(overrides);
        List<String> command = new ArrayList<>(Yaml.<List<String>>at(container, "command"));
        command.addAll(Yaml.<List<String>>at(container, "args"));
        Path tmp = Files.createTempDirectory(work, name);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv("PATH"));
        builder.environment().put("TMPDIR", tmp.toString());
        env.forEach((key, value) -> {
            if (value != null) {
                builder.environment().put(key, value);
            }
        });
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(name + " hook did not finish within 60 s");
        }
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static String registered() throws IOException, InterruptedException {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(gatewayUrl
                        + "/admin/v1/endpoints?model=llama-3-8b&environment=production"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        return answer.body();
    }

    private static String createdAt(String listing) {
        int at = listing.indexOf("\"created_at\":\"");
        assertThat(at).as(listing).isNotNegative();
        return listing.substring(at, listing.indexOf('"', at + 14));
    }
}

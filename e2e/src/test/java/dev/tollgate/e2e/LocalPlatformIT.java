package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.local.process.Ports;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, end to end: the launcher starts the real platform, the curl line it prints
 * works, the usage event arrives in Kafka, the streams app counts it, and stopping leaves no process behind.
 */
class LocalPlatformIT {

    static final Duration START = Duration.ofMinutes(3);
    static final Pattern KEY = Pattern.compile("(tg_[A-Za-z0-9_-]{20,})");
    static final Pattern ADMIN_TOKEN = Pattern.compile("(tga_[A-Za-z0-9_-]{20,})");
    /** The named read-only credential the launcher creates for the console. */
    static final Pattern READ_ONLY_TOKEN = Pattern.compile("(tgadm_[A-Za-z0-9_-]{20,})");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void startsThePlatformAnswersThePrintedCurlLineAndStopsWithoutLeftovers() throws Exception {
        Map<String, Integer> ports = freePorts();
        try (LauncherProcess launcher = LauncherProcess.start(dataDir, args(ports), Map.of())) {
            assertThat(launcher.awaitLine(l -> l.contains("Tollgate is running"), START))
                    .as("launcher console:\n%s", launcher.console()).isPresent();
            String key = printedKey(launcher);

            HttpResponse<String> completion = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + ports.get("gateway") + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"sim-llama-3-8b\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(completion.statusCode()).as(completion.body()).isEqualTo(200);
            assertThat(completion.body()).contains("\"object\":\"chat.completion\"");
            assertThat(launcher.awaitLine(l -> l.startsWith("usage ") && l.contains("org=local")
                    && l.contains("status=OK"), Duration.ofSeconds(30))).as(launcher.console()).isPresent();
            assertThat(awaitTotals(ports.get("streams"))).contains("\"requests\":1");
            HttpResponse<String> endpoints = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + ports.get("gateway") + "/admin/v1/endpoints")).header("Authorization", "Bearer "
                    + printed(ADMIN_TOKEN, launcher)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(endpoints.statusCode()).as(endpoints.body()).isEqualTo(200);
            assertPrintedReadOnlyTokenReadsButCannotWrite(ports.get("gateway"), launcher);

            assertThat(launcher.stop(Duration.ofSeconds(60))).isIn(0, 143);
            assertThat(launcher.console()).contains("Stopped.");
            assertThat(launcher.leftovers()).isEmpty();
        }
    }

    @Test
    void namesATakenPortAndStartsNothing() throws Exception {
        Map<String, Integer> ports = freePorts();
        try (ServerSocket taken = new ServerSocket(ports.get("registry"));
             LauncherProcess launcher = LauncherProcess.start(dataDir, args(ports), Map.of())) {
            int exit = launcher.awaitExit(Duration.ofSeconds(60));

            assertThat(exit).isNotZero();
            assertThat(launcher.console()).contains("port " + taken.getLocalPort())
                    .contains("Apicurio Registry").doesNotContainPattern("ready in +\\d")
                    .doesNotContain("Exception");
            assertThat(launcher.leftovers()).isEmpty();
        }
    }

    @Test
    void stopsWhatStartedWhenAPartFailsHalfwayThroughStartUp() throws Exception {
        // The gateway inherits this broken setting and refuses to start, after the broker, the registry,
        // PostgreSQL and the simulator are already up.
        Map<String, String> brokenGateway = Map.of("TOLLGATE_LIMITS_MAX_BODY_BYTES", "not-a-number");
        try (LauncherProcess launcher = LauncherProcess.start(dataDir, args(freePorts()), brokenGateway)) {
            int exit = launcher.awaitExit(START);

            assertThat(exit).isEqualTo(1);
            assertThat(launcher.console()).containsPattern("Kafka +ready in +\\d")
                    .contains("Tollgate failed to start: gateway exited")
                    .contains("Everything that had started was stopped again.");
            assertThat(launcher.leftovers()).isEmpty();
        }
    }

    /** The console's token the launcher prints sees the admin API and the console's data, and changes nothing. */
    private static void assertPrintedReadOnlyTokenReadsButCannotWrite(int gatewayPort, LauncherProcess launcher)
            throws Exception {
        String token = printed(READ_ONLY_TOKEN, launcher);
        String admin = "http://127.0.0.1:" + gatewayPort + "/admin/v1/";
        HttpResponse<String> read = HTTP.send(HttpRequest.newBuilder(URI.create(admin + "endpoints"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> write = HTTP.send(HttpRequest.newBuilder(URI.create(admin + "orgs"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"ro-test\",\"name\":\"RO\"}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(write.statusCode()).as(write.body()).isEqualTo(403);
        assertThat(write.body()).contains("\"code\":\"read_only_token\"");
    }

    private String awaitTotals(int streamsPort) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> totals = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + streamsPort
                    + "/v1/usage/orgs/local/totals")).build(), HttpResponse.BodyHandlers.ofString());
            body = totals.body();
            if (totals.statusCode() == 200) {
                return body;
            }
            Thread.sleep(500);
        }
        return body;
    }

    private static String printedKey(LauncherProcess launcher) {
        return printed(KEY, launcher);
    }

    static String printed(Pattern secret, LauncherProcess launcher) {
        Matcher matcher = secret.matcher(launcher.console());
        assertThat(matcher.find()).as("%s in:\n%s", secret, launcher.console()).isTrue();
        return matcher.group(1);
    }

    /** Nine different free ports, with the broker's controller port (the broker's + 1) free and not among them. */
    static Map<String, Integer> freePorts() {
        while (true) {
            int[] p = Ports.freePorts(9);
            int kafka = p[4];
            boolean controllerClear = java.util.Arrays.stream(p).noneMatch(port -> port == kafka + 1);
            if (controllerClear && Ports.isFree(kafka + 1)) {
                return Map.of("gateway", p[0], "management", p[1], "streams", p[2], "simulator", p[3],
                        "kafka", kafka, "registry", p[5], "postgres", p[6], "evals", p[7], "notifier", p[8]);
            }
        }
    }

    static List<String> args(Map<String, Integer> ports) {
        return new ArrayList<>(List.of(
                "--gateway-port", ports.get("gateway").toString(),
                "--gateway-management-port", ports.get("management").toString(),
                "--streams-port", ports.get("streams").toString(),
                "--evals-port", ports.get("evals").toString(),
                "--simulator-port", ports.get("simulator").toString(),
                "--kafka-port", ports.get("kafka").toString(),
                "--registry-port", ports.get("registry").toString(),
                "--postgres-port", ports.get("postgres").toString(),
                "--notifier-port", ports.get("notifier").toString(),
                "--simulator-ttft-ms", "5", "--simulator-itl-ms", "1"));
    }
}

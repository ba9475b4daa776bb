package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.local.LocalInstallation;
import dev.tollgate.local.kafka.KafkaBroker;
import dev.tollgate.local.postgres.LocalPostgres;
import dev.tollgate.local.process.ChildJvm;
import dev.tollgate.local.process.Http;
import dev.tollgate.local.process.Ports;
import dev.tollgate.local.registry.ApicurioRegistry;
import dev.tollgate.local.vllm.SimulatorConfig;
import dev.tollgate.local.vllm.VllmSimulator;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue #23: the gateway is killed with {@code kill -9} under load and restarted on the same event journal. The
 * streams app then counts a usage event for every complete 200 answer the clients received, none twice, and nothing
 * else but requests the kill cut off mid-answer: once with Kafka up, once with Kafka down at the moment of the kill. Real processes throughout: a KRaft broker, Apicurio
 * Registry, PostgreSQL, the vLLM simulator, and the packaged gateway and streams apps ({@code java -jar}).
 */
class GatewayCrashIT {

    private static final String KEY = "tg_crash_it_key_0123456789abcdef0123";
    private static final String ORG = "crash";
    private static final String MODEL = "crash-model";
    private static final int CLIENTS = 8;
    private static final Duration CONVERGE = Duration.ofSeconds(90);
    private static final String CHAT = "{\"model\":\"" + MODEL + "\",\"max_tokens\":4,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"count me once\"}]}";

    private static Path work;
    private static LocalInstallation installation;
    private static LocalPostgres postgres;
    private static KafkaBroker kafka;
    private static ApicurioRegistry registry;
    private static VllmSimulator simulator;
    private static ChildJvm streams;
    private static int streamsPort;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @RegisterExtension
    static final DataDirectory DATA = new DataDirectory("tollgate-gateway-crash");

    @BeforeAll
    static void startPlatform() throws Exception {
        work = DATA.create();
        installation = LocalInstallation.fromBuild();
        int[] ports = Ports.freePorts(4);
        postgres = LocalPostgres.start(ports[0], work.resolve("postgres"), false);
        postgres.createDatabase("tollgate");
        kafka = new KafkaBroker(new KafkaBroker.Config(ports[1], ports[2], work.resolve("kafka"), "512m")).start();
        kafka.createTopics(Topics.all());
        registry = new ApicurioRegistry(ApicurioRegistry.Config.ephemeral(work.resolve("registry"))).start();
        simulator = VllmSimulator.start(SimulatorConfig.defaults().withHost("127.0.0.1").withPort(Ports.freePort())
                .withServedModelNames(MODEL).withTimeToFirstToken(Duration.ZERO).withInterTokenLatency(Duration.ZERO)
                .withOutputTokens(4));
        streamsPort = ports[3];
        Map<String, String> config = new LinkedHashMap<>(common());
        config.put("quarkus.http.port", Integer.toString(streamsPort));
        config.put("kafka-streams.state.dir", work.resolve("streams-state").toString());
        config.put("kafka-streams.num.standby.replicas", "0");
        streams = app("streams", config, "512m", Map.of(), "http://127.0.0.1:" + streamsPort + "/q/health/ready");
    }

    @AfterAll
    static void stopPlatform() {
        for (AutoCloseable part : new AutoCloseable[] {streams, simulator, registry, kafka, postgres}) {
            if (part != null) {
                try {
                    part.close();
                } catch (Exception e) {
                    System.err.println("could not stop " + part + ": " + e);
                }
            }
        }
    }

    @Test
    void everyAnswerIsCountedExactlyOnceAfterAKillNineAndARestartOnTheSameJournal() throws Exception {
        Path journal = work.resolve("journal-up");
        Totals before = totals();
        Gateway gateway = Gateway.start(journal);
        Load load = Load.start(gateway.url);
        Thread.sleep(5_000);
        gateway.process.kill();
        int answered = load.stop();

        Gateway restarted = Gateway.start(journal);
        long replayed = restarted.replayed();
        Totals after = settle(before.ok + answered);
        restarted.process.stop(Duration.ofSeconds(20));

        System.out.printf("gateway crash, kafka up: answered_200=%d cut_off=%d counted_ok=%d replayed=%d%n", answered,
                load.cutOff.get(), after.ok - before.ok, replayed);
        assertThat(answered).as("the load ran").isGreaterThan(300);
        assertCountedOnceEach(after.ok - before.ok, answered, load.cutOff.get());
    }

    @Test
    void everyAnswerIsCountedExactlyOnceWhenKafkaWasDownAtTheMomentOfTheKill() throws Exception {
        Path journal = work.resolve("journal-down");
        Totals before = totals();
        Gateway gateway = Gateway.start(journal);
        Load load = Load.start(gateway.url);
        Thread.sleep(2_000);
        kafka.stop();
        load.mark();
        Thread.sleep(3_000);
        gateway.process.kill();
        int answered = load.stop();
        int answeredWhileDown = load.answeredSinceMark();
        Path copy = copyOf(journal, work.resolve("journal-down-copy"));
        kafka.start();

        Gateway restarted = Gateway.start(journal);
        long replayed = restarted.replayed();
        Totals after = settle(before.ok + answered);
        restarted.process.stop(Duration.ofSeconds(20));

        // The same unacknowledged events once more, from the copy taken after the kill: all of them are in Kafka
        // now, so each one replayed again is a duplicate by event id, and the streams app must not count it again.
        Gateway again = Gateway.start(copy);
        long replayedAgain = again.replayed();
        again.process.stop(Duration.ofSeconds(20));
        Thread.sleep(3_000);
        Totals settled = totals();
        UsageTopic topic = usageTopic();

        System.out.printf("gateway crash, kafka down: answered_200=%d answered_after_kafka_stop=%d cut_off=%d "
                        + "counted_ok=%d replayed=%d replayed_again=%d usage_records=%d distinct_event_ids=%d%n",
                answered, answeredWhileDown, load.cutOff.get(), settled.ok - before.ok, replayed, replayedAgain,
                topic.records, topic.distinct);
        assertThat(answeredWhileDown).as("the gateway kept answering with Kafka down").isPositive();
        assertThat(replayed).as("events only the journal held").isGreaterThanOrEqualTo(answeredWhileDown);
        assertCountedOnceEach(settled.ok - before.ok, answered, load.cutOff.get());
        assertThat(replayedAgain).isEqualTo(replayed);
        assertThat(settled.requests).as("the replayed duplicates were not counted again").isEqualTo(after.requests);
        assertThat(topic.records - topic.distinct).as("the second replay did put duplicates on the topic")
                .isGreaterThanOrEqualTo(replayedAgain);
        assertThat(topic.distinct).as("distinct usage events on the topic, all counted once")
                .isEqualTo(settled.requests);
    }

    /**
     * Every complete 200 answer is counted, once. Beyond them, only requests the kill cut off while their answer was
     * being written can be counted: the model did their work and their usage event was journaled just before the
     * answer's last bytes, which the client never received. At most one per client.
     */
    private static void assertCountedOnceEach(long counted, int answered, int cutOff) {
        assertThat(counted).as("usage events counted: one for each of the %d complete 200 answers, plus at most the "
                + "%d requests the kill cut off mid-answer", answered, cutOff)
                .isBetween((long) answered, (long) answered + cutOff);
    }

    /** A gateway process on {@code journal}, configured as the local platform configures one. */
    private record Gateway(ChildJvm process, String url, int management) {

        static Gateway start(Path journal) {
            int[] ports = Ports.freePorts(2);
            Map<String, String> config = new LinkedHashMap<>(common());
            config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl("tollgate"));
            config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl("tollgate"));
            config.put("quarkus.datasource.username", LocalPostgres.USER);
            config.put("quarkus.datasource.password", LocalPostgres.PASSWORD);
            config.put("quarkus.http.port", Integer.toString(ports[0]));
            config.put("quarkus.management.port", Integer.toString(ports[1]));
            config.put("tollgate.bootstrap.org-id", ORG);
            config.put("tollgate.bootstrap.key-id", "crash-key");
            config.put("tollgate.bootstrap.endpoints[0].id", "sim-1");
            config.put("tollgate.bootstrap.endpoints[0].model", MODEL);
            config.put("tollgate.bootstrap.endpoints[0].url", simulator.baseUrl());
            config.put("tollgate.events.journal.dir", journal.toString());
            ChildJvm process = app("gateway", config, "256m", Map.of("TOLLGATE_BOOTSTRAP_API_KEY", KEY,
                    "TOLLGATE_ADMIN_TOKEN", "crash-it-admin-token-0123456789"),
                    "http://127.0.0.1:" + ports[1] + "/q/health/ready");
            return new Gateway(process, "http://127.0.0.1:" + ports[0], ports[1]);
        }

        /** Usage events this process replayed from its journal at start, from its metrics. */
        long replayed() throws Exception {
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management
                    + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^tollgate_events_journal_replayed_total\\{[^}]*topic=\"" + Topics.USAGE
                    + "\"[^}]*} ([0-9.E]+)$").matcher(metrics);
            assertThat(m.find()).as("replayed counter in\n%s", metrics).isTrue();
            return (long) Double.parseDouble(m.group(1));
        }
    }

    /** Clients calling the gateway back to back, counting complete 200 answers. */
    private static final class Load {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger answered = new AtomicInteger();
        /** Requests whose connection the kill cut: at most one per client, the one it was waiting for. */
        private final AtomicInteger cutOff = new AtomicInteger();
        private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        private volatile int mark = -1;

        static Load start(String gateway) {
            Load load = new Load();
            HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(CHAT)).build();
            for (int c = 0; c < CLIENTS; c++) {
                load.clients.submit(() -> {
                    boolean cut = false;
                    while (load.running.get()) {
                        try {
                            HttpResponse<String> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                            if (answer.statusCode() == 200 && answer.body().contains("\"choices\"")) {
                                load.answered.incrementAndGet();
                            } else if (answer.statusCode() == 503) {
                                Thread.sleep(20); // events_unavailable: fail-closed while the buffer is full
                            }
                        } catch (IOException gatewayGone) {
                            if (!cut) {
                                cut = true;
                                load.cutOff.incrementAndGet();
                            }
                            sleepQuietly();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
            }
            return load;
        }

        /** Stops the clients once the gateway is gone; returns the 200 answers they received. */
        int stop() throws InterruptedException {
            Thread.sleep(500);
            running.set(false);
            clients.shutdown();
            assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            return answered.get();
        }

        /** Remembers the answers so far, for {@link #answeredSinceMark}. */
        void mark() {
            mark = answered.get();
        }

        int answeredSinceMark() {
            return mark < 0 ? 0 : answered.get() - mark;
        }

        private static void sleepQuietly() {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private record Totals(long requests, long ok) {
    }

    /** The streams app's totals of the org; retried while its store is not queryable (503, during a rebalance). */
    private static Totals totals() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + streamsPort
                + "/v1/usage/orgs/" + ORG + "/totals")).build();
        HttpResponse<String> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        while (answer.statusCode() == 503 && System.nanoTime() < deadline) {
            Thread.sleep(250);
            answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        }
        if (answer.statusCode() == 404) {
            return new Totals(0, 0);
        }
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        long requests = number(answer.body(), "requests");
        return new Totals(requests, requests - number(answer.body(), "errors"));
    }

    /**
     * Polls the streams app until it counts {@code ok} successful requests (or the deadline passes), then gives late
     * events 3 s more: the totals it then returns are what every later reading must equal.
     */
    private static Totals settle(long ok) throws Exception {
        awaitOk(ok);
        Thread.sleep(3_000);
        return totals();
    }

    /** Polls the streams app until it counts {@code ok} successful requests, or the deadline passes. */
    private static Totals awaitOk(long ok) throws Exception {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        Totals totals = totals();
        while (totals.ok < ok && System.nanoTime() < deadline) {
            Thread.sleep(250);
            totals = totals();
        }
        return totals;
    }

    private record UsageTopic(long records, long distinct) {
    }

    /** Every usage event of the org on the topic, read back through the registry. */
    private static UsageTopic usageTopic() {
        AvroKafkaDeserializer<Object> values = new AvroKafkaDeserializer<>();
        values.configure(AvroSerdes.deserializerConfig(registry.url()), false);
        long records = 0;
        Set<String> ids = new java.util.HashSet<>();
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.USAGE).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() instanceof UsageEvent e && ORG.equals(e.getOrgId())) {
                        records++;
                        ids.add(e.getEventId());
                    }
                }
            }
        }
        return new UsageTopic(records, ids.size());
    }

    private static Path copyOf(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else if (!file.getFileName().toString().equals("journal.lock")) {
                    Files.copy(file, target);
                }
            }
        }
        return to;
    }

    private static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        assertThat(m.find()).as("%s in %s", field, json).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static Map<String, String> common() {
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.put("tollgate.registry.url", registry.url());
        return config;
    }

    private static ChildJvm app(String name, Map<String, String> properties, String heap, Map<String, String> env,
                                String readinessUrl) {
        List<String> jvmArgs = new ArrayList<>(List.of("-Xmx" + heap, "-XX:+UseParallelGC"));
        properties.forEach((key, value) -> jvmArgs.add("-D" + key + "=" + value));
        ChildJvm process = ChildJvm.start(new ChildJvm.Spec(name, jvmArgs,
                List.of("-jar", installation.quarkusApp(name).toString()), List.of(),
                work.resolve("logs").resolve(name + ".log"), env));
        try {
            process.awaitReady(Duration.ofSeconds(120), () -> Http.answers200(readinessUrl));
            return process;
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
    }
}

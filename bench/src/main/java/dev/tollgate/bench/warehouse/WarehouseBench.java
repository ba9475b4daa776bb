package dev.tollgate.bench.warehouse;

import dev.tollgate.bench.streams.UsageWorkload;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.local.LocalInstallation;
import dev.tollgate.local.connect.ConnectClient;
import dev.tollgate.local.connect.ConnectWorker;
import dev.tollgate.local.connect.ConnectorConfigs;
import dev.tollgate.local.kafka.KafkaBroker;
import dev.tollgate.local.postgres.LocalPostgres;
import dev.tollgate.local.process.ChildJvm;
import dev.tollgate.local.process.Ports;
import dev.tollgate.local.process.WatchedMain;
import dev.tollgate.local.registry.ApicurioRegistry;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The warehouse benchmark of issue #19: how fast a backlog of usage events reaches PostgreSQL, through the shipped
 * sink configuration on a real Connect worker, and through the reference billing consumer.
 *
 * <ol>
 *   <li>Starts a real KRaft broker, the real Apicurio Registry and real PostgreSQL (the local platform's parts), and
 *       publishes {@code --events} usage events ({@link UsageWorkload}, with its re-deliveries) to
 *       {@code tollgate.usage.v1} with the gateway's serializer settings.</li>
 *   <li>Sink: a Connect worker with {@code connectors/warehouse/config/postgres/usage.json} as shipped (or with
 *       {@code --tasks}); rows/s from the first row in {@code usage_events} until every distinct event has its row.</li>
 *   <li>Rebuild: stop, reset offsets, resume; rows/s until every row has been written again (upserts over existing
 *       rows).</li>
 *   <li>Billing: the reference consumer ({@code connectors/billing}) in its own JVM; events/s from its first committed
 *       batch until its offsets reach the end of the topic.</li>
 * </ol>
 * Each stage runs alone on the machine. Rates exclude JVM start-up and group joins; the report has the figure from the
 * stage's start too.
 */
@Command(name = "tollgate-warehouse-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Usage backlog into PostgreSQL: the JDBC sink connector and the billing consumer.")
public final class WarehouseBench implements Callable<Integer> {

    private static final String SINK = "tollgate-usage-warehouse";
    private static final Duration STAGE_TIMEOUT = Duration.ofMinutes(20);

    @Option(names = "--events", defaultValue = "200000", description = "Backlog size (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--orgs", defaultValue = "300", description = "Orgs (default: ${DEFAULT-VALUE}).")
    int orgs;

    @Option(names = "--tasks", description = "tasks.max of the sink, instead of the shipped configuration's.")
    Integer tasks;

    @Option(names = "--sink-opt", description = "A setting of the sink that replaces the shipped one, e.g. "
            + "batch.size=5000; repeatable.")
    List<String> sinkOptions = List.of();

    @Option(names = "--billing-batch", defaultValue = "500",
            description = "The billing consumer's records per transaction (default: ${DEFAULT-VALUE}).")
    int billingBatch;

    @Option(names = "--work-dir", required = true, description = "Where the servers keep data and logs.")
    Path workDir;

    @Option(names = "--report", description = "Also write the figures as JSON here.")
    Path reportFile;

    private final Map<String, Object> report = new LinkedHashMap<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new WarehouseBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        report.put("load_average_before", Files.readString(Path.of("/proc/loadavg")).trim());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        try (KafkaBroker kafka = new KafkaBroker(new KafkaBroker.Config(Ports.freePort(), Ports.freePort(),
                workDir.resolve("kafka"), "1g")).start();
             ApicurioRegistry registry = new ApicurioRegistry(
                     ApicurioRegistry.Config.ephemeral(workDir.resolve("registry"))).start();
             LocalPostgres postgres = LocalPostgres.start(0, workDir.resolve("postgres"), false)) {
            kafka.createTopics(Topics.all());
            postgres.createDatabase("warehouse").createDatabase("billing");
            long distinct = publishBacklog(kafka.bootstrapServers(), registry.url());
            try (Connection warehouse = connect(postgres, "warehouse")) {
                sink(kafka, registry, postgres, warehouse, distinct);
            }
            try (Connection billing = connect(postgres, "billing")) {
                billing(kafka, registry, postgres, billing, distinct);
            }
        }
        report.put("load_average_after", Files.readString(Path.of("/proc/loadavg")).trim());
        if (reportFile != null) {
            Files.createDirectories(reportFile.toAbsolutePath().getParent());
            Files.writeString(reportFile, toJson(report) + "\n");
        }
        return 0;
    }

    /** Publishes the backlog over the hour before now; returns its number of distinct event ids. */
    private long publishBacklog(String bootstrap, String registryUrl) throws Exception {
        UsageWorkload workload = new UsageWorkload(42, orgs, 8, 0.005);
        AvroKafkaSerializer<UsageEvent> serializer = new AvroKafkaSerializer<>();
        serializer.configure(AvroSerdes.serializerConfig(registryUrl), false);
        long spanMs = Duration.ofHours(1).toMillis();
        long startMs = Instant.now().toEpochMilli() - spanMs;
        long distinct = 0;
        String lastId = null;
        try (KafkaProducer<String, UsageEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024),
                new StringSerializer(), serializer)) {
            for (int i = 0; i < events; i++) {
                UsageEvent event = workload.next(Instant.ofEpochMilli(startMs + spanMs * i / events));
                distinct += event.getEventId().equals(lastId) ? 0 : 1;
                lastId = event.getEventId();
                producer.send(new ProducerRecord<>(Topics.USAGE, event.getOrgId(), event));
            }
        }
        report.put("backlog_events", events);
        report.put("distinct_events", distinct);
        System.out.printf(Locale.ROOT, "backlog: %,d usage events, %,d distinct%n", events, distinct);
        return distinct;
    }

    /** The JDBC sink: first load, then a rebuild from offset zero. */
    private void sink(KafkaBroker kafka, ApicurioRegistry registry, LocalPostgres postgres, Connection db,
                      long distinct) throws Exception {
        Map<String, String> config = new HashMap<>(ConnectorConfigs.load(
                LocalInstallation.fromBuild().warehouseConnectors()).get(SINK));
        if (tasks != null) {
            config.put("tasks.max", tasks.toString());
        }
        for (String option : sinkOptions) {
            String[] kv = option.split("=", 2);
            check(kv.length == 2, "--sink-opt takes key=value: " + option);
            config.put(kv[0], kv[1]);
        }
        report.put("sink_options", String.join(" ", sinkOptions));
        report.put("sink_tasks", config.get("tasks.max"));
        try (ConnectWorker worker = new ConnectWorker(new ConnectWorker.Config(Ports.freePort(),
                kafka.bootstrapServers(), workDir.resolve("connect"), Map.of(
                        "TOLLGATE_REGISTRY_URL", registry.url(),
                        "TOLLGATE_WAREHOUSE_JDBC_URL", postgres.jdbcUrl("warehouse"),
                        "TOLLGATE_WAREHOUSE_USER", LocalPostgres.USER,
                        "TOLLGATE_WAREHOUSE_PASSWORD", LocalPostgres.PASSWORD))).start()) {
            ConnectClient connect = worker.client();
            long begin = System.nanoTime();
            connect.put(SINK, config);
            rate("sink", begin, distinct, () -> running(connect, number(db, "SELECT count(*) FROM usage_events")));

            long before = number(db, "SELECT txid_current()");
            connect.stop(SINK, Duration.ofSeconds(60));
            connect.resetOffsets(SINK);
            begin = System.nanoTime();
            connect.resume(SINK);
            rate("sink_rebuild", begin, distinct, () -> running(connect,
                    number(db, "SELECT count(*) FROM usage_events WHERE xmin::text::bigint > " + before)));
            check(number(db, "SELECT count(*) FROM usage_events") == distinct, "a rebuild added rows");
        }
    }

    /** The reference billing consumer in its own JVM. */
    private void billing(KafkaBroker kafka, ApicurioRegistry registry, LocalPostgres postgres, Connection db,
                         long distinct) throws Exception {
        Path billing = LocalInstallation.fromBuild().projectRoot().resolve("connectors/billing/target");
        String classpath = billing.resolve("classes") + File.pathSeparator
                + LocalInstallation.fromBuild().moduleClasses() + File.pathSeparator
                + Files.readString(billing.resolve("runtime.classpath")).trim();
        long begin = System.nanoTime();
        try (ChildJvm consumer = ChildJvm.start(new ChildJvm.Spec("billing", List.of("-Xmx512m",
                "-XX:+UseParallelGC", "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-Dtollgate.billing.bootstrap-servers=" + kafka.bootstrapServers(),
                "-Dtollgate.billing.registry-url=" + registry.url(),
                "-Dtollgate.billing.jdbc-url=" + postgres.jdbcUrl("billing"),
                "-Dtollgate.billing.user=" + LocalPostgres.USER,
                "-Dtollgate.billing.max-batch=" + billingBatch),
                List.of("-cp", classpath, WatchedMain.class.getName(), "dev.tollgate.billing.BillingMain"), List.of(),
                workDir.resolve("billing.log"), Map.of("TOLLGATE_BILLING_PASSWORD", LocalPostgres.PASSWORD)))) {
            report.put("billing_batch", billingBatch);
            rate("billing", begin, events, () -> number(db, "SELECT coalesce(sum(next_offset), 0) FROM "
                    + "billing_offsets"));
        }
        check(number(db, "SELECT count(*) FROM billed_usage") == distinct, "billing did not bill each event once");
    }

    /** {@code value}, once the sink's task is known to run; a failed task ends the benchmark with its trace. */
    private static long running(ConnectClient connect, long value) {
        connect.awaitRunning(SINK, Duration.ofSeconds(30));
        return value;
    }

    /** Something that counts progress in the database. */
    private interface Progress {
        long now() throws SQLException;
    }

    /**
     * Waits until {@code progress} reaches {@code target} and reports the rate from its first step (and from
     * {@code begin}) to then.
     */
    private void rate(String stage, long begin, long target, Progress progress) throws Exception {
        long deadline = begin + STAGE_TIMEOUT.toNanos();
        long first = 0;
        long firstValue = 0;
        long value = 0;
        while (value < target) {
            check(System.nanoTime() < deadline, stage + " reached " + value + " of " + target);
            Thread.sleep(100);
            value = progress.now();
            if (first == 0 && value > 0) {
                first = System.nanoTime();
                firstValue = value;
            }
        }
        long end = System.nanoTime();
        double seconds = (end - first) / 1e9;
        long perSecond = Math.round((target - firstValue) / seconds);
        long fromStart = Math.round(target / ((end - begin) / 1e9));
        report.put(stage + "_per_second", perSecond);
        report.put(stage + "_per_second_from_start", fromStart);
        report.put(stage + "_seconds", Math.round(seconds * 100) / 100.0);
        System.out.printf(Locale.ROOT, "%s: %,d in %.2f s from the first = %,d/s (%,d/s from the start)%n", stage,
                target, seconds, perSecond, fromStart);
    }

    private static Connection connect(LocalPostgres postgres, String database) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(database), LocalPostgres.USER, LocalPostgres.PASSWORD);
    }

    private static long number(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) { // not created yet
                return 0;
            }
            throw e;
        }
    }

    private static void check(boolean condition, String failure) {
        if (!condition) {
            throw new IllegalStateException(failure);
        }
    }

    private static String toJson(Map<String, Object> map) {
        return map.entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + (e.getValue() instanceof Number
                ? e.getValue().toString() : "\"" + e.getValue() + "\"")).collect(Collectors.joining(",", "{", "}"));
    }
}

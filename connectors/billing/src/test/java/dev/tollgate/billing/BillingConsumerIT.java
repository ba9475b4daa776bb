package dev.tollgate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.events.v1.UsageSource;
import dev.tollgate.local.LocalInstallation;
import dev.tollgate.local.postgres.LocalPostgres;
import dev.tollgate.local.process.ChildJvm;
import dev.tollgate.local.process.WatchedMain;
import dev.tollgate.local.testing.SharedInfra;
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
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference billing consumer against a real broker, the real registry and real PostgreSQL, run as its own JVM:
 * killed with SIGKILL while its database session is inside a batch's transaction, then restarted, it bills every
 * distinct event exactly once. At the moment of the kill, the committed invoice lines are exactly the sum of the
 * distinct events before the committed offsets: lines and offsets are never out of step.
 */
class BillingConsumerIT {

    private static final int EVENTS = 20_000;
    private static final String CONSUMER = "billing-it";
    private static final Duration BILLING = Duration.ofSeconds(90);

    @TempDir
    Path workDir;

    @Test
    void killedMidBatchAndRestartedItBillsEveryDistinctEventExactlyOnce() throws Exception {
        LocalPostgres postgres = SharedInfra.postgres().createDatabase("billing");
        List<Produced> produced = produce(BillingEvents.stream(42, EVENTS));
        Map<Integer, Long> endOffsets = new HashMap<>();
        produced.forEach(p -> endOffsets.merge(p.partition(), p.offset() + 1, Math::max));

        try (Connection db = DriverManager.getConnection(postgres.jdbcUrl("billing"), LocalPostgres.USER,
                LocalPostgres.PASSWORD)) {
            ChildJvm first = startConsumer(postgres, "billing-1.log");
            long progressAtKill;
            try {
                progressAtKill = killInsideATransaction(first, db);
            } finally {
                first.close();
            }
            Map<Integer, Long> committed = storedOffsets(db);
            assertThat(progressAtKill).as("billed before the kill").isPositive().isLessThan(EVENTS);
            assertThat(lines(db)).as("lines committed with the offsets, at the kill")
                    .isEqualTo(expectedLines(produced, committed));

            try (ChildJvm second = startConsumer(postgres, "billing-2.log")) {
                awaitOffsets(db, endOffsets, second);
            }
            Map<LineKey, Totals> expected = expectedLines(produced, endOffsets);
            assertThat(lines(db)).isEqualTo(expected);
            long distinct = produced.stream().map(p -> p.event().getEventId()).distinct().count();
            assertThat(distinct).as("the stream re-delivers some events").isLessThan(EVENTS);
            assertThat(number(db, "SELECT count(*) FROM billed_usage")).isEqualTo(distinct);
            assertThat(number(db, "SELECT sum(cost_micros) FROM invoice_lines"))
                    .isEqualTo(expected.values().stream().mapToLong(Totals::costMicros).sum());
            assertThat(number(db, "SELECT count(*) FROM billed_usage WHERE price_version IS NULL"))
                    .as("only unpriced rejections lack a price version")
                    .isEqualTo(number(db, "SELECT count(*) FROM billed_usage WHERE status = 'REJECTED'"));
            System.out.printf("billing kill test: events=%d distinct=%d billed_at_kill=%d lines=%d%n", EVENTS,
                    distinct, progressAtKill, expected.size());
        }
    }

    /** The consumer, as a production deployment runs it: its own JVM, configured by properties and environment. */
    private ChildJvm startConsumer(LocalPostgres postgres, String log) throws Exception {
        String classpath = System.getProperty("tollgate.billing.classes") + File.pathSeparator
                + LocalInstallation.fromBuild().moduleClasses() + File.pathSeparator
                + Files.readString(Path.of(System.getProperty("tollgate.billing.runtime-classpath"))).trim();
        return ChildJvm.start(new ChildJvm.Spec("billing", List.of("-Xmx256m", "-XX:+UseSerialGC",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-Dtollgate.billing.bootstrap-servers=" + SharedInfra.kafka().bootstrapServers(),
                "-Dtollgate.billing.registry-url=" + SharedInfra.registry().url(),
                "-Dtollgate.billing.jdbc-url=" + postgres.jdbcUrl("billing"),
                "-Dtollgate.billing.user=" + LocalPostgres.USER,
                "-Dtollgate.billing.consumer=" + CONSUMER,
                // static membership: the restarted consumer takes over at once, not after the dead one's timeout
                "-Dtollgate.billing.instance-id=billing-it-0",
                "-Dtollgate.billing.max-batch=100"),
                List.of("-cp", classpath, WatchedMain.class.getName(), BillingMain.class.getName()), List.of(),
                workDir.resolve(log), Map.of("TOLLGATE_BILLING_PASSWORD", LocalPostgres.PASSWORD)));
    }

    /**
     * Waits until a quarter of the backlog is billed, then kills the consumer with SIGKILL the moment its database
     * session is seen inside a transaction (a batch written, not yet committed).
     *
     * @return the events billed (committed offsets) right before the kill
     */
    private static long killInsideATransaction(ChildJvm consumer, Connection db) throws Exception {
        long deadline = System.nanoTime() + BILLING.toNanos();
        while (System.nanoTime() < deadline) {
            long billed = storedOffsets(db).values().stream().mapToLong(Long::longValue).sum();
            if (billed >= EVENTS / 4 && number(db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
                    + CONSUMER + "' AND xact_start IS NOT NULL AND state <> 'idle'") > 0) {
                consumer.kill();
                return billed;
            }
            assertThat(consumer.isAlive()).as(consumer.logTail(30)).isTrue();
        }
        throw new AssertionError("the consumer never reached a quarter of the backlog: " + consumer.logTail(30));
    }

    private static void awaitOffsets(Connection db, Map<Integer, Long> endOffsets, ChildJvm consumer)
            throws Exception {
        long deadline = System.nanoTime() + BILLING.toNanos();
        while (!storedOffsets(db).equals(endOffsets)) {
            assertThat(consumer.isAlive()).as(consumer.logTail(30)).isTrue();
            assertThat(System.nanoTime()).as("offsets %s never reached %s", storedOffsets(db), endOffsets)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** A produced event and where it landed. */
    private record Produced(UsageEvent event, int partition, long offset) {
    }

    /**
     * Publishes the events keyed by org with the gateway's serializer settings, in order. One request in flight: the
     * expected offsets are read back from the sends, so a refused batch must be retried before the next is sent.
     */
    private static List<Produced> produce(List<UsageEvent> events) throws Exception {
        AvroKafkaSerializer<UsageEvent> serializer = new AvroKafkaSerializer<>();
        serializer.configure(AvroSerdes.serializerConfig(SharedInfra.registry().url()), false);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, UsageEvent> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", SharedInfra.kafka().bootstrapServers(), "enable.idempotence", true,
                "acks", "all", "linger.ms", 5, "max.in.flight.requests.per.connection", 1,
                "batch.size", 262_144), new StringSerializer(), serializer)) {
            for (UsageEvent event : events) {
                sent.add(producer.send(new ProducerRecord<>(Topics.USAGE, event.getOrgId(), event)));
            }
        }
        List<Produced> produced = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            RecordMetadata at;
            try {
                at = sent.get(i).get();
            } catch (ExecutionException e) {
                throw new AssertionError("the broker did not take event " + i + ": " + e.getCause()
                        + "\nlast lines of the broker's log:\n" + SharedInfra.kafka().logTail(60), e);
            }
            produced.add(new Produced(events.get(i), at.partition(), at.offset()));
        }
        return produced;
    }

    /** An invoice line's key. */
    private record LineKey(String month, String org, String team, String key, String model, Integer priceVersion) {
    }

    /** An invoice line's sums. */
    private record Totals(long requests, long estimated, long prompt, long completion, long cached, long costMicros) {
        Totals plus(Totals o) {
            return new Totals(requests + o.requests, estimated + o.estimated, prompt + o.prompt,
                    completion + o.completion, cached + o.cached, costMicros + o.costMicros);
        }
    }

    /** The lines the distinct events before {@code offsets} (per partition) add up to. */
    private static Map<LineKey, Totals> expectedLines(List<Produced> produced, Map<Integer, Long> offsets) {
        Map<LineKey, Totals> lines = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (Produced p : produced) {
            UsageEvent e = p.event();
            if (p.offset() >= offsets.getOrDefault(p.partition(), 0L) || !seen.add(e.getEventId())) {
                continue;
            }
            String month = YearMonth.from(e.getCompletedAt().atZone(ZoneOffset.UTC)).atDay(1).toString();
            lines.merge(new LineKey(month, e.getOrgId(), e.getTeamId(), e.getKeyId(), e.getModel(),
                    e.getPriceVersion()), new Totals(1, e.getUsageSource() == UsageSource.ESTIMATED ? 1 : 0,
                    e.getPromptTokens(), e.getCompletionTokens(), e.getCachedTokens(), e.getCostMicros()), Totals::plus);
        }
        return lines;
    }

    private static Map<LineKey, Totals> lines(Connection db) throws SQLException {
        Map<LineKey, Totals> lines = new HashMap<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT invoice_month::text, org_id, "
                + "team_id, key_id, model, price_version, requests, estimated_requests, prompt_tokens, "
                + "completion_tokens, cached_tokens, cost_micros FROM invoice_lines")) {
            while (rs.next()) {
                lines.put(new LineKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), (Integer) rs.getObject(6)), new Totals(rs.getLong(7), rs.getLong(8),
                        rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12)));
            }
        }
        return lines;
    }

    private static Map<Integer, Long> storedOffsets(Connection db) throws SQLException {
        Map<Integer, Long> offsets = new HashMap<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT partition, next_offset FROM "
                + "billing_offsets WHERE consumer = '" + CONSUMER + "'")) {
            while (rs.next()) {
                offsets.put(rs.getInt(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) { // the consumer has not created its tables yet
                return offsets;
            }
            throw e;
        }
        return offsets;
    }

    private static long number(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}

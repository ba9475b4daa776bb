package dev.tollgate.billing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The billing database: invoice lines, the events billed, and the consumer's offsets. {@link #apply} writes a whole
 * batch in one transaction, so the lines and the offsets they came from are committed together or not at all; a
 * crash before the commit leaves both as they were, and the batch is read again.
 */
final class InvoiceStore implements AutoCloseable {

    /**
     * One statement per batch: insert the batch's events into {@code billed_usage}, skipping ids already there
     * (a re-delivery), add only the events just inserted to their invoice lines, and count them. (PostgreSQL runs
     * every data-modifying part of a WITH exactly once, whether or not the final query reads it.)
     */
    private static final String APPLY = """
            WITH batch AS (
                SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[],
                                     ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
                                     ?::bigint[], ?::int[], ?::bigint[])
                    AS b(event_id, org_id, team_id, key_id, model, endpoint_id, price_version, status, usage_source,
                         prompt_tokens, completion_tokens, cached_tokens, cost_micros, completed_at_ms,
                         source_partition, source_offset)
            ), fresh AS (
                INSERT INTO billed_usage (event_id, invoice_month, org_id, team_id, key_id, model, endpoint_id,
                        price_version, status, usage_source, prompt_tokens, completion_tokens, cached_tokens,
                        cost_micros, completed_at, source_partition, source_offset)
                SELECT event_id, date_trunc('month', to_timestamp(completed_at_ms / 1000.0) AT TIME ZONE 'UTC')::date,
                       org_id, team_id, key_id, model, endpoint_id, price_version, status, usage_source,
                       prompt_tokens, completion_tokens, cached_tokens, cost_micros,
                       to_timestamp(completed_at_ms / 1000.0), source_partition, source_offset
                FROM batch
                ON CONFLICT (event_id) DO NOTHING
                RETURNING *
            ), lines AS (
                INSERT INTO invoice_lines AS line (invoice_month, org_id, team_id, key_id, model, price_version,
                        requests, estimated_requests, prompt_tokens, completion_tokens, cached_tokens, cost_micros,
                        first_event_at, last_event_at)
                SELECT invoice_month, org_id, team_id, key_id, model, price_version, count(*),
                       count(*) FILTER (WHERE usage_source = 'ESTIMATED'), sum(prompt_tokens), sum(completion_tokens),
                       sum(cached_tokens), sum(cost_micros), min(completed_at), max(completed_at)
                FROM fresh
                GROUP BY invoice_month, org_id, team_id, key_id, model, price_version
                ON CONFLICT (invoice_month, org_id, team_id, key_id, model, price_version) DO UPDATE SET
                    requests = line.requests + EXCLUDED.requests,
                    estimated_requests = line.estimated_requests + EXCLUDED.estimated_requests,
                    prompt_tokens = line.prompt_tokens + EXCLUDED.prompt_tokens,
                    completion_tokens = line.completion_tokens + EXCLUDED.completion_tokens,
                    cached_tokens = line.cached_tokens + EXCLUDED.cached_tokens,
                    cost_micros = line.cost_micros + EXCLUDED.cost_micros,
                    first_event_at = least(line.first_event_at, EXCLUDED.first_event_at),
                    last_event_at = greatest(line.last_event_at, EXCLUDED.last_event_at)
            )
            SELECT count(*) FROM fresh
            """;

    private static final String SAVE_OFFSETS = """
            INSERT INTO billing_offsets (consumer, topic, partition, next_offset, updated_at)
            SELECT ?, t, p, o, now() FROM unnest(?::text[], ?::int[], ?::bigint[]) AS x(t, p, o)
            ON CONFLICT (consumer, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset,
                updated_at = EXCLUDED.updated_at
            """;

    private final Connection db;
    private final String consumer;

    /** Connects, and creates the tables when they are missing. */
    InvoiceStore(BillingConfig config) throws SQLException {
        this.consumer = config.consumer();
        this.db = DriverManager.getConnection(config.jdbcUrl() + (config.jdbcUrl().contains("?") ? "&" : "?")
                + "ApplicationName=" + config.consumer(), config.user(), config.password());
        try (Statement s = db.createStatement()) {
            s.execute(schema());
        }
        db.setAutoCommit(false);
    }

    /** The committed next offset of each of {@code partitions} that has one. */
    Map<TopicPartition, Long> offsets(Collection<TopicPartition> partitions) throws SQLException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        try (PreparedStatement select = db.prepareStatement(
                "SELECT next_offset FROM billing_offsets WHERE consumer = ? AND topic = ? AND partition = ?")) {
            for (TopicPartition tp : partitions) {
                select.setString(1, consumer);
                select.setString(2, tp.topic());
                select.setInt(3, tp.partition());
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) {
                        offsets.put(tp, rs.getLong(1));
                    }
                }
            }
        }
        db.commit();
        return offsets;
    }

    /**
     * Bills a batch and moves the offsets past it, in one transaction.
     *
     * @return how many of the batch's events were new (the rest had been billed before)
     */
    int apply(UsageBatch batch) throws SQLException {
        try {
            int fresh;
            try (PreparedStatement apply = db.prepareStatement(APPLY)) {
                Object[][] columns = {batch.eventId(), batch.orgId(), batch.teamId(), batch.keyId(), batch.model(),
                    batch.endpointId(), batch.priceVersion(), batch.status(), batch.usageSource(),
                    batch.promptTokens(), batch.completionTokens(), batch.cachedTokens(), batch.costMicros(),
                    batch.completedAtMs(), batch.partition(), batch.offset()};
                String[] types = {"text", "text", "text", "text", "text", "text", "int4", "text", "text", "int8",
                    "int8", "int8", "int8", "int8", "int4", "int8"};
                for (int i = 0; i < columns.length; i++) {
                    apply.setArray(i + 1, array(types[i], columns[i]));
                }
                try (ResultSet inserted = apply.executeQuery()) {
                    inserted.next();
                    fresh = inserted.getInt(1);
                }
            }
            try (PreparedStatement save = db.prepareStatement(SAVE_OFFSETS)) {
                save.setString(1, consumer);
                save.setArray(2, array("text", batch.nextOffsets().keySet().stream().map(TopicPartition::topic)
                        .toArray(String[]::new)));
                save.setArray(3, array("int4", batch.nextOffsets().keySet().stream().map(TopicPartition::partition)
                        .toArray(Integer[]::new)));
                save.setArray(4, array("int8", batch.nextOffsets().values().toArray(Long[]::new)));
                save.executeUpdate();
            }
            db.commit();
            return fresh;
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        }
    }

    private Array array(String type, Object[] values) throws SQLException {
        return db.createArrayOf(type, values);
    }

    private static String schema() {
        try (InputStream in = InvoiceStore.class.getResourceAsStream("billing-schema.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}

package dev.tollgate.connect.rollups;

import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * Gives a {@code tollgate.rollups.v1} record the schema a sink needs: the streams app publishes each rollup window
 * as schemaless JSON (docs/streams.md), which Kafka's {@code JsonConverter} with {@code schemas.enable=false} reads
 * into a map, and a JDBC sink can write only a {@link Struct} with a schema. This transform maps that map onto
 * {@link UsageRollupSchema#SCHEMA}, one flat row per window.
 *
 * <p>Why here and not in the producer: the JSON is a published contract that other readers already use, and
 * giving it a schema at the sink changes nothing upstream. The schema is declared once, in
 * {@link UsageRollupSchema}; a field the streams app adds later is ignored until it is added there, which is the
 * rule the rollups contract already gives its readers (ignore unknown fields).
 *
 * <p>A record whose value is not a rollup document fails with a {@link DataException}; with the connector's
 * {@code errors.tolerance=all} it goes to the dead-letter topic with that message. A tombstone (null value) is
 * dropped: the streams app never writes one, and a window is never deleted from the warehouse.
 *
 * @param <R> the record type
 */
public final class RollupToStruct<R extends ConnectRecord<R>> implements Transformation<R> {

    @Override
    public R apply(R record) {
        if (record.value() == null) {
            return null;
        }
        if (!(record.value() instanceof Map<?, ?> document)) {
            throw new DataException("a rollup must be a JSON object, but the value of " + record.topic() + "-"
                    + record.kafkaPartition() + " is a " + record.value().getClass().getSimpleName()
                    + "; read it with JsonConverter and schemas.enable=false");
        }
        Struct row = UsageRollupSchema.row(document);
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                row.schema(), row, record.timestamp());
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // nothing to configure: the schema is the contract's
    }

    @Override
    public void close() {
        // holds nothing
    }
}

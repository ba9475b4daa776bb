package dev.tollgate.streams.evals;

import java.util.function.Function;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import dev.tollgate.streams.serde.RegistryUnavailableException;

/**
 * Keeps one of the evals global stores (evaluators, runs, examples) in step with its compacted topic: run for every
 * record, and again over the whole topic when the store is restored. The Avro record is turned into the small
 * JSON entry the scorer reads; a tombstone deletes. A record that cannot be decoded or used is logged and skipped,
 * and the previous entry stays: one bad edit must not stop scoring with what was there. A registry outage is
 * thrown, which stops the app (a global thread cannot be replaced) rather than silently skipping an entry.
 *
 * @param <A> the Avro record of the topic
 * @param <E> the entry kept in the store
 */
final class CatalogLoader<A, E> implements Processor<String, byte[], Void, Void> {

    private static final Logger LOG = Logger.getLogger(CatalogLoader.class);

    private final String topic;
    private final String storeName;
    private final Deserializer<A> deserializer;
    private final Function<A, E> entry;
    private final CatalogChanges changes;
    private KeyValueStore<String, E> store;

    /**
     * @param topic        the topic read, for the deserializer and the log
     * @param storeName    the global store written
     * @param deserializer reads the Avro records; closed with the processor
     * @param entry        turns a record into the stored entry; throws IllegalArgumentException when unusable
     * @param changes      counted after every write, for the scorers' caches
     */
    CatalogLoader(String topic, String storeName, Deserializer<A> deserializer, Function<A, E> entry,
                  CatalogChanges changes) {
        this.topic = topic;
        this.storeName = storeName;
        this.deserializer = deserializer;
        this.entry = entry;
        this.changes = changes;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            LOG.warnf("event=evals_catalog_ignored topic=%s reason=\"no key\"", topic);
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
            changes.changed();
            return;
        }
        E value;
        try {
            value = entry.apply(deserializer.deserialize(topic, record.headers(), record.value()));
        } catch (RuntimeException e) {
            if (RegistryUnavailableException.isRegistryOutage(e)) {
                throw new RegistryUnavailableException("schema registry unavailable while loading " + topic, e);
            }
            LOG.warnf("event=evals_catalog_ignored topic=%s key=%s reason=\"%s\"", topic, record.key(), e.getMessage());
            return;
        }
        store.put(record.key(), value);
        changes.changed();
    }

    @Override
    public void close() {
        deserializer.close();
    }
}

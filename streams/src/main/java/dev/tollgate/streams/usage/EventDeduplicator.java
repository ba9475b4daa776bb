package dev.tollgate.streams.usage;

import java.time.Duration;
import java.util.Set;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.jboss.logging.Logger;

import dev.tollgate.events.v1.UsageEvent;

/**
 * Forwards the first copy of each {@code event_id} and drops later copies that arrive within the dedupe horizon.
 *
 * <p>Seen ids live in a window store keyed by event id, at the record's timestamp, with retention equal to the
 * horizon. Kafka Streams drops whole expired segments as stream time advances, so the store is bounded by the event
 * rate times the horizon (segments make it keep an id for between one and about one and a half horizons) instead of
 * growing forever. A copy whose timestamp is more than one horizon away from the first copy's is counted again.
 *
 * <p>No repartition is needed: every copy of an event has the same key (its org id), so all copies are on the same
 * partition and reach the same task and store.
 */
public class EventDeduplicator implements FixedKeyProcessor<String, UsageEvent, UsageEvent> {

    private static final Logger LOG = Logger.getLogger(EventDeduplicator.class);

    private final String storeName;
    private final long horizonMs;
    private WindowStore<String, Long> seen;
    private FixedKeyProcessorContext<String, UsageEvent> context;

    EventDeduplicator(String storeName, Duration horizon) {
        this.storeName = storeName;
        this.horizonMs = horizon.toMillis();
    }

    /** The processor together with its store, to hand to {@code KStream#processValues}. */
    public static FixedKeyProcessorSupplier<String, UsageEvent, UsageEvent> supplier(String storeName,
            Duration horizon) {
        StoreBuilder<WindowStore<String, Long>> store = Stores.windowStoreBuilder(
                Stores.persistentWindowStore(storeName, horizon, horizon, false), Serdes.String(), Serdes.Long());
        return new FixedKeyProcessorSupplier<>() {
            @Override
            public FixedKeyProcessor<String, UsageEvent, UsageEvent> get() {
                return new EventDeduplicator(storeName, horizon);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(store);
            }
        };
    }

    @Override
    public void init(FixedKeyProcessorContext<String, UsageEvent> context) {
        this.context = context;
        this.seen = context.getStateStore(storeName);
    }

    @Override
    public void process(FixedKeyRecord<String, UsageEvent> record) {
        String eventId = record.value().getEventId();
        long at = record.timestamp();
        if (seenWithinHorizon(eventId, at)) {
            LOG.debugf("event=duplicate_dropped event_id=%s org_id=%s", eventId, record.key());
            return;
        }
        seen.put(eventId, at, at);
        context.forward(record);
    }

    private boolean seenWithinHorizon(String eventId, long at) {
        try (WindowStoreIterator<Long> copies = seen.fetch(eventId, Math.max(0, at - horizonMs), at + horizonMs)) {
            return copies.hasNext();
        }
    }
}

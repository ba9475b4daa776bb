package dev.tollgate.streams.intake;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.jboss.logging.Logger;

import dev.tollgate.events.v1.UsageEvent;

/**
 * Forwards the first copy of each usage event and drops later copies. Two ways, by what the event carries:
 *
 * <p><b>Stamped events</b> ({@code producer_id} and {@code producer_sequence}, set by the gateway when it creates the
 * event, kept by every re-publish and journal replay): one {@link ReplayWindow} per producer in this task, a
 * high-water mark and a bitmap of the last {@code windowSize} numbers. A new number is accepted and the window put
 * back in its store; a marked one is a copy. The store has a record cache, so the many puts of one producer between
 * two commits reach RocksDB and the changelog as one write when the task commits: about one changelog record per
 * producer and commit, instead of one per event. The window is written through the store on every event (not kept
 * in a map flushed on a timer) so that under {@code exactly_once_v2} what is committed with the input offsets is
 * always the window that judged that input. A number older than the window (a straggler, or a copy arriving that
 * late) goes to the event-id dedupe below, which is the fallback, rather than being dropped: nothing is lost, at
 * the risk of counting again a copy of an event the window accepted (docs/streams.md,
 * docs/decisions/0025-anti-replay-dedupe.md).
 *
 * <p><b>Unstamped events</b> (older gateways, other producers, and the stamped ones the window cannot judge): a
 * copy is a record with the same {@code event_id} and the same {@code completed_at}: both are part of the event, so
 * every re-delivery carries them unchanged, whatever its record timestamp. Seen events live in a window store keyed
 * by event id, at the event's {@code completed_at}, with retention equal to the horizon. Why {@code completed_at}
 * and not the record timestamp: a re-publish gets a new record timestamp, so finding a copy by record time needs a
 * range scan of ±horizon, which opens a RocksDB iterator on every segment in range for every event; at the exact
 * {@code completed_at} it is a point lookup in one segment. Measured on the streams benchmark's intake floor, both
 * variants one after the other in one run: the whole intake took 18.4 µs per event with the point lookup against
 * 24.8 with the scan (docs/benchmarks.md). Kafka Streams drops whole expired segments as the store's stream time
 * advances, so the store is bounded by the event rate times the horizon.
 *
 * <p>Producers (one per gateway process start) not seen for the horizon are forgotten by a stream-time punctuation,
 * so the window store holds the producers of about one horizon.
 *
 * <p>No repartition is needed: every copy of an event has the same key (its org id), so all copies are on the same
 * partition and reach the same task and stores.
 */
public class EventDeduplicator implements FixedKeyProcessor<String, UsageEvent, UsageEvent> {

    private static final Logger LOG = Logger.getLogger(EventDeduplicator.class);
    /** How often, in stream time, producers idle for the horizon are looked for; the store holds a few dozen. */
    static final Duration EXPIRY_INTERVAL = Duration.ofMinutes(1);

    private final String idStoreName;
    private final String windowStoreName;
    private final Duration horizon;
    private final int windowSize;
    private WindowStore<String, Long> seen;
    private KeyValueStore<String, ReplayWindow> windows;
    private FixedKeyProcessorContext<String, UsageEvent> context;

    EventDeduplicator(String idStoreName, String windowStoreName, Duration horizon, int windowSize) {
        this.idStoreName = idStoreName;
        this.windowStoreName = windowStoreName;
        this.horizon = horizon;
        this.windowSize = windowSize;
    }

    /**
     * The processor together with its two stores, to hand to {@code KStream#processValues}.
     *
     * @param idStoreName     the event-id window store (retention: the horizon)
     * @param windowStoreName the replay windows by producer id (cached, logged)
     * @param horizon         how long an event id, and a producer not seen since, is remembered
     * @param windowSize      sequence numbers per producer window, a multiple of 64
     */
    public static FixedKeyProcessorSupplier<String, UsageEvent, UsageEvent> supplier(String idStoreName,
            String windowStoreName, Duration horizon, int windowSize) {
        ReplayWindow.checkSize(windowSize);
        StoreBuilder<WindowStore<String, Long>> ids = Stores.windowStoreBuilder(
                Stores.persistentWindowStore(idStoreName, horizon, horizon, false), Serdes.String(), Serdes.Long());
        StoreBuilder<KeyValueStore<String, ReplayWindow>> producers = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(windowStoreName), Serdes.String(), ReplayWindow.serde())
                .withCachingEnabled();
        return new FixedKeyProcessorSupplier<>() {
            @Override
            public FixedKeyProcessor<String, UsageEvent, UsageEvent> get() {
                return new EventDeduplicator(idStoreName, windowStoreName, horizon, windowSize);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(ids, producers);
            }
        };
    }

    @Override
    public void init(FixedKeyProcessorContext<String, UsageEvent> context) {
        this.context = context;
        this.seen = context.getStateStore(idStoreName);
        this.windows = context.getStateStore(windowStoreName);
        context.schedule(EXPIRY_INTERVAL, PunctuationType.STREAM_TIME, this::forgetIdleProducers);
    }

    @Override
    public void process(FixedKeyRecord<String, UsageEvent> record) {
        UsageEvent event = record.value();
        String producer = event.getProducerId();
        Long sequence = event.getProducerSequence();
        if (producer != null && !producer.isBlank() && sequence != null && sequence >= 0) {
            ReplayWindow window = windows.get(producer);
            ReplayWindow.Verdict verdict;
            if (window == null) {
                window = ReplayWindow.startingAt(sequence, windowSize, record.timestamp());
                verdict = ReplayWindow.Verdict.NEW;
            } else {
                verdict = window.offer(sequence, record.timestamp());
            }
            switch (verdict) {
                case NEW -> {
                    windows.put(producer, window);
                    context.forward(record);
                    return;
                }
                case DUPLICATE -> {
                    LOG.debugf("event=duplicate_dropped event_id=%s org_id=%s producer_id=%s producer_sequence=%d",
                            event.getEventId(), record.key(), producer, sequence);
                    return;
                }
                case BEFORE_WINDOW -> LOG.debugf("event=sequence_before_window event_id=%s producer_id=%s "
                        + "producer_sequence=%d high_water_mark=%d", event.getEventId(), producer, sequence,
                        window.highWaterMark());
            }
        }
        dedupeById(record);
    }

    private void dedupeById(FixedKeyRecord<String, UsageEvent> record) {
        String eventId = record.value().getEventId();
        long completedAt = record.value().getCompletedAt().toEpochMilli();
        if (seen.fetch(eventId, completedAt) != null) {
            LOG.debugf("event=duplicate_dropped event_id=%s org_id=%s", eventId, record.key());
            return;
        }
        seen.put(eventId, record.timestamp(), completedAt);
        context.forward(record);
    }

    /** Deletes the windows of producers whose latest accepted event is more than the horizon behind stream time. */
    private void forgetIdleProducers(long streamTime) {
        long before = streamTime - horizon.toMillis();
        List<String> idle = new ArrayList<>();
        try (KeyValueIterator<String, ReplayWindow> all = windows.all()) {
            while (all.hasNext()) {
                KeyValue<String, ReplayWindow> entry = all.next();
                if (entry.value.lastSeenMs() < before) {
                    idle.add(entry.key);
                }
            }
        }
        for (String producer : idle) {
            windows.delete(producer);
            LOG.infof("event=producer_forgotten producer_id=%s", producer);
        }
    }
}

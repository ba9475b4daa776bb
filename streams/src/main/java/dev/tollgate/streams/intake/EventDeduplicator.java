package dev.tollgate.streams.intake;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
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
import dev.tollgate.streams.topology.CommitFlush;
import dev.tollgate.streams.topology.LiveCommits;

/**
 * Forwards the first copy of each usage event and drops later copies. Two ways, by what the event carries:
 *
 * <p><b>Stamped events</b> ({@code producer_id} and {@code producer_sequence}, set by the gateway when it creates the
 * event, kept by every re-publish and journal replay): which numbers of each producer the task has seen, as bitmaps
 * of {@value SequenceBlock#NUMBERS} numbers ({@link SequenceBlock}), stored for the dedupe horizon like event ids
 * were. A number not yet marked is accepted and marked; a marked one is a copy, however late it arrives within the
 * horizon. The blocks the task uses are held in memory (read from the store the first time the task needs one) and
 * the ones that changed are written to the store once per commit, from the task's commit hook ({@link CommitFlush}):
 * a busy producer changes one or two blocks between commits, so that is one or two writes and changelog records of
 * {@value SequenceBlock#BYTES} bytes per producer and commit, instead of one per event, and no serialisation per
 * event. Why the commit hook and not a punctuator: the task runs the hook when it flushes its caches for a commit,
 * before it commits the {@code exactly_once_v2} transaction with the input offsets, so what is committed with the
 * offsets is always the blocks that judged that input; a punctuator runs on its own clock.
 *
 * <p>The blocks live in a window store keyed by {@code producer/block}, each at the minute of its latest event, with
 * retention equal to the horizon: Kafka Streams drops whole expired segments as stream time advances, so blocks of
 * producers gone for the horizon (every gateway restart makes a new producer) go without a scan. A block whose
 * latest event moved to a later minute is written at the new minute and deleted at the old one, in the same commit.
 * The store has no record cache (the hook's writes must not wait in one until the next commit).
 *
 * <p>A task that is closed, revoked or crashes loses the held blocks with its processor; the next {@code init}
 * starts with none and reads them from the store, which Kafka Streams restored from the changelog up to the last
 * commit: the blocks of exactly the committed input.
 *
 * <p><b>Unstamped events</b> (older gateways, other producers): a copy is a record with the same {@code event_id} and
 * the same {@code completed_at}: both are part of the event, so every re-delivery carries them unchanged, whatever
 * its record timestamp. Seen events live in a window store keyed by event id, at the event's {@code completed_at},
 * with retention equal to the horizon. Why {@code completed_at} and not the record timestamp: a re-publish gets a new
 * record timestamp, so finding a copy by record time needs a range scan of ±horizon, which opens a RocksDB iterator
 * on every segment in range for every event; at the exact {@code completed_at} it is a point lookup in one segment
 * (18.4 µs per event for the whole intake against 24.8 with the scan, docs/benchmarks.md).
 *
 * <p>No repartition is needed: every copy of an event has the same key (its org id), so all copies are on the same
 * partition and reach the same task and stores.
 */
public class EventDeduplicator implements FixedKeyProcessor<String, UsageEvent, UsageEvent> {

    private static final Logger LOG = Logger.getLogger(EventDeduplicator.class);
    /** How often, in stream time, blocks unused since the last run leave memory (they stay in the store). */
    static final Duration EXPIRY_INTERVAL = Duration.ofMinutes(1);
    /** Blocks are stored at the minute of their latest event, so a busy block is rewritten in place. */
    static final Duration BLOCK_TIME_GRAIN = Duration.ofMinutes(1);
    private static final long NOT_STORED = Long.MIN_VALUE;

    private final String idStoreName;
    private final String blockStoreName;
    /** The blocks of this task in memory; the store has them as of the last commit. */
    private final Map<BlockKey, Held> held = new HashMap<>();
    private WindowStore<String, Long> seen;
    private WindowStore<String, SequenceBlock> blocks;
    private FixedKeyProcessorContext<String, UsageEvent> context;
    private LiveCommits liveCommits;

    /** One block of one producer. */
    record BlockKey(String producer, long index) {

        /** The store key: the producer id, a slash, the block index (a producer id may not be unique without it). */
        String storeKey() {
            return producer + '/' + index;
        }
    }

    /** A block in memory: where it is stored, whether it changed since the last commit, used since the expiry run. */
    private static final class Held {
        final SequenceBlock block;
        long storedAt;
        boolean dirty;
        boolean used = true;

        Held(SequenceBlock block, long storedAt) {
            this.block = block;
            this.storedAt = storedAt;
        }
    }

    EventDeduplicator(String idStoreName, String blockStoreName) {
        this.idStoreName = idStoreName;
        this.blockStoreName = blockStoreName;
    }

    /** The name of the commit hook store of a block store: it holds nothing and has no changelog. */
    static String commitHookName(String blockStoreName) {
        return blockStoreName + CommitFlush.HOOK_SUFFIX;
    }

    /**
     * The processor together with its stores (event ids, sequence blocks, commit hook), to hand to
     * {@code KStream#processValues}.
     *
     * @param idStoreName    the event-id window store (retention: the horizon)
     * @param blockStoreName the producers' sequence blocks (retention: the horizon; logged, no record cache)
     * @param horizon        how long an event id, and a sequence number, is remembered
     */
    public static FixedKeyProcessorSupplier<String, UsageEvent, UsageEvent> supplier(String idStoreName,
            String blockStoreName, Duration horizon) {
        StoreBuilder<WindowStore<String, Long>> ids = Stores.windowStoreBuilder(
                Stores.persistentWindowStore(idStoreName, horizon, horizon, false), Serdes.String(), Serdes.Long());
        StoreBuilder<WindowStore<String, SequenceBlock>> sequences = Stores.windowStoreBuilder(
                Stores.persistentWindowStore(blockStoreName, horizon, BLOCK_TIME_GRAIN, false), Serdes.String(),
                SequenceBlock.serde());
        StoreBuilder<CommitFlush.HookStore> hook = CommitFlush.store(commitHookName(blockStoreName));
        return new FixedKeyProcessorSupplier<>() {
            @Override
            public FixedKeyProcessor<String, UsageEvent, UsageEvent> get() {
                return new EventDeduplicator(idStoreName, blockStoreName);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(ids, sequences, hook);
            }
        };
    }

    @Override
    public void init(FixedKeyProcessorContext<String, UsageEvent> context) {
        this.context = context;
        this.seen = context.getStateStore(idStoreName);
        this.blocks = context.getStateStore(blockStoreName);
        // A revived task runs init again: what was held belonged to the aborted transaction; the store is restored.
        held.clear();
        CommitFlush.HookStore hook = context.getStateStore(commitHookName(blockStoreName));
        hook.onCommit(this::onCommit);
        context.schedule(EXPIRY_INTERVAL, PunctuationType.STREAM_TIME, now -> releaseUnusedBlocks());
        // Every usage event passes here first: the intake sets its task's commit cadence for all capabilities.
        liveCommits = LiveCommits.schedule(context);
    }

    @Override
    public void process(FixedKeyRecord<String, UsageEvent> record) {
        liveCommits.saw(record.timestamp());
        UsageEvent event = record.value();
        String producer = event.getProducerId();
        Long sequence = event.getProducerSequence();
        if (producer == null || producer.isBlank() || sequence == null || sequence < 0) {
            dedupeById(record);
            return;
        }
        Held entry = held.computeIfAbsent(new BlockKey(producer, SequenceBlock.indexOf(sequence)), this::load);
        entry.used = true;
        if (!entry.block.mark(sequence, record.timestamp())) {
            LOG.debugf("event=duplicate_dropped event_id=%s org_id=%s producer_id=%s producer_sequence=%d",
                    event.getEventId(), record.key(), producer, sequence);
            return;
        }
        entry.dirty = true;
        context.forward(record);
    }

    /** The stored block, every stored version merged (there is one unless a move was interrupted), or an empty one. */
    private Held load(BlockKey key) {
        SequenceBlock block = new SequenceBlock();
        long storedAt = NOT_STORED;
        try (WindowStoreIterator<SequenceBlock> versions = blocks.fetch(key.storeKey(), 0L, Long.MAX_VALUE)) {
            while (versions.hasNext()) {
                KeyValue<Long, SequenceBlock> version = versions.next();
                block.addAll(version.value);
                storedAt = Math.max(storedAt, version.key);
            }
        }
        return new Held(block, storedAt);
    }

    /** The commit hook: the blocks changed since the last commit go into this one, and the cadence learns of it. */
    private void onCommit() {
        writeChangedBlocks();
        liveCommits.committed();
    }

    /**
     * Writes every block that changed since the last commit at the minute of its latest event, and
     * deletes it at the minute it was stored at before if that differs, in the transaction of the commit.
     */
    private void writeChangedBlocks() {
        long grain = BLOCK_TIME_GRAIN.toMillis();
        for (Map.Entry<BlockKey, Held> entry : held.entrySet()) {
            Held block = entry.getValue();
            if (!block.dirty) {
                continue;
            }
            String key = entry.getKey().storeKey();
            long at = Math.floorDiv(block.block.lastSeenMs(), grain) * grain;
            if (block.storedAt != NOT_STORED && block.storedAt != at) {
                blocks.put(key, null, block.storedAt);
            }
            blocks.put(key, block.block, at);
            block.storedAt = at;
            block.dirty = false;
        }
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

    /**
     * Drops from memory the blocks neither used nor changed since the last run: they are in the store (a block
     * changed since the last commit was used), and a task would otherwise hold every block of the horizon.
     */
    private void releaseUnusedBlocks() {
        held.values().removeIf(block -> !block.used && !block.dirty);
        held.values().forEach(block -> block.used = false);
    }
}

package dev.tollgate.streams.topology;

import java.util.Map;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * Lets a processor keep decoded aggregates in memory between commits and write them, and publish their latest
 * values, when its task commits: the object-level equivalent of the record cache the DSL puts in front of its
 * stores.
 *
 * <p><b>Why:</b> the rollups update nine windows (three keys, three sizes) per event, each holding two latency
 * sketches. Decoding, updating, re-encoding and publishing every window on every event cost about 0.7 ms of CPU per
 * event; the DSL's record cache does not help, because it caches serialized bytes, so every update still pays the
 * sketch encoding. Buffering the samples and applying them once per window per commit turns nine sketch round
 * trips per event into one per dirty window per commit interval.
 *
 * <p><b>Why it is exactly-once:</b> a task commits by flushing the record caches of its stores (which writes and
 * forwards what they hold), then flushing its producer, then committing the transaction with the input offsets.
 * The {@link HookStore} takes part in the first step as a cached store, so everything the processor writes or
 * forwards from its callback goes into the same transaction as the offsets of the input it buffered. A crash before
 * the commit aborts the transaction and drops the buffer with it; the input is processed again from the last
 * commit. A task that is closed dirty or revived calls the processor's {@code init} again, which must clear the
 * buffer. ({@code StateStore#flush()} is no hook: Kafka 4.1 calls it after the transaction commits, when it
 * checkpoints.) The stores a callback writes must not have a record cache: the task flushes caches in an order of
 * its own, and a cache flushed before the hook would keep the hook's writes until the next commit.
 *
 * <p><b>Internal API:</b> taking part in the cache flush needs Kafka Streams' {@code CachedStateStore} interface, and
 * forwarding from outside {@code process} needs the processor node and a record context set on the task's context,
 * exactly what Kafka Streams' own cache flush listener ({@code TimestampedCacheFlushListener}) does. Both are
 * {@code internals} classes of the pinned Kafka 4.1.1; the unit tests (which run real tasks through
 * {@code TopologyTestDriver}) and the integration tests fail if an upgrade changes them.
 */
public final class CommitFlush {

    private CommitFlush() {
    }

    /** Every hook store's name ends with this, so that topology checks can tell it has no changelog. */
    public static final String HOOK_SUFFIX = "-commit";

    /**
     * A store that holds nothing and runs its processor's callback when the task flushes its caches for a commit.
     * It is not persistent and has no changelog, so it adds no internal topic.
     */
    public static final class HookStore implements StateStore, CachedStateStore<Object, Object> {

        private final String name;
        private Runnable onCommit;
        private boolean open;

        HookStore(String name) {
            this.name = name;
        }

        /** Sets what runs at each commit of the task; the processor sets it in {@code init}. */
        public void onCommit(Runnable callback) {
            this.onCommit = callback;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void init(StateStoreContext context, StateStore root) {
            context.register(root, (key, value) -> {
            });
            open = true;
        }

        @Override
        public void flushCache() {
            if (onCommit != null) {
                onCommit.run();
            }
        }

        @Override
        public void clearCache() {
            // the processor's init, which a revived task runs again, clears its own buffer
        }

        @Override
        public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
            return false;
        }

        @Override
        public void flush() {
            // nothing stored
        }

        @Override
        public void close() {
            onCommit = null;
            open = false;
        }

        @Override
        public boolean persistent() {
            return false;
        }

        @Override
        public boolean isOpen() {
            return open;
        }
    }

    /**
     * Builds a {@link HookStore}; caching and logging settings are ignored, it holds no data.
     *
     * @param name the store's name; it must end with {@link #HOOK_SUFFIX}
     */
    public static StoreBuilder<HookStore> store(String name) {
        if (!name.endsWith(HOOK_SUFFIX)) {
            throw new IllegalArgumentException("a commit hook store's name ends with " + HOOK_SUFFIX + ": " + name);
        }
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<HookStore> withCachingEnabled() {
                return this;
            }

            @Override
            public StoreBuilder<HookStore> withCachingDisabled() {
                return this;
            }

            @Override
            public StoreBuilder<HookStore> withLoggingEnabled(Map<String, String> config) {
                return this;
            }

            @Override
            public StoreBuilder<HookStore> withLoggingDisabled() {
                return this;
            }

            @Override
            public HookStore build() {
                return new HookStore(name);
            }

            @Override
            public Map<String, String> logConfig() {
                return Map.of();
            }

            @Override
            public boolean loggingEnabled() {
                return false;
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    /**
     * Forwards records from a commit callback as if the processor had forwarded them while processing.
     *
     * @param <K> output key type
     * @param <V> output value type
     */
    public static final class Forwarder<K, V> {

        private final InternalProcessorContext<K, V> context;
        private final ProcessorNode<?, ?, ?, ?> node;
        private String topic;
        private int partition = -1;
        private long offset = -1;

        private Forwarder(InternalProcessorContext<K, V> context) {
            this.context = context;
            this.node = context.currentNode();
        }

        /** Remembers where the record being processed came from, to name it as the source of what is forwarded. */
        public void processing(RecordMetadata source) {
            topic = source.topic();
            partition = source.partition();
            offset = source.offset();
        }

        /** Forwards {@code record} to the processor's children; call it only from the commit callback. */
        public void forward(Record<K, V> record) {
            ProcessorNode<?, ?, ?, ?> previousNode = context.currentNode();
            ProcessorRecordContext previousRecord = context.recordContext();
            try {
                context.setCurrentNode(node);
                context.setRecordContext(new ProcessorRecordContext(record.timestamp(), offset, partition, topic,
                        new RecordHeaders()));
                context.forward(record);
            } finally {
                context.setRecordContext(previousRecord);
                context.setCurrentNode(previousNode);
            }
        }
    }

    /**
     * A forwarder for the processor whose {@code init} is running; call it from {@code init}.
     *
     * @param context the processor's context, as given to {@code init}
     */
    @SuppressWarnings("unchecked")
    public static <K, V> Forwarder<K, V> forwarder(ProcessorContext<K, V> context) {
        return new Forwarder<>((InternalProcessorContext<K, V>) context);
    }
}

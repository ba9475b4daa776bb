package dev.tollgate.streams.usage;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.streams.topology.CommitFlush;
import dev.tollgate.streams.topology.ProcessorWithStores;

/**
 * Adds each deduplicated usage event to its org's running totals, and writes the totals of every org that changed
 * to the totals store once per commit of the task ({@link CommitFlush}).
 *
 * <p>Why not the DSL's {@code groupByKey().aggregate()}, which this replaced: its record cache holds serialized
 * bytes, so every event paid a JSON read and a JSON write of its org's totals. Here the totals of an org are read
 * from the store at most once per commit and written once per commit, and in between they are plain objects.
 *
 * <p>The store is the same kind the DSL aggregation built, a persistent timestamped key-value store named
 * {@link UsageTotalsTopology#TOTALS_STORE} with the same JSON values and the same changelog, each value stamped
 * with the newest record timestamp counted in it, so state written by the former topology is read as it is. It has
 * no record cache (see {@link CommitFlush}). Queries see an event in the totals once the commit after it has run,
 * as they did behind the DSL's cache.
 */
public final class OrgTotalsAggregator implements Processor<String, UsageEvent, Void, Void> {

    /** The commit hook store of this processor; it holds no data and has no changelog. */
    public static final String COMMIT_HOOK = "usage-totals" + CommitFlush.HOOK_SUFFIX;

    private TimestampedKeyValueStore<String, OrgUsageTotals> store;
    /** Totals changed since the last commit, by org id. */
    private final Map<String, ValueAndTimestamp<OrgUsageTotals>> changed = new HashMap<>();

    /** The processor with its two stores, for {@code KStream#process}. */
    static ProcessorSupplier<String, UsageEvent, Void, Void> supplier() {
        StoreBuilder<TimestampedKeyValueStore<String, OrgUsageTotals>> totals = Stores.timestampedKeyValueStoreBuilder(
                Stores.persistentTimestampedKeyValueStore(UsageTotalsTopology.TOTALS_STORE), Serdes.String(),
                OrgUsageTotalsSerde.create());
        return ProcessorWithStores.of(OrgTotalsAggregator::new, Set.of(totals, CommitFlush.store(COMMIT_HOOK)));
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(UsageTotalsTopology.TOTALS_STORE);
        // A revived task runs init again: what was held belonged to the aborted transaction.
        changed.clear();
        CommitFlush.HookStore hook = context.getStateStore(COMMIT_HOOK);
        hook.onCommit(this::commit);
    }

    @Override
    public void process(Record<String, UsageEvent> record) {
        String org = record.key();
        if (org == null) {
            return; // as the DSL aggregation did: a record without a key is not counted
        }
        ValueAndTimestamp<OrgUsageTotals> current = changed.get(org);
        if (current == null) {
            current = store.get(org);
        }
        OrgUsageTotals totals = current == null ? OrgUsageTotals.empty() : current.value();
        long timestamp = current == null ? record.timestamp() : Math.max(current.timestamp(), record.timestamp());
        changed.put(org, ValueAndTimestamp.make(totals.add(record.value()), timestamp));
    }

    private void commit() {
        for (Map.Entry<String, ValueAndTimestamp<OrgUsageTotals>> entry : changed.entrySet()) {
            store.put(entry.getKey(), entry.getValue());
        }
        changed.clear();
    }
}

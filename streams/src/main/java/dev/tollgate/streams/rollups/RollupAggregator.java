package dev.tollgate.streams.rollups;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.jboss.logging.Logger;

import dev.tollgate.streams.topology.CommitFlush;

/**
 * Adds each input record to the tumbling 1-minute, 1-hour and 1-day windows of each of its rollup keys in one
 * {@link RollupGroup}, and publishes the updated windows. The org group's input is one {@link RollupSample} per usage
 * event ({@link OfSamples}); the endpoint group's is one {@link RollupPartial} per endpoint, minute and org task
 * commit ({@link OfPartials}).
 *
 * <p>Why a processor over window stores rather than three windowed DSL aggregations per key: the three org
 * dimensions would each need a re-key and so a repartition topic, although all three are already partitioned by
 * org. Here one processor, in the org's task, writes all of them, with grace applied the way the DSL does: an
 * event is dropped once the task's stream time is more than the grace past its window's end. The endpoint group
 * takes the org tasks' judgement carried by each partial ({@link RollupPartial#onTime()}).
 *
 * <p>Why samples are buffered until the task commits ({@link CommitFlush}): each window holds two latency sketches,
 * and decoding, updating and re-encoding them for every event and window dominated the app's cost. The samples of
 * a window are kept in memory and applied, written and published once per commit, inside the commit's
 * transaction; so the stores and {@code tollgate.rollups.v1} carry each dirty window once per commit interval, with
 * its latest value, like a DSL aggregation behind its record cache. Interactive queries see a window's new value
 * once the commit that applies it has run (within {@code commit.interval.ms}).
 */
public abstract class RollupAggregator<V> implements Processor<String, V, String, RollupView> {

    private static final Logger LOG = Logger.getLogger(RollupAggregator.class);

    private final RollupGroup group;
    private final Map<Granularity, Duration> grace;
    private final Map<Granularity, WindowStore<String, Rollup>> stores = new EnumMap<>(Granularity.class);
    /** Samples not yet applied, per window, in the order their windows were first touched since the last commit. */
    private final Map<WindowKey, Pending> pending = new LinkedHashMap<>();
    private ProcessorContext<String, RollupView> context;
    private CommitFlush.Forwarder<String, RollupView> forwarder;

    private RollupAggregator(RollupGroup group, Map<Granularity, Duration> grace) {
        this.group = group;
        this.grace = grace;
    }

    /** How late an event may be for the windows of {@code granularity}. */
    Duration grace(Granularity granularity) {
        return grace.get(granularity);
    }

    /** The rollup keys {@code value}, received under {@code recordKey}, counts towards. */
    abstract List<String> keys(String recordKey, V value);

    /** The time that places {@code value} in its windows. */
    abstract long windowTime(V value, long recordTimestamp);

    /**
     * Whether {@code value} still counts in its window of {@code granularity}, the task's stream time being
     * {@code streamTime}.
     */
    abstract boolean onTime(V value, Granularity granularity, long at, long streamTime);

    /** Adds {@code value} to what one of its windows has pending. */
    abstract void addTo(Pending pending, V value);

    /**
     * The org group: (org), (org, model), (org, key) and, for a key with a team, (org, team); one sample per usage
     * event, in the org's task.
     */
    public static final class OfSamples extends RollupAggregator<RollupSample> {

        /** @param grace how late an event may be per window size */
        public OfSamples(Map<Granularity, Duration> grace) {
            super(RollupGroup.ORG, grace);
        }

        @Override
        List<String> keys(String orgId, RollupSample sample) {
            String org = RollupKey.org(sample.orgId());
            String model = RollupKey.withModel(org, sample.model());
            String key = RollupKey.withKey(org, sample.keyId());
            // A team is a fourth key of the same org task: no re-key, no repartition topic, no new store; only the
            // events of keys that have a team pay for it.
            return sample.teamId() == null ? List.of(org, model, key)
                    : List.of(org, model, key, RollupKey.withTeam(org, sample.teamId()));
        }

        @Override
        long windowTime(RollupSample sample, long recordTimestamp) {
            return recordTimestamp;
        }

        @Override
        boolean onTime(RollupSample sample, Granularity granularity, long at, long streamTime) {
            return granularity.isOpen(at, streamTime, grace(granularity));
        }

        @Override
        void addTo(Pending pending, RollupSample sample) {
            pending.samples.add(sample);
        }
    }

    /** The endpoint group: (endpoint), from the partials of the org tasks, keyed by endpoint id. */
    public static final class OfPartials extends RollupAggregator<RollupPartial> {

        /** @param grace how late an event may be per window size */
        public OfPartials(Map<Granularity, Duration> grace) {
            super(RollupGroup.ENDPOINT, grace);
        }

        @Override
        List<String> keys(String endpointId, RollupPartial partial) {
            return List.of(RollupKey.endpoint(endpointId));
        }

        @Override
        long windowTime(RollupPartial partial, long recordTimestamp) {
            return partial.minuteStartMs();
        }

        /** Judged by the org task that made the partial, against its own stream time ({@link RollupPartial}). */
        @Override
        boolean onTime(RollupPartial partial, Granularity granularity, long at, long streamTime) {
            return partial.countsIn(granularity);
        }

        @Override
        void addTo(Pending pending, RollupPartial partial) {
            pending.partials.add(partial.rollup());
        }
    }

    @Override
    public void init(ProcessorContext<String, RollupView> context) {
        this.context = context;
        for (Granularity granularity : Granularity.values()) {
            stores.put(granularity, context.getStateStore(group.storeName(granularity)));
        }
        // A revived task runs init again: what was buffered belonged to the aborted transaction.
        pending.clear();
        forwarder = CommitFlush.forwarder(context);
        CommitFlush.HookStore hook = context.getStateStore(group.commitHookName());
        hook.onCommit(this::applyPending);
    }

    @Override
    public void process(Record<String, V> record) {
        long at = windowTime(record.value(), record.timestamp());
        long streamTime = context.currentStreamTimeMs();
        context.recordMetadata().ifPresent(forwarder::processing);
        List<String> keys = keys(record.key(), record.value());
        for (Granularity granularity : Granularity.values()) {
            long start = granularity.windowStart(at);
            if (!onTime(record.value(), granularity, at, streamTime)) {
                LOG.debugf("event=rollup_late_event_dropped group=%s granularity=%s timestamp=%d stream_time=%d",
                        group, granularity.label(), at, streamTime);
                continue;
            }
            for (String key : keys) {
                Pending window = pending.computeIfAbsent(new WindowKey(granularity, key, start), w -> new Pending());
                addTo(window, record.value());
                window.latestTimestamp = Math.max(window.latestTimestamp, record.timestamp());
            }
        }
    }

    /** Applies, stores and publishes every buffered window; runs when the task commits. */
    private void applyPending() {
        if (pending.isEmpty()) {
            return;
        }
        for (Map.Entry<WindowKey, Pending> entry : pending.entrySet()) {
            WindowKey window = entry.getKey();
            WindowStore<String, Rollup> store = stores.get(window.granularity());
            Rollup current = store.fetch(window.key(), window.start());
            Rollup next = entry.getValue().applyTo(current == null ? Rollup.empty() : current);
            store.put(window.key(), next, window.start());
            forwarder.forward(new Record<>(window.granularity().label() + "/" + window.start() + "/" + window.key(),
                    RollupView.of(window.granularity(), window.key(), window.start(), next),
                    entry.getValue().latestTimestamp));
        }
        pending.clear();
    }

    /**
     * One window of one rollup key.
     *
     * @param granularity its size
     * @param key         the rollup key
     * @param start       its start, epoch milliseconds
     */
    private record WindowKey(Granularity granularity, String key, long start) {

        /**
         * Mixed explicitly: the record's default combination of similar rollup-key strings and window starts piled
         * thousands of pending windows into few hash buckets (the profile showed the map's tree bins).
         */
        @Override
        public int hashCode() {
            long h = key.hashCode() * 0x9E3779B97F4A7C15L + start * 0xC2B2AE3D27D4EB4FL + granularity.ordinal();
            h ^= h >>> 29;
            h *= 0xBF58476D1CE4E5B9L;
            return (int) (h ^ (h >>> 32));
        }

        /** Written out, like the hash: the record's generated method-handle equality showed in the profile. */
        @Override
        public boolean equals(Object other) {
            if (!(other instanceof WindowKey)) {
                return false;
            }
            WindowKey that = (WindowKey) other;
            return start == that.start && granularity == that.granularity && key.equals(that.key);
        }
    }

    /** What one window received since the last commit, and the newest record timestamp in it. */
    static final class Pending {
        private final List<RollupSample> samples = new ArrayList<>(4);
        private final List<Rollup> partials = new ArrayList<>(2);
        private long latestTimestamp = Long.MIN_VALUE;

        Rollup applyTo(Rollup current) {
            Rollup next = samples.isEmpty() ? current : current.addAll(samples);
            return partials.isEmpty() ? next : next.mergeAll(partials);
        }
    }
}

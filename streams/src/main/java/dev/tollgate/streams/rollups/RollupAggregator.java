package dev.tollgate.streams.rollups;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
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
 * <p>Why records are summed in memory until the task commits ({@link CommitFlush}): each window holds two latency
 * sketches, and decoding, updating and re-encoding them for every event and window dominated the app's cost. A
 * record is added once per rollup key, to a running sum of its minute ({@link KeyMinutes}); at commit each window is
 * assembled from its minutes, merged into its stored value, written and published, inside the commit's transaction.
 * So the stores and {@code tollgate.rollups.v1} carry each dirty window once per commit interval, with its latest
 * value, like a DSL aggregation behind its record cache. Interactive queries see a window's new value once the
 * commit that applies it has run (within {@code commit.interval.ms}).
 *
 * <p>Why the keys stay in memory between commits, with the value each one's newest window of each size had when it
 * was last written ({@link KeyMinutes#written}): the 1-hour and 1-day windows, and the minute of live traffic, change
 * at nearly every commit, and reading each back from RocksDB and decoding its sketches cost as much as writing it.
 * Only this processor writes its stores, and a revived task runs {@link #init} again, which forgets them; so a kept
 * value is always the stored one. A key is forgotten after {@link KeyMinutes#KEEP_IDLE_COMMITS} commits that wrote
 * other keys only, which bounds them by the keys of those commits.
 */
public abstract class RollupAggregator<V> implements Processor<String, V, String, RollupView> {

    private static final Logger LOG = Logger.getLogger(RollupAggregator.class);

    private final RollupGroup group;
    private final Map<Granularity, Duration> grace;
    private final Map<Granularity, WindowStore<String, Rollup>> stores = new EnumMap<>(Granularity.class);
    /** The keys that received something since the last commit, in the order first touched. */
    private final List<KeyMinutes> pending = new ArrayList<>();
    private ProcessorContext<String, RollupView> context;
    private CommitFlush.Forwarder<String, RollupView> forwarder;

    private RollupAggregator(RollupGroup group, Map<Granularity, Duration> grace) {
        this.group = group;
        this.grace = grace;
    }

    /**
     * The window sizes {@code value} still counts in, a bit per {@link Granularity#ordinal()}, the task's stream time
     * being {@code streamTime}.
     */
    abstract int openWindows(V value, long recordTimestamp, long streamTime);

    /**
     * Adds {@code value}, received under {@code recordKey}, to the running sums of its rollup keys (through
     * {@link #minute}), for the window sizes {@code openWindows}.
     */
    abstract void collect(String recordKey, V value, long recordTimestamp, int openWindows);

    /** Forgets the keys for which {@link KeyMinutes#retire} says so; runs after each commit that wrote anything. */
    abstract void retireKeys();

    /** Forgets every key: the task is (re)initialised. */
    abstract void forgetKeys();

    /** The running sum of {@code key}'s minute {@code minuteStartMs} for {@code openWindows}, to add a record to. */
    final KeyMinutes.Minute minute(KeyMinutes key, long minuteStartMs, int openWindows) {
        if (key.idle()) {
            pending.add(key);
        }
        return key.at(minuteStartMs, openWindows);
    }

    /**
     * The org group: (org), (org, model), (org, key) and, for a key with a team, (org, team); one sample per usage
     * event, in the org's task.
     */
    public static final class OfSamples extends RollupAggregator<RollupSample> {

        /** The keys in memory by org id, so that an event's rollup keys are looked up without being built. */
        private final Map<String, OrgKeys> orgs = new HashMap<>();

        /** @param grace how late an event may be per window size */
        public OfSamples(Map<Granularity, Duration> grace) {
            super(RollupGroup.ORG, grace);
        }

        @Override
        int openWindows(RollupSample sample, long recordTimestamp, long streamTime) {
            return RollupPartial.openWindows(recordTimestamp, streamTime, grace());
        }

        @Override
        void collect(String orgId, RollupSample sample, long recordTimestamp, int openWindows) {
            long minute = Granularity.MINUTE.windowStart(recordTimestamp);
            OrgKeys org = orgs.computeIfAbsent(sample.orgId(), id -> new OrgKeys(new KeyMinutes(RollupKey.org(id))));
            String orgKey = org.total.key();
            minute(org.total, minute, openWindows).add(sample, recordTimestamp);
            KeyMinutes model = org.models.computeIfAbsent(sample.model(),
                    id -> new KeyMinutes(RollupKey.withModel(orgKey, id)));
            minute(model, minute, openWindows).add(sample, recordTimestamp);
            KeyMinutes key = org.keys.computeIfAbsent(sample.keyId(),
                    id -> new KeyMinutes(RollupKey.withKey(orgKey, id)));
            minute(key, minute, openWindows).add(sample, recordTimestamp);
            // A team is a fourth key of the same org task: no re-key, no repartition topic, no new store; only the
            // events of keys that have a team pay for it.
            if (sample.teamId() != null) {
                KeyMinutes team = org.teams.computeIfAbsent(sample.teamId(),
                        id -> new KeyMinutes(RollupKey.withTeam(orgKey, id)));
                minute(team, minute, openWindows).add(sample, recordTimestamp);
            }
        }

        /** Every event of an org adds to its total, so an org whose total retires has no key left to keep. */
        @Override
        void retireKeys() {
            orgs.values().removeIf(org -> {
                org.models.values().removeIf(KeyMinutes::retire);
                org.keys.values().removeIf(KeyMinutes::retire);
                org.teams.values().removeIf(KeyMinutes::retire);
                return org.total.retire();
            });
        }

        @Override
        void forgetKeys() {
            orgs.clear();
        }

        /** One org's pending keys: the org itself and its models, API keys and teams by id. */
        private static final class OrgKeys {
            private final KeyMinutes total;
            private final Map<String, KeyMinutes> models = new HashMap<>();
            private final Map<String, KeyMinutes> keys = new HashMap<>();
            private final Map<String, KeyMinutes> teams = new HashMap<>();

            OrgKeys(KeyMinutes total) {
                this.total = total;
            }
        }
    }

    /** The endpoint group: (endpoint), from the partials of the org tasks, keyed by endpoint id. */
    public static final class OfPartials extends RollupAggregator<RollupPartial> {

        private final Map<String, KeyMinutes> endpoints = new HashMap<>();

        /** @param grace how late an event may be per window size */
        public OfPartials(Map<Granularity, Duration> grace) {
            super(RollupGroup.ENDPOINT, grace);
        }

        /** Judged by the org task that made the partial, against its own stream time ({@link RollupPartial}). */
        @Override
        int openWindows(RollupPartial partial, long recordTimestamp, long streamTime) {
            return partial.onTime();
        }

        @Override
        void collect(String endpointId, RollupPartial partial, long recordTimestamp, int openWindows) {
            KeyMinutes endpoint = endpoints.computeIfAbsent(endpointId, id -> new KeyMinutes(RollupKey.endpoint(id)));
            minute(endpoint, partial.minuteStartMs(), openWindows).merge(partial.rollup(), recordTimestamp);
        }

        @Override
        void retireKeys() {
            endpoints.values().removeIf(KeyMinutes::retire);
        }

        @Override
        void forgetKeys() {
            endpoints.clear();
        }
    }

    /** How late an event may be, per window size. */
    Map<Granularity, Duration> grace() {
        return grace;
    }

    @Override
    public void init(ProcessorContext<String, RollupView> context) {
        this.context = context;
        for (Granularity granularity : Granularity.values()) {
            stores.put(granularity, context.getStateStore(group.storeName(granularity)));
        }
        // A revived task runs init again: what was buffered belonged to the aborted transaction, and its stores were
        // restored from their changelogs.
        pending.clear();
        forgetKeys();
        forwarder = CommitFlush.forwarder(context);
        CommitFlush.HookStore hook = context.getStateStore(group.commitHookName());
        hook.onCommit(this::applyPending);
    }

    @Override
    public void process(Record<String, V> record) {
        long streamTime = context.currentStreamTimeMs();
        int open = openWindows(record.value(), record.timestamp(), streamTime);
        if (open != RollupPartial.ALL) {
            logLate(record.timestamp(), streamTime, open);
            if (open == 0) {
                return;
            }
        }
        context.recordMetadata().ifPresent(forwarder::processing);
        collect(record.key(), record.value(), record.timestamp(), open);
    }

    private void logLate(long timestamp, long streamTime, int open) {
        for (Granularity granularity : Granularity.values()) {
            if (!RollupPartial.countsIn(open, granularity)) {
                LOG.debugf("event=rollup_late_event_dropped group=%s granularity=%s timestamp=%d stream_time=%d",
                        group, granularity.label(), timestamp, streamTime);
            }
        }
    }

    /** Assembles, stores and publishes every window that received something; runs when the task commits. */
    private void applyPending() {
        if (pending.isEmpty()) {
            return;
        }
        for (KeyMinutes key : pending) {
            for (Granularity granularity : Granularity.values()) {
                for (KeyMinutes.WindowDelta delta : key.windows(granularity)) {
                    write(key, granularity, delta);
                }
            }
            key.clearMinutes();
        }
        pending.clear();
        retireKeys();
    }

    /** Adds {@code delta} to the stored value of its window of {@code key}, then stores and publishes the sum. */
    private void write(KeyMinutes key, Granularity granularity, KeyMinutes.WindowDelta delta) {
        WindowStore<String, Rollup> store = stores.get(granularity);
        long start = delta.startMs();
        Rollup current = key.written(granularity, start);
        if (current == null) {
            current = store.fetch(key.key(), start);
        }
        Rollup next = current == null ? delta.rollup() : current.mergeAll(List.of(delta.rollup()));
        store.put(key.key(), next, start);
        key.wrote(granularity, start, next);
        forwarder.forward(new Record<>(granularity.label() + "/" + start + "/" + key.key(),
                RollupView.of(granularity, key.key(), start, next), delta.latestTimestamp()));
    }
}

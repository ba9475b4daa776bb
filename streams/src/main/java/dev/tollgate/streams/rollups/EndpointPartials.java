package dev.tollgate.streams.rollups;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.jboss.logging.Logger;

import dev.tollgate.streams.topology.CommitFlush;
import dev.tollgate.streams.topology.ProcessorWithStores;

/**
 * Runs in the org's task and sums its samples per endpoint and minute until the task commits, then forwards one
 * {@link RollupPartial} per endpoint and minute, keyed by endpoint id, towards the endpoint repartition topic.
 *
 * <p>Why: see {@link RollupPartial}. The partials are forwarded from the commit hook ({@link CommitFlush}), so they go
 * into the same transaction as the offsets of the events they sum: a crash loses or doubles none of them. Lateness
 * is judged here, against this org task's stream time, as for the org windows, and each partial names the window
 * sizes it counts in (see {@link RollupPartial} for why not in the endpoint task). A sample with no endpoint (the
 * request was refused before routing) has no endpoint rollup.
 */
final class EndpointPartials implements Processor<String, RollupSample, String, RollupPartial> {

    private static final Logger LOG = Logger.getLogger(EndpointPartials.class);

    /** The commit hook store of this processor; it holds nothing and has no changelog. */
    static final String COMMIT_HOOK = "rollups-endpoint-partials" + CommitFlush.HOOK_SUFFIX;

    private final Map<Granularity, Duration> grace;
    private final Map<MinuteOfEndpoint, Pending> pending = new LinkedHashMap<>();
    private CommitFlush.Forwarder<String, RollupPartial> forwarder;
    private ProcessorContext<String, RollupPartial> context;

    private EndpointPartials(Map<Granularity, Duration> grace) {
        this.grace = grace;
    }

    /** The processor together with its commit hook store, to hand to {@code KStream#process}. */
    static ProcessorSupplier<String, RollupSample, String, RollupPartial> supplier(Map<Granularity, Duration> grace) {
        return ProcessorWithStores.of(() -> new EndpointPartials(grace), Set.of(CommitFlush.store(COMMIT_HOOK)));
    }

    @Override
    public void init(ProcessorContext<String, RollupPartial> context) {
        this.context = context;
        // A revived task runs init again: what was buffered belonged to the aborted transaction.
        pending.clear();
        forwarder = CommitFlush.forwarder(context);
        CommitFlush.HookStore hook = context.getStateStore(COMMIT_HOOK);
        hook.onCommit(this::forwardPartials);
    }

    @Override
    public void process(Record<String, RollupSample> record) {
        RollupSample sample = record.value();
        if (sample.endpointId() == null) {
            return;
        }
        int onTime = RollupPartial.openWindows(record.timestamp(), context.currentStreamTimeMs(), grace);
        if (onTime == 0) {
            LOG.debugf("event=rollup_late_event_dropped group=endpoint timestamp=%d stream_time=%d",
                    record.timestamp(), context.currentStreamTimeMs());
            return;
        }
        context.recordMetadata().ifPresent(forwarder::processing);
        long minute = Granularity.MINUTE.windowStart(record.timestamp());
        pending.computeIfAbsent(new MinuteOfEndpoint(sample.endpointId(), minute, onTime), k -> new Pending())
                .add(sample, record.timestamp());
    }

    private void forwardPartials() {
        for (Map.Entry<MinuteOfEndpoint, Pending> entry : pending.entrySet()) {
            MinuteOfEndpoint at = entry.getKey();
            Pending samples = entry.getValue();
            forwarder.forward(new Record<>(at.endpointId(),
                    new RollupPartial(at.minuteStartMs(), Rollup.empty().addAll(samples.samples), at.onTime()),
                    samples.latestTimestamp));
        }
        pending.clear();
    }

    /**
     * One endpoint's minute, and the window sizes its events are on time for (events of one minute that arrive
     * before and after its 1-minute window closed go in two partials); equality written out, as it is looked up per
     * event (see {@code RollupAggregator}).
     */
    private record MinuteOfEndpoint(String endpointId, long minuteStartMs, int onTime) {

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof MinuteOfEndpoint)) {
                return false;
            }
            MinuteOfEndpoint that = (MinuteOfEndpoint) other;
            return minuteStartMs == that.minuteStartMs && onTime == that.onTime
                    && Objects.equals(endpointId, that.endpointId);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Objects.hashCode(endpointId) + Long.hashCode(minuteStartMs)) + onTime;
        }
    }

    /** The samples of one endpoint minute since the last commit, and the newest record timestamp among them. */
    private static final class Pending {
        private final List<RollupSample> samples = new ArrayList<>(8);
        private long latestTimestamp = Long.MIN_VALUE;

        void add(RollupSample sample, long timestamp) {
            samples.add(sample);
            latestTimestamp = Math.max(latestTimestamp, timestamp);
        }
    }
}

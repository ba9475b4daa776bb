package dev.tollgate.streams.rollups;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
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
    /** The running sums per endpoint id since the last commit ({@link KeyMinutes}), in the order first touched. */
    private final Map<String, KeyMinutes> pending = new LinkedHashMap<>();
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
        // Events of one minute that arrive before and after its 1-minute window closed go in two partials.
        pending.computeIfAbsent(sample.endpointId(), KeyMinutes::new)
                .at(Granularity.MINUTE.windowStart(record.timestamp()), onTime).add(sample, record.timestamp());
    }

    private void forwardPartials() {
        for (KeyMinutes endpoint : pending.values()) {
            for (KeyMinutes.Minute minute : endpoint.minutes()) {
                forwarder.forward(new Record<>(endpoint.key(),
                        new RollupPartial(minute.startMs(), minute.rollup(), minute.openWindows()),
                        minute.latestTimestamp()));
            }
        }
        pending.clear();
    }
}

package dev.tollgate.streams.alerts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.streams.topology.CommitFlush;
import dev.tollgate.streams.topology.ProcessorWithStores;

/**
 * Runs in the org's task of the shared intake and sums its usage per subject (the org, the model, the endpoint) and
 * minute until the task commits, then forwards one {@link UsagePartial} per subject and minute, keyed by the
 * subject's id, towards the repartition topic that brings each subject's usage to one task.
 *
 * <p>Why partials rather than events: the evaluator needs per-minute sums, and a model or endpoint is used by many
 * orgs; a partial per subject and minute per commit costs the repartition topic a few records per commit instead of
 * three per event (the same reasoning as the rollups' endpoint partials). Forwarded from the commit hook
 * ({@link CommitFlush}), so in the transaction of the offsets of the events they sum. The minute is that of the
 * event's {@code completed_at}.
 */
final class UsagePartials implements Processor<String, UsageEvent, String, UsagePartial> {

    private final Map<MinuteOf, Bucket> pending = new LinkedHashMap<>();
    private CommitFlush.Forwarder<String, UsagePartial> forwarder;
    private ProcessorContext<String, UsagePartial> context;

    /** The processor together with its commit hook store, to hand to {@code KStream#process}. */
    static ProcessorSupplier<String, UsageEvent, String, UsagePartial> supplier() {
        return ProcessorWithStores.of(UsagePartials::new, Set.of(CommitFlush.store(AlertTopology.PARTIALS_HOOK)));
    }

    @Override
    public void init(ProcessorContext<String, UsagePartial> context) {
        this.context = context;
        // A revived task runs init again: what was summed belonged to the aborted transaction.
        pending.clear();
        forwarder = CommitFlush.forwarder(context);
        CommitFlush.HookStore hook = context.getStateStore(AlertTopology.PARTIALS_HOOK);
        hook.onCommit(this::forwardPartials);
    }

    @Override
    public void process(Record<String, UsageEvent> record) {
        UsageEvent event = record.value();
        context.recordMetadata().ifPresent(forwarder::processing);
        long minute = Series.minuteOf(event.getCompletedAt().toEpochMilli());
        add(new Subject(Subject.Kind.ORG, event.getOrgId()), minute, event);
        add(new Subject(Subject.Kind.MODEL, event.getModel()), minute, event);
        if (event.getEndpointId() != null) {
            add(new Subject(Subject.Kind.ENDPOINT, event.getEndpointId()), minute, event);
        }
    }

    private void add(Subject subject, long minute, UsageEvent event) {
        pending.computeIfAbsent(new MinuteOf(subject, minute), k -> Bucket.empty()).add(event);
    }

    private void forwardPartials() {
        long now = context.currentSystemTimeMs();
        for (Map.Entry<MinuteOf, Bucket> entry : pending.entrySet()) {
            MinuteOf at = entry.getKey();
            forwarder.forward(new Record<>(at.subject().id(), new UsagePartial(at.subject(), at.minuteStartMs(),
                    entry.getValue()), now));
        }
        pending.clear();
    }

    /** One subject's minute. */
    private record MinuteOf(Subject subject, long minuteStartMs) {
    }
}

package dev.tollgate.streams.budgets;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import dev.tollgate.schemas.CalendarPeriods;
import dev.tollgate.events.v1.BudgetState;
import dev.tollgate.events.v1.BudgetThresholdCrossed;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.topology.CommitFlush;
import dev.tollgate.streams.serde.RegistryUnavailableException;

/**
 * Counts each deduplicated usage event's cost against every budget that applies to it (its org's budget, its
 * team's, its key's), in the budget's current calendar period, and publishes the new {@code BudgetState} and any
 * threshold crossed for the first time in that period.
 *
 * <p>Runs in the task of the event's org partition. Every budget belongs to one org, so all the spend of a budget
 * is counted in one task and one store without a repartition: the spend store is keyed by budget id but
 * partitioned, like the usage topic, by org id.
 *
 * <p>Periods: the spend store keeps the current period of each budget. An event of a later period starts a new one
 * (spend 0, no thresholds fired); an event of an earlier period than the stored one (a late event after a
 * rollover) is not counted against the budget, because the gateway only ever admits against the current period.
 * Budgets count usage processed after their definition arrived; they do not backfill earlier usage.
 *
 * <p>Per commit, not per event ({@link CommitFlush}), because a busy budget changes on almost every event and the
 * Avro state, the store write and its changelog record were a large share of the app's cost:
 * <ul>
 *   <li>the spend of each budget is kept in memory from its first event since the last commit, and written to the
 *       spend store, with one {@code BudgetState} published, when the task commits: each budget whose spend changed
 *       publishes its state once per commit, with the spend after all of that commit's events (the topic is
 *       compacted by budget id, and readers want its latest state);</li>
 *   <li>a threshold crossing is still published by the event that crosses it, once per period;</li>
 *   <li>each org's definitions are read from the global store on its first event and kept until a commit finds
 *       that the global thread changed the store since ({@link DefinitionChanges}), so a new or changed definition
 *       applies from the task's next commit, within {@code commit.interval.ms} of the global thread loading it.</li>
 * </ul>
 * All of it goes into the commit's transaction, so none of it is lost or doubled by a crash.
 */
public class BudgetSpendProcessor implements Processor<String, UsageEvent, String, BudgetOutput> {

    private static final Logger LOG = Logger.getLogger(BudgetSpendProcessor.class);

    private final Serializer<BudgetState> stateSerializer;
    private final Serializer<BudgetThresholdCrossed> eventSerializer;
    private final DefinitionChanges changes;
    /** The count of definition changes when {@link #rulesByOrg} was last emptied. */
    private long changesSeen = -1;
    private ProcessorContext<String, BudgetOutput> context;
    private KeyValueStore<String, BudgetRule> definitions;
    private KeyValueStore<String, BudgetSpend> spend;
    /** Definitions by org id, read since the last change of the definitions store. */
    private final Map<String, List<BudgetRule>> rulesByOrg = new HashMap<>();
    /** Budgets whose spend changed since the last commit, by budget id. */
    private final Map<String, Changed> changed = new LinkedHashMap<>();
    private CommitFlush.Forwarder<String, BudgetOutput> forwarder;

    /**
     * Takes ownership of both serializers and closes them with the processor.
     *
     * @param stateSerializer writes the published {@code BudgetState}s
     * @param eventSerializer writes the published threshold crossings
     * @param changes         tells when the definitions read so far may be stale
     */
    BudgetSpendProcessor(Serializer<BudgetState> stateSerializer, Serializer<BudgetThresholdCrossed> eventSerializer,
            DefinitionChanges changes) {
        this.stateSerializer = stateSerializer;
        this.eventSerializer = eventSerializer;
        this.changes = changes;
    }

    @Override
    public void init(ProcessorContext<String, BudgetOutput> context) {
        this.context = context;
        this.definitions = context.getStateStore(BudgetTopology.DEFINITIONS_STORE);
        this.spend = context.getStateStore(BudgetTopology.SPEND_STORE);
        // A revived task runs init again: what was held belonged to the aborted transaction.
        rulesByOrg.clear();
        changesSeen = changes.count();
        changed.clear();
        forwarder = CommitFlush.forwarder(context);
        CommitFlush.HookStore hook = context.getStateStore(BudgetTopology.COMMIT_HOOK);
        hook.onCommit(this::commit);
    }

    @Override
    public void process(Record<String, UsageEvent> record) {
        UsageEvent event = record.value();
        if (event.getCostMicros() == 0) {
            return;
        }
        context.recordMetadata().ifPresent(forwarder::processing);
        for (BudgetRule rule : budgetsOf(event.getOrgId())) {
            if (rule.appliesTo(event)) {
                count(rule, event, record);
            }
        }
    }

    private List<BudgetRule> budgetsOf(String orgId) {
        return rulesByOrg.computeIfAbsent(orgId, this::readBudgetsOf);
    }

    private List<BudgetRule> readBudgetsOf(String orgId) {
        List<BudgetRule> rules = new ArrayList<>();
        try (KeyValueIterator<String, BudgetRule> it = definitions.prefixScan(
                BudgetTopology.definitionPrefix(orgId), Serdes.String().serializer())) {
            it.forEachRemaining(entry -> rules.add(entry.value));
        }
        return rules;
    }

    private void count(BudgetRule rule, UsageEvent event, Record<String, UsageEvent> record) {
        long at = event.getCompletedAt().toEpochMilli();
        CalendarPeriods.Window window = CalendarPeriods.containing(rule.period(), rule.zone(), event.getCompletedAt());
        Changed pending = changed.get(rule.budgetId());
        BudgetSpend current = pending != null ? pending.spend() : spend.get(rule.budgetId());
        if (current == null || window.startMs() > current.periodStartMs()) {
            current = BudgetSpend.start(window);
        } else if (window.startMs() < current.periodStartMs()) {
            LOG.debugf("event=budget_late_usage_ignored budget_id=%s event_id=%s", rule.budgetId(),
                    event.getEventId());
            return;
        }
        BudgetSpend counted = current.add(event.getCostMicros(), at);
        List<Integer> crossed = BudgetStates.newlyCrossed(rule, counted);
        BudgetSpend next = crossed.isEmpty() ? counted : counted.fired(crossed);
        changed.put(rule.budgetId(), new Changed(rule, next, record.timestamp()));
        for (int percent : crossed) {
            LOG.infof("event=budget_threshold_crossed budget_id=%s threshold=%d spent_micros=%d limit_micros=%d",
                    rule.budgetId(), percent, next.spentMicros(), rule.amountMicros());
            BudgetThresholdCrossed crossing = BudgetStates.crossed(rule, next, percent, at);
            publish(record, rule.budgetId(), new BudgetOutput.Crossed(
                    serialize(() -> eventSerializer.serialize(Topics.BUDGET_EVENTS, crossing))));
        }
    }

    /** Writes and publishes the spend of every budget that changed since the last commit; runs at the commit. */
    private void commit() {
        long changesNow = changes.count();
        if (changesNow != changesSeen) {
            rulesByOrg.clear();
            changesSeen = changesNow;
        }
        for (Map.Entry<String, Changed> entry : changed.entrySet()) {
            Changed budget = entry.getValue();
            spend.put(entry.getKey(), budget.spend());
            byte[] state = serialize(() -> stateSerializer.serialize(Topics.BUDGET_STATE,
                    BudgetStates.state(budget.rule(), budget.spend())));
            forwarder.forward(new Record<>(entry.getKey(), new BudgetOutput.State(state), budget.timestamp()));
        }
        changed.clear();
    }

    /**
     * A budget's spend since the last commit.
     *
     * @param rule      its definition as of its latest event
     * @param spend     its spend after that event
     * @param timestamp that event's record timestamp, which its published state keeps
     */
    private record Changed(BudgetRule rule, BudgetSpend spend, long timestamp) {
    }

    private void publish(Record<String, UsageEvent> source, String budgetId, BudgetOutput output) {
        context.forward(new Record<>(budgetId, output, source.timestamp()));
    }

    private static byte[] serialize(Supplier<byte[]> serialization) {
        try {
            return serialization.get();
        } catch (RuntimeException e) {
            if (RegistryUnavailableException.isRegistryOutage(e)) {
                throw new RegistryUnavailableException("schema registry unavailable while publishing a budget", e);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        stateSerializer.close();
        eventSerializer.close();
    }
}

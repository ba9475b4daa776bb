package dev.tollgate.streams.budgets;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import dev.tollgate.events.v1.BudgetEnforcement;
import dev.tollgate.events.v1.BudgetLeaseGrant;
import dev.tollgate.events.v1.BudgetLeaseRequest;
import dev.tollgate.events.v1.BudgetState;
import dev.tollgate.events.v1.BudgetThresholdCrossed;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.CalendarPeriods;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.serde.RegistryUnavailableException;
import dev.tollgate.streams.topology.CommitFlush;
import dev.tollgate.streams.topology.LiveCommits;

/**
 * Counts each deduplicated usage event's cost against every budget that applies to it (its org's budget, its
 * team's, its key's), in the budget's current calendar period, and publishes the new {@code BudgetState} and any
 * threshold crossed for the first time in that period. For hard budgets it is also their <b>owner</b>: it grants
 * spend leases to gateway replicas, takes them back, settles each against the usage events that name it, and
 * releases the leases of replicas that stopped answering ({@link LeaseDesk}).
 *
 * <p>Runs in the task of the org's partition, for usage and lease requests alike (both topics are keyed by org id
 * and have as many partitions). Every budget belongs to one org, so all the spend and every lease of a budget live
 * in one task and one store record without a repartition: the spend store is keyed by budget id but partitioned,
 * like the usage topic, by org id. Grants are forwarded at once and become visible when the task commits, in the
 * transaction that also stores them: exactly once, so a grant is never made twice, even across a crash.
 *
 * <p>Periods: the spend store keeps the current period of each budget. An event of a later period starts a new one
 * (spend 0, no thresholds fired, no leases); an event of an earlier period than the stored one (a late event after a
 * rollover) is not counted against the budget, because the gateway only ever admits against the current period.
 * A usage event that names a lease belongs to the lease's period, whatever its {@code completed_at}: a request
 * admitted before midnight is paid by the lease of its day. Budgets count usage processed after their definition
 * arrived; they do not backfill earlier usage.
 *
 * <p>Per commit, not per event ({@link CommitFlush}), because a busy budget changes on almost every event and the
 * Avro state, the store write and its changelog record were a large share of the app's cost:
 * <ul>
 *   <li>the spend of each budget is kept in memory from its first event since the last commit, and written to the
 *       spend store, with one {@code BudgetState} published, when the task commits: each budget whose spend changed
 *       publishes its state once per commit, with the spend after all of that commit's events (the topic is
 *       compacted by budget id, and readers want its latest state); a change of its leases alone is stored but
 *       publishes no state;</li>
 *   <li>a threshold crossing is still published by the event that crosses it, once per period;</li>
 *   <li>each org's definitions are read from the global store on its first event and kept until a commit finds
 *       that the global thread changed the store since ({@link DefinitionChanges}), so a new or changed definition
 *       applies from the task's next commit, within {@code commit.interval.ms} of the global thread loading it.</li>
 * </ul>
 * All of it goes into the commit's transaction, so none of it is lost or doubled by a crash. Expired leases are
 * released by a wall-clock punctuation ({@link LeaseTerms#sweepEvery}), in that transaction too.
 */
public class BudgetSpendProcessor implements Processor<String, BudgetInput, String, BudgetOutput> {

    private static final Logger LOG = Logger.getLogger(BudgetSpendProcessor.class);

    private final Serializer<BudgetState> stateSerializer;
    private final Serializer<BudgetThresholdCrossed> eventSerializer;
    private final Serializer<BudgetLeaseGrant> grantSerializer;
    private final DefinitionChanges changes;
    private final LeaseTerms terms;
    /** The count of definition changes when {@link #rulesByOrg} was last emptied. */
    private long changesSeen = -1;
    private ProcessorContext<String, BudgetOutput> context;
    private LiveCommits liveCommits;
    private KeyValueStore<String, BudgetRule> definitions;
    private KeyValueStore<String, BudgetSpend> spend;
    /** Definitions by org id, read since the last change of the definitions store. */
    private final Map<String, List<BudgetRule>> rulesByOrg = new HashMap<>();
    /** Budgets whose spend or leases changed since the last commit, by budget id. */
    private final Map<String, Changed> changed = new LinkedHashMap<>();
    /** Budgets of this task that hold leases, for the sweep; rebuilt from the store when the task starts. */
    private final Set<String> leased = new HashSet<>();
    private CommitFlush.Forwarder<String, BudgetOutput> forwarder;

    /**
     * Takes ownership of the serializers and closes them with the processor.
     *
     * @param stateSerializer writes the published {@code BudgetState}s
     * @param eventSerializer writes the published threshold crossings
     * @param grantSerializer writes the published lease grants
     * @param changes         tells when the definitions read so far may be stale
     * @param terms           how hard budgets are leased out
     */
    BudgetSpendProcessor(Serializer<BudgetState> stateSerializer, Serializer<BudgetThresholdCrossed> eventSerializer,
            Serializer<BudgetLeaseGrant> grantSerializer, DefinitionChanges changes, LeaseTerms terms) {
        this.stateSerializer = stateSerializer;
        this.eventSerializer = eventSerializer;
        this.grantSerializer = grantSerializer;
        this.changes = changes;
        this.terms = terms;
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
        leased.clear();
        try (KeyValueIterator<String, BudgetSpend> all = spend.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value != null && !entry.value.leases().isEmpty()) {
                    leased.add(entry.key);
                }
            });
        }
        forwarder = CommitFlush.forwarder(context);
        CommitFlush.HookStore hook = context.getStateStore(BudgetTopology.COMMIT_HOOK);
        hook.onCommit(this::commit);
        context.schedule(terms.sweepEvery(), PunctuationType.WALL_CLOCK_TIME, this::sweep);
        liveCommits = LiveCommits.schedule(context);
    }

    @Override
    public void process(Record<String, BudgetInput> record) {
        context.recordMetadata().ifPresent(forwarder::processing);
        if (record.value() instanceof BudgetInput.Usage usage) {
            process(record, usage.event());
        } else if (record.value() instanceof BudgetInput.LeaseRequest lease) {
            liveCommits.sawLive(); // a gateway request waits for the grant, whatever the backlog of usage
            process(lease.request());
        }
    }

    private void process(Record<String, BudgetInput> record, UsageEvent event) {
        if (event.getCostMicros() == 0) {
            return;
        }
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

    private void count(BudgetRule rule, UsageEvent event, Record<String, BudgetInput> record) {
        long at = event.getCompletedAt().toEpochMilli();
        String leaseId = event.getBudgetLeases() == null ? null : event.getBudgetLeases().get(rule.budgetId());
        long leasePeriod = BudgetLease.periodStartOf(leaseId);
        CalendarPeriods.Window window = CalendarPeriods.containing(rule.period(), rule.zone(),
                leasePeriod == Long.MIN_VALUE ? event.getCompletedAt() : Instant.ofEpochMilli(leasePeriod));
        BudgetSpend current = current(rule.budgetId());
        if (current == null || window.startMs() > current.periodStartMs()) {
            current = BudgetSpend.start(window);
        } else if (window.startMs() < current.periodStartMs()) {
            LOG.debugf("event=budget_late_usage_ignored budget_id=%s event_id=%s", rule.budgetId(),
                    event.getEventId());
            return;
        }
        BudgetSpend counted = current.add(event.getCostMicros(), at);
        if (leaseId != null) {
            counted = LeaseDesk.settle(counted, leaseId, event.getCostMicros());
        } else if (rule.enforcement() == BudgetEnforcement.HARD) {
            counted = counted.unleased(event.getCostMicros());
        }
        List<Integer> crossed = BudgetStates.newlyCrossed(rule, counted);
        BudgetSpend next = crossed.isEmpty() ? counted : counted.fired(crossed);
        changed(rule.budgetId(), new Changed(rule, next, record.timestamp(), true));
        for (int percent : crossed) {
            LOG.infof("event=budget_threshold_crossed budget_id=%s threshold=%d spent_micros=%d limit_micros=%d",
                    rule.budgetId(), percent, next.spentMicros(), rule.amountMicros());
            BudgetThresholdCrossed crossing = BudgetStates.crossed(rule, next, percent, at);
            publish(record.timestamp(), rule.budgetId(), new BudgetOutput.Crossed(
                    serialize(() -> eventSerializer.serialize(Topics.BUDGET_EVENTS, crossing))));
        }
    }

    /** Answers a lease request (at most once) after applying the leases it returns. */
    private void process(BudgetLeaseRequest request) {
        long now = context.currentSystemTimeMs();
        boolean asks = request.getRequestedMicros() > 0 || request.getMinMicros() > 0;
        boolean fresh = now - request.getSentAt().toEpochMilli() <= terms.ttl().toMillis();
        BudgetRule rule = hardRule(request.getOrgId(), request.getBudgetId());
        if (rule == null) {
            if (asks && fresh) {
                grant(request, LeaseDesk.unknown(request, now));
            }
            return;
        }
        CalendarPeriods.Window window = CalendarPeriods.containing(rule.period(), rule.zone(), Instant.ofEpochMilli(now));
        BudgetSpend current = current(rule.budgetId());
        if (current == null || window.startMs() > current.periodStartMs()) {
            current = BudgetSpend.start(window);
        }
        BudgetSpend next = LeaseDesk.applyReturns(current, request.getReplicaId(), request.getReturns(), now);
        if (asks && fresh) {
            LeaseDesk.Answer answer = LeaseDesk.decide(rule, next, request, now, terms);
            next = answer.spend();
            if (answer.grant() != null) {
                grant(request, answer.grant());
            }
        } else if (asks) {
            LOG.debugf("event=lease_request_stale budget_id=%s replica=%s age_ms=%d", request.getBudgetId(),
                    request.getReplicaId(), now - request.getSentAt().toEpochMilli());
        }
        if (!next.equals(current)) {
            changed(rule.budgetId(), new Changed(rule, next, now, false));
        }
    }

    private BudgetRule hardRule(String orgId, String budgetId) {
        for (BudgetRule rule : budgetsOf(orgId)) {
            if (rule.budgetId().equals(budgetId)) {
                return rule.enforcement() == BudgetEnforcement.HARD ? rule : null;
            }
        }
        return null;
    }

    private void grant(BudgetLeaseRequest request, BudgetLeaseGrant grant) {
        LOG.debugf("event=lease_answered budget_id=%s replica=%s status=%s granted_micros=%d outstanding_micros=%d "
                        + "spent_micros=%d", grant.getBudgetId(), grant.getReplicaId(), grant.getStatus(),
                grant.getGrantedMicros(), grant.getOutstandingMicros(), grant.getSpentMicros());
        publish(context.currentSystemTimeMs(), request.getOrgId(), new BudgetOutput.Grant(
                serialize(() -> grantSerializer.serialize(Topics.BUDGET_LEASE_GRANTS, grant))));
    }

    /** Releases, on the wall clock, the leases no replica can still be paying from ({@link LeaseDesk#sweep}). */
    private void sweep(long now) {
        for (String budgetId : List.copyOf(leased)) {
            Changed pending = changed.get(budgetId);
            BudgetSpend current = pending != null ? pending.spend() : spend.get(budgetId);
            if (current == null) {
                leased.remove(budgetId);
                continue;
            }
            LeaseDesk.Sweep sweep = LeaseDesk.sweep(current, now, terms);
            if (sweep.released() > 0) {
                LOG.infof("event=leases_released budget_id=%s leases=%d freed_micros=%d", budgetId, sweep.released(),
                        sweep.releasedMicros());
                changed(budgetId, new Changed(pending == null ? null : pending.rule(), sweep.spend(), now, false));
            }
        }
    }

    private BudgetSpend current(String budgetId) {
        Changed pending = changed.get(budgetId);
        return pending != null ? pending.spend() : spend.get(budgetId);
    }

    /** Records a budget's change since the last commit; its state is published at the commit if any change asks. */
    private void changed(String budgetId, Changed change) {
        Changed before = changed.get(budgetId);
        Changed merged = before == null ? change : new Changed(change.rule() != null ? change.rule() : before.rule(),
                change.spend(), change.publish() ? change.timestamp() : before.timestamp(),
                change.publish() || before.publish());
        changed.put(budgetId, merged);
        if (merged.spend().leases().isEmpty()) {
            leased.remove(budgetId);
        } else {
            leased.add(budgetId);
        }
    }

    /** Writes and publishes the spend of every budget that changed since the last commit; runs at the commit. */
    private void commit() {
        liveCommits.committed();
        long changesNow = changes.count();
        if (changesNow != changesSeen) {
            rulesByOrg.clear();
            changesSeen = changesNow;
        }
        for (Map.Entry<String, Changed> entry : changed.entrySet()) {
            Changed budget = entry.getValue();
            spend.put(entry.getKey(), budget.spend());
            if (budget.publish() && budget.rule() != null) {
                byte[] state = serialize(() -> stateSerializer.serialize(Topics.BUDGET_STATE,
                        BudgetStates.state(budget.rule(), budget.spend())));
                forwarder.forward(new Record<>(entry.getKey(), new BudgetOutput.State(state), budget.timestamp()));
            }
        }
        changed.clear();
    }

    /**
     * A budget's spend and leases since the last commit.
     *
     * @param rule      its definition as of its latest change; null when only the sweep changed it
     * @param spend     its spend and leases after that change
     * @param timestamp the record timestamp its published state keeps: that of its latest usage event
     * @param publish   whether its spend changed, so that its state is published at the commit
     */
    private record Changed(BudgetRule rule, BudgetSpend spend, long timestamp, boolean publish) {
    }

    private void publish(long timestamp, String key, BudgetOutput output) {
        context.forward(new Record<>(key, output, timestamp));
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
        grantSerializer.close();
    }
}

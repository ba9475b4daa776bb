package dev.tollgate.streams.budgets;

import java.util.List;
import java.util.Set;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.topology.CommitFlush;
import dev.tollgate.streams.topology.ProcessorWithStores;
import dev.tollgate.streams.topology.StreamsApplication;
import dev.tollgate.streams.serde.JsonStoreSerde;

/**
 * The budgets sub-topology: spend per budget and calendar period from the deduplicated usage stream, and the spend
 * leases of hard budgets, granted to gateway replicas by the task that counts the budget's spend.
 *
 * <pre>
 * tollgate.budgets.v1 (budget id, raw bytes)
 *   budgets-definitions-source -> budgets-definitions-load   [global store budgets-definitions: org id + budget id -> BudgetRule]
 *
 * deduplicated usage (org id, UsageEvent)   shared with usage totals and rollups
 *   budgets-usage-in                                         UsageEvent -> BudgetInput.Usage
 * tollgate.budget-lease-requests.v1 (org id, raw bytes)
 *   budgets-lease-requests-source
 *   budgets-lease-requests-decode                            -> BudgetInput.LeaseRequest
 *   budgets-in              merges both, keyed by org id
 *   budgets-spend           [store budgets-spend: budget id -> BudgetSpend with its leases; reads budgets-definitions]
 *   budgets-out-
 *     budgets-out-state      budgets-state-unwrap  -> budgets-state-sink  -> tollgate.budget-state.v1
 *     budgets-out-grant      budgets-grants-unwrap -> budgets-grants-sink -> tollgate.budget-lease-grants.v1
 *     budgets-out-crossed    budgets-events-unwrap -> budgets-events-sink -> tollgate.budget-events.v1
 * </pre>
 *
 * <p>Why a global store of definitions rather than a (Global)KTable join: a usage event must meet every budget of
 * its org, its team and its key, which a key join cannot express without fanning the event out through a
 * repartition topic. Definitions are few and every instance needs them all (as does the gateway), so a global store,
 * indexed by org for a prefix scan, lets the spend be counted in the org's own task with no repartition. A global
 * store is restored from its source topic, so it adds no changelog; {@link #INTERNAL_TOPICS} lists what this adds.
 *
 * <p>Why lease requests are keyed by org id, not budget id: the spend of a budget is counted in the task of its
 * org's usage partition, and the owner of a budget's leases must be that same task, so that grants, returns and the
 * usage that settles them change one record in one transaction. A lease request topic with as many partitions as the
 * usage topic, keyed the same way, reaches that task with no repartition ({@code Topics.BUDGET_LEASE_REQUESTS}).
 */
public final class BudgetTopology {

    public static final String DEFINITIONS_SOURCE = "budgets-definitions-source";
    public static final String DEFINITIONS_LOAD = "budgets-definitions-load";
    public static final String SPEND = "budgets-spend";
    public static final String OUT = "budgets-out-";
    public static final String STATE = "state";
    public static final String CROSSED = "crossed";
    public static final String STATE_UNWRAP = "budgets-state-unwrap";
    public static final String STATE_SINK = "budgets-state-sink";
    public static final String EVENTS_UNWRAP = "budgets-events-unwrap";
    public static final String EVENTS_SINK = "budgets-events-sink";
    public static final String USAGE_IN = "budgets-usage-in";
    public static final String LEASE_REQUESTS_SOURCE = "budgets-lease-requests-source";
    public static final String LEASE_REQUESTS_DECODE = "budgets-lease-requests-decode";
    public static final String IN = "budgets-in";
    public static final String GRANT = "grant";
    public static final String GRANTS_UNWRAP = "budgets-grants-unwrap";
    public static final String GRANTS_SINK = "budgets-grants-sink";

    /** Budget definitions by org id then budget id (a global store, not logged: the source topic is compacted). */
    public static final String DEFINITIONS_STORE = "budgets-definitions";
    /** Spend per budget id in its current period. */
    public static final String SPEND_STORE = "budgets-spend";
    /** Tells {@code budgets-spend} when its task commits ({@link CommitFlush}); no data, no changelog. */
    public static final String COMMIT_HOOK = "budgets-commit";

    /** The internal topics this sub-topology makes Kafka Streams create: one changelog, no repartition topic. */
    public static final List<String> INTERNAL_TOPICS = List.of(StreamsApplication.changelogTopic(SPEND_STORE));

    /** Separates org id and budget id in a definitions-store key; ids never contain it. */
    private static final char SEPARATOR = '\u0000';

    private BudgetTopology() {
    }

    /** The definitions-store key of budget {@code budgetId} of org {@code orgId}. */
    public static String definitionKey(String orgId, String budgetId) {
        return definitionPrefix(orgId) + budgetId;
    }

    /** The prefix every definitions-store key of {@code orgId}'s budgets starts with. */
    public static String definitionPrefix(String orgId) {
        return orgId + SEPARATOR;
    }

    /**
     * Adds the sub-topology to {@code builder}.
     *
     * @param builder the application's builder
     * @param usage   the deduplicated usage stream, keyed by org id
     * @param serdes  the Avro serdes, one set per task
     * @param terms   how hard budgets are leased out
     */
    public static void contribute(StreamsBuilder builder, KStream<String, UsageEvent> usage, BudgetSerdes serdes,
            LeaseTerms terms) {
        StoreBuilder<KeyValueStore<String, BudgetRule>> definitions = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DEFINITIONS_STORE), Serdes.String(),
                JsonStoreSerde.create(BudgetRule.class)).withLoggingDisabled();
        DefinitionChanges changes = new DefinitionChanges();
        builder.addGlobalStore(definitions, Topics.BUDGETS,
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(DEFINITIONS_SOURCE),
                () -> new BudgetDefinitionLoader(serdes.definitions().get(), changes));

        KStream<String, BudgetInput> leaseRequests = builder.stream(Topics.BUDGET_LEASE_REQUESTS,
                        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(LEASE_REQUESTS_SOURCE)
                                .withTimestampExtractor(new LeaseRequestsFirst()))
                .process(() -> new LeaseRequestDecoder(serdes.leaseRequests().get()), Named.as(LEASE_REQUESTS_DECODE));
        KStream<String, BudgetInput> input = usage
                .<BudgetInput>mapValues(BudgetInput.Usage::new, Named.as(USAGE_IN))
                .merge(leaseRequests, Named.as(IN));

        StoreBuilder<KeyValueStore<String, BudgetSpend>> spend = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(SPEND_STORE), Serdes.String(), JsonStoreSerde.create(BudgetSpend.class));
        // No record cache on the spend store: the processor writes it from its commit hook, and a cache whose own
        // flush had already run in that commit would hold those writes until the next one, after the input
        // offsets they belong to were committed.
        StoreBuilder<CommitFlush.HookStore> commitHook = CommitFlush.store(COMMIT_HOOK);
        ProcessorSupplier<String, BudgetInput, String, BudgetOutput> processor = ProcessorWithStores.of(
                () -> new BudgetSpendProcessor(serdes.states().get(), serdes.events().get(), serdes.grants().get(),
                        changes, terms),
                Set.of(spend, commitHook));
        input.process(processor, Named.as(SPEND))
                .split(Named.as(OUT))
                .branch((key, out) -> out instanceof BudgetOutput.State,
                        Branched.withConsumer(states -> states.mapValues(BudgetOutput::value, Named.as(STATE_UNWRAP))
                                .to(Topics.BUDGET_STATE, Produced.with(Serdes.String(), Serdes.ByteArray())
                                        .withName(STATE_SINK)), STATE))
                .branch((key, out) -> out instanceof BudgetOutput.Grant,
                        Branched.withConsumer(grants -> grants.mapValues(BudgetOutput::value, Named.as(GRANTS_UNWRAP))
                                .to(Topics.BUDGET_LEASE_GRANTS, Produced.with(Serdes.String(), Serdes.ByteArray())
                                        .withName(GRANTS_SINK)), GRANT))
                .defaultBranch(Branched.withConsumer(events -> events.mapValues(BudgetOutput::value,
                                Named.as(EVENTS_UNWRAP))
                        .to(Topics.BUDGET_EVENTS, Produced.with(Serdes.String(), Serdes.ByteArray())
                                .withName(EVENTS_SINK)), CROSSED));
    }
}

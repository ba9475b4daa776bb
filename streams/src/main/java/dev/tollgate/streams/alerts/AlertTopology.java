package dev.tollgate.streams.alerts;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.serde.JsonStoreSerde;
import dev.tollgate.streams.topology.CommitFlush;
import dev.tollgate.streams.topology.ProcessorWithStores;
import dev.tollgate.streams.topology.StreamsApplication;

/**
 * The alerts sub-topology: rules evaluated against usage, endpoint health, vLLM load and budget thresholds, and a
 * state machine per rule and subject that publishes every transition to {@code tollgate.alerts.v1}.
 *
 * <pre>
 * tollgate.alert-rules.v1 (rule id, raw bytes)
 *   alerts-rules-source -> alerts-rules-load          [global store alerts-rules: rule id -> Rule]
 *
 * deduplicated usage (org id, UsageEvent)   shared with the other capabilities
 *   alerts-usage-partial        per commit: one UsagePartial per subject (org, model, endpoint) and minute; key: subject id
 *   alerts-usage-partials       repartition topic, 6 partitions
 *   alerts-usage-signal
 * tollgate.endpoint-health.v1 (endpoint id)  alerts-health-source -> alerts-health-signal
 * tollgate.endpoint-load.v1   (endpoint id)  alerts-load-source   -> alerts-load-signal
 * tollgate.budget-events.v1   (budget id)    alerts-budget-source -> alerts-budget-signal
 *   alerts-merge-health, alerts-merge-load, alerts-merge-budget
 *   alerts-evaluate             [alerts-series, alerts-signals, alerts-state; reads alerts-rules]
 *   alerts-sink                 -> tollgate.alerts.v1 (key: fingerprint)
 * </pre>
 *
 * <p>Why every input is keyed by its subject's id and has six partitions: the four inputs meet in one task per
 * partition, so each subject's usage, health reports, load samples or threshold events, and its alerts, are in one
 * task, which is what makes one state machine own each alert. The repartition topic's partition count is set to the
 * usage topic's, like the three topics the gateways and the budgets capability write ({@code TopicsTest} keeps them
 * equal). Rules are a global store: every instance evaluates every rule against the subjects it owns.
 */
public final class AlertTopology {

    public static final String RULES_SOURCE = "alerts-rules-source";
    public static final String RULES_LOAD = "alerts-rules-load";
    public static final String PARTIALS = "alerts-usage-partial";
    /** The repartition by subject id; its topic is {@code tollgate-streams-alerts-usage-partials-repartition}. */
    public static final String PARTIALS_REPARTITION = "alerts-usage-partials";
    public static final String USAGE_SIGNAL = "alerts-usage-signal";
    public static final String HEALTH_SOURCE = "alerts-health-source";
    public static final String HEALTH_SIGNAL = "alerts-health-signal";
    public static final String LOAD_SOURCE = "alerts-load-source";
    public static final String LOAD_SIGNAL = "alerts-load-signal";
    public static final String BUDGET_SOURCE = "alerts-budget-source";
    public static final String BUDGET_SIGNAL = "alerts-budget-signal";
    public static final String MERGE_HEALTH = "alerts-merge-health";
    public static final String MERGE_LOAD = "alerts-merge-load";
    public static final String MERGE_BUDGET = "alerts-merge-budget";
    public static final String EVALUATE = "alerts-evaluate";
    public static final String SINK = "alerts-sink";

    /** Rules by id (a global store, not logged: restored from its compacted source topic). */
    public static final String RULES_STORE = "alerts-rules";
    /** The last hours of usage per subject, by minute. */
    public static final String SERIES_STORE = "alerts-series";
    /** Health reports, load samples and threshold crossings per subject. */
    public static final String SIGNALS_STORE = "alerts-signals";
    /** The current state of every alert, by fingerprint; what {@code GET /v1/alerts} reads. */
    public static final String STATE_STORE = "alerts-state";
    /** Tells {@code alerts-usage-partial} when its task commits ({@link CommitFlush}); no data, no changelog. */
    public static final String PARTIALS_HOOK = "alerts-usage-partials" + CommitFlush.HOOK_SUFFIX;

    /** The internal topics this sub-topology makes Kafka Streams create: three changelogs and one repartition. */
    public static final List<String> INTERNAL_TOPICS = List.of(
            StreamsApplication.changelogTopic(SERIES_STORE),
            StreamsApplication.changelogTopic(SIGNALS_STORE),
            StreamsApplication.changelogTopic(STATE_STORE),
            StreamsApplication.APPLICATION_ID + "-" + PARTIALS_REPARTITION + "-repartition");

    private AlertTopology() {
    }

    /**
     * Adds the sub-topology to {@code builder}.
     *
     * @param builder  the application's builder
     * @param usage    the deduplicated usage stream, keyed by org id
     * @param serdes   the Avro serdes, one set per task
     * @param settings evaluation interval and retention
     */
    public static void contribute(StreamsBuilder builder, KStream<String, UsageEvent> usage, AlertSerdes serdes,
                                  AlertsConfig.Settings settings) {
        AtomicLong ruleChanges = new AtomicLong();
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RULES_STORE),
                        Serdes.String(), JsonStoreSerde.create(Rule.class)).withLoggingDisabled(),
                Topics.ALERT_RULES, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(RULES_SOURCE),
                () -> new RuleLoader(serdes.deserializer().get(), ruleChanges));

        int partitions = Topics.spec(Topics.USAGE).partitions();
        KStream<String, Signal> partials = usage.process(UsagePartials.supplier(), Named.as(PARTIALS))
                .repartition(Repartitioned.with(Serdes.String(), UsagePartial.serde())
                        .withName(PARTIALS_REPARTITION).withNumberOfPartitions(partitions))
                .mapValues(partial -> (Signal) new Signal.Usage(partial), Named.as(USAGE_SIGNAL));
        KStream<String, Signal> health = encoded(builder, Topics.ENDPOINT_HEALTH, HEALTH_SOURCE, HEALTH_SIGNAL,
                Signal.Source.HEALTH);
        KStream<String, Signal> load = encoded(builder, Topics.ENDPOINT_LOAD, LOAD_SOURCE, LOAD_SIGNAL,
                Signal.Source.LOAD);
        KStream<String, Signal> budgets = encoded(builder, Topics.BUDGET_EVENTS, BUDGET_SOURCE, BUDGET_SIGNAL,
                Signal.Source.BUDGET);

        StoreBuilder<KeyValueStore<String, Series>> seriesStore = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(SERIES_STORE), Serdes.String(), Series.serde());
        StoreBuilder<KeyValueStore<String, Signals>> signalsStore = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(SIGNALS_STORE), Serdes.String(), JsonStoreSerde.create(Signals.class));
        StoreBuilder<KeyValueStore<String, Alert>> stateStore = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STATE_STORE), Serdes.String(), JsonStoreSerde.create(Alert.class));
        partials.merge(health, Named.as(MERGE_HEALTH))
                .merge(load, Named.as(MERGE_LOAD))
                .merge(budgets, Named.as(MERGE_BUDGET))
                .process(ProcessorWithStores.of(() -> new AlertEvaluator(serdes.deserializer().get(),
                                serdes.transitions().get(), ruleChanges, settings),
                        Set.of(seriesStore, signalsStore, stateStore)), Named.as(EVALUATE))
                .to(Topics.ALERTS, Produced.with(Serdes.String(), Serdes.ByteArray()).withName(SINK));
    }

    private static KStream<String, Signal> encoded(StreamsBuilder builder, String topic, String sourceName,
                                                   String signalName, Signal.Source source) {
        return builder.stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(sourceName))
                .mapValues(bytes -> (Signal) new Signal.Encoded(source, bytes), Named.as(signalName));
    }
}

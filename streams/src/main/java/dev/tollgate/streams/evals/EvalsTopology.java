package dev.tollgate.streams.evals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import dev.tollgate.events.v1.RequestEvent;
import dev.tollgate.evals.stats.ScoreStats;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.deadletter.DeadLetter;
import dev.tollgate.streams.deadletter.DeadLetterWriter;
import dev.tollgate.streams.serde.JsonStoreSerde;
import dev.tollgate.streams.topology.ProcessorWithStores;
import dev.tollgate.streams.topology.StreamsApplication;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The evals sub-topology: scores requests as they arrive, and aggregates every score, whoever gave it.
 *
 * <pre>
 * tollgate.evaluators.v1, tollgate.eval-runs.v1, tollgate.dataset-examples.v1
 *   evals-*-source -> evals-*-load        [global stores evals-evaluators, evals-runs, evals-examples]
 *
 * decoded requests (org id, RequestEvent)   from the request intake
 *   evals-score                          selects and samples evaluators; scores deterministic ones; key: score id
 *   evals-out-
 *     evals-out-scored  evals-scores-unwrap -> evals-scores-sink -> tollgate.eval-scores.v1
 *     evals-out-job     evals-jobs-unwrap   -> evals-jobs-sink   -> tollgate.eval-jobs.v1   (the evals worker)
 *
 * tollgate.eval-scores.v1 (score id, raw bytes)   from this app, the evals worker and backfills
 *   evals-scores-source, evals-scores-decode
 *   evals-scores-split-
 *     evals-scores-split-rejected  evals-dlq-unwrap, evals-dlq-write -> evals-dlq-sink -> tollgate.evals-dlq.v1
 *     evals-scores-split-accepted  evals-scores-unwrap-accepted
 *       evals-dedupe                  [store evals-dedupe-ids: window store by score id, retention 8 days]
 *       evals-by-evaluator            repartition by evaluator id
 *         evals-windows               [store evals-windows: 1 h windows per evaluator version, model, endpoint]
 *       evals-runs-only -> evals-by-run   repartition by run id
 *         evals-run-examples          [store evals-run-examples: run, evaluator version, model, example -> score]
 * </pre>
 *
 * Every name is explicit; the internal topics ({@link #INTERNAL_TOPICS}) are a deployment contract.
 */
public final class EvalsTopology {

    public static final String EVALUATORS_SOURCE = "evals-evaluators-source";
    public static final String EVALUATORS_LOAD = "evals-evaluators-load";
    public static final String RUNS_SOURCE = "evals-runs-source";
    public static final String RUNS_LOAD = "evals-runs-load";
    public static final String EXAMPLES_SOURCE = "evals-examples-source";
    public static final String EXAMPLES_LOAD = "evals-examples-load";
    public static final String SCORE = "evals-score";
    public static final String OUT = "evals-out-";
    public static final String SCORED = "scored";
    public static final String JOB = "job";
    public static final String SCORES_UNWRAP = "evals-scores-unwrap";
    public static final String SCORES_SINK = "evals-scores-sink";
    public static final String JOBS_UNWRAP = "evals-jobs-unwrap";
    public static final String JOBS_SINK = "evals-jobs-sink";
    public static final String SCORES_SOURCE = "evals-scores-source";
    public static final String SCORES_DECODE = "evals-scores-decode";
    public static final String SCORES_SPLIT = "evals-scores-split-";
    public static final String ACCEPTED = "accepted";
    public static final String REJECTED = "rejected";
    public static final String ACCEPTED_UNWRAP = "evals-scores-unwrap-accepted";
    public static final String DLQ_UNWRAP = "evals-dlq-unwrap";
    public static final String DLQ_WRITE = "evals-dlq-write";
    public static final String DLQ_SINK = "evals-dlq-sink";
    public static final String DEDUPE = "evals-dedupe";
    public static final String BY_EVALUATOR = "evals-by-evaluator";
    public static final String WINDOWS = "evals-windows";
    public static final String RUNS_ONLY = "evals-runs-only";
    public static final String BY_RUN = "evals-by-run";
    public static final String RUN_EXAMPLES = "evals-run-examples";

    /** Evaluators by id (global: every instance scores with all of them). */
    public static final String EVALUATORS_STORE = "evals-evaluators";
    /** Eval runs by id (global). */
    public static final String RUNS_STORE = "evals-runs";
    /** Dataset examples by {@code dataset/example} (global). */
    public static final String EXAMPLES_STORE = "evals-examples";
    /** Seen score ids. */
    public static final String DEDUPE_STORE = "evals-dedupe-ids";
    /** Hourly statistics per evaluator version, model and endpoint. */
    public static final String WINDOWS_STORE = "evals-windows";
    /** Scores of eval runs by run, evaluator version, model and example. */
    public static final String RUN_EXAMPLES_STORE = "evals-run-examples";

    /** Longer than {@code tollgate.requests.v1}'s retention (7 days), the furthest a backfill can reach. */
    public static final Duration DEDUPE_HORIZON = Duration.ofDays(8);
    /** How long hourly windows are kept, and accept late scores (backfills). */
    public static final Duration WINDOW_RETENTION = Duration.ofDays(35);

    /** The internal topics this sub-topology makes Kafka Streams create: three changelogs, two repartitions. */
    public static final List<String> INTERNAL_TOPICS = List.of(
            StreamsApplication.changelogTopic(DEDUPE_STORE),
            StreamsApplication.changelogTopic(WINDOWS_STORE),
            StreamsApplication.changelogTopic(RUN_EXAMPLES_STORE),
            StreamsApplication.APPLICATION_ID + "-" + BY_EVALUATOR + "-repartition",
            StreamsApplication.APPLICATION_ID + "-" + BY_RUN + "-repartition");

    private EvalsTopology() {
    }

    /**
     * Adds the sub-topology to {@code builder}.
     *
     * @param builder  the application's builder
     * @param requests the decoded request stream, keyed by org id
     * @param serdes   the Avro serdes, one set per task
     * @param metrics  where the scorer's counters go
     */
    public static void contribute(StreamsBuilder builder, KStream<String, RequestEvent> requests, EvalsSerdes serdes,
                                  MeterRegistry metrics) {
        CatalogChanges changes = new CatalogChanges();
        catalog(builder, changes, serdes);
        score(requests, changes, serdes, metrics);
        aggregate(builder, serdes);
    }

    private static void catalog(StreamsBuilder builder, CatalogChanges changes, EvalsSerdes serdes) {
        builder.addGlobalStore(globalStore(EVALUATORS_STORE, EvaluatorEntry.class), Topics.EVALUATORS,
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(EVALUATORS_SOURCE),
                () -> new CatalogLoader<>(Topics.EVALUATORS, EVALUATORS_STORE, serdes.evaluators().get(),
                        EvaluatorEntry::of, changes));
        builder.addGlobalStore(globalStore(RUNS_STORE, RunEntry.class), Topics.EVAL_RUNS,
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(RUNS_SOURCE),
                () -> new CatalogLoader<>(Topics.EVAL_RUNS, RUNS_STORE, serdes.runs().get(), RunEntry::of, changes));
        builder.addGlobalStore(globalStore(EXAMPLES_STORE, ExampleEntry.class), Topics.DATASET_EXAMPLES,
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(EXAMPLES_SOURCE),
                () -> new CatalogLoader<>(Topics.DATASET_EXAMPLES, EXAMPLES_STORE, serdes.examples().get(),
                        ExampleEntry::of, changes));
    }

    private static <E> StoreBuilder<KeyValueStore<String, E>> globalStore(String name, Class<E> type) {
        // Not logged: a global store is restored from its source topic, which is compacted.
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(),
                JsonStoreSerde.create(type)).withLoggingDisabled();
    }

    private static void score(KStream<String, RequestEvent> requests, CatalogChanges changes, EvalsSerdes serdes,
                              MeterRegistry metrics) {
        ProcessorSupplier<String, RequestEvent, String, EvalOutput> scorer = ProcessorWithStores.of(
                () -> new EvalScorer(serdes.scoresOut().get(), serdes.jobs().get(), changes, metrics), Set.of());
        requests.process(scorer, Named.as(SCORE))
                .split(Named.as(OUT))
                .branch((scoreId, out) -> out instanceof EvalOutput.Scored,
                        Branched.withConsumer(scored -> scored.mapValues(EvalOutput::value, Named.as(SCORES_UNWRAP))
                                .to(Topics.EVAL_SCORES, Produced.with(Serdes.String(), Serdes.ByteArray())
                                        .withName(SCORES_SINK)), SCORED))
                .defaultBranch(Branched.withConsumer(jobs -> jobs.mapValues(EvalOutput::value, Named.as(JOBS_UNWRAP))
                        .to(Topics.EVAL_JOBS, Produced.with(Serdes.String(), Serdes.ByteArray())
                                .withName(JOBS_SINK)), JOB));
    }

    private static void aggregate(StreamsBuilder builder, EvalsSerdes serdes) {
        Map<String, KStream<String, Object>> branches = builder
                .stream(Topics.EVAL_SCORES, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(SCORES_SOURCE))
                .processValues(() -> new ScoreDecoder(serdes.scoresIn().get()), Named.as(SCORES_DECODE))
                .split(Named.as(SCORES_SPLIT))
                .branch((key, decoded) -> decoded instanceof DeadLetter,
                        Branched.withConsumer(EvalsTopology::deadLetter, REJECTED))
                .defaultBranch(Branched.as(ACCEPTED));
        Serde<ScoredRequest> scored = JsonStoreSerde.create(ScoredRequest.class);
        KStream<String, ScoredRequest> unique = branches.get(SCORES_SPLIT + ACCEPTED)
                .mapValues(decoded -> (ScoredRequest) decoded, Named.as(ACCEPTED_UNWRAP))
                .processValues(dedupe(), Named.as(DEDUPE));

        unique.selectKey((scoreId, score) -> score.evaluatorId(), Named.as(BY_EVALUATOR + "-key"))
                .repartition(Repartitioned.with(Serdes.String(), scored).withName(BY_EVALUATOR))
                .process(ProcessorWithStores.of(EvalWindows::new, Set.of(windowsStore())), Named.as(WINDOWS));
        unique.filter((scoreId, score) -> score.runId() != null && score.exampleId() != null, Named.as(RUNS_ONLY))
                .selectKey((scoreId, score) -> score.runId(), Named.as(BY_RUN + "-key"))
                .repartition(Repartitioned.with(Serdes.String(), scored).withName(BY_RUN))
                .process(ProcessorWithStores.of(RunExamples::new, Set.of(runExamplesStore(scored))),
                        Named.as(RUN_EXAMPLES));
    }

    private static FixedKeyProcessorSupplier<String, ScoredRequest, ScoredRequest> dedupe() {
        StoreBuilder<WindowStore<String, Long>> store = Stores.windowStoreBuilder(
                Stores.persistentWindowStore(DEDUPE_STORE, DEDUPE_HORIZON, DEDUPE_HORIZON, false), Serdes.String(),
                Serdes.Long());
        return new FixedKeyProcessorSupplier<>() {
            @Override
            public ScoreDeduplicator get() {
                return new ScoreDeduplicator();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(store);
            }
        };
    }

    private static StoreBuilder<WindowStore<String, ScoreStats>> windowsStore() {
        return Stores.windowStoreBuilder(Stores.persistentWindowStore(WINDOWS_STORE, WINDOW_RETENTION,
                Duration.ofMillis(EvalWindows.HOUR_MS), false), Serdes.String(), JsonStoreSerde.create(ScoreStats.class));
    }

    private static StoreBuilder<KeyValueStore<String, ScoredRequest>> runExamplesStore(Serde<ScoredRequest> scored) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RUN_EXAMPLES_STORE), Serdes.String(), scored);
    }

    private static void deadLetter(KStream<String, Object> rejected) {
        rejected.mapValues(decoded -> (DeadLetter) decoded, Named.as(DLQ_UNWRAP))
                .processValues(DeadLetterWriter::new, Named.as(DLQ_WRITE))
                .to(Topics.EVALS_DLQ, Produced.with(Serdes.String(), Serdes.ByteArray()).withName(DLQ_SINK));
    }
}

package dev.tollgate.streams.evals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tollgate.evals.stats.ScoreStats;

/**
 * Reads the evals stores of this instance: an evaluator's hourly windows, a run's scores by example, the run and
 * dataset catalogs. Each method reads what this instance holds; {@link EvalsResource} routes a query to the
 * instance that owns its key first. Store reads may throw {@code InvalidStateStoreException} while the app starts
 * or rebalances, which the routing answers with 503.
 */
@ApplicationScoped
public class EvalsQuery {

    private static final StringSerializer KEYS = new StringSerializer();

    private final KafkaStreams streams;

    @Inject
    public EvalsQuery(KafkaStreams streams) {
        this.streams = streams;
    }

    /**
     * One evaluator version's statistics for one model and endpoint: overall and per hour.
     *
     * @param version    evaluator version
     * @param model      the model
     * @param endpointId the endpoint, or null
     * @param summary    every window together
     * @param windows    per hour, oldest first
     */
    record Series(@JsonProperty("version") int version, @JsonProperty("model") String model,
                  @JsonProperty("endpoint_id") String endpointId, @JsonProperty("summary") StatsView summary,
                  @JsonProperty("windows") List<WindowView> windows) {
    }

    /**
     * One hour.
     *
     * @param start the hour's start
     * @param stats its statistics
     */
    record WindowView(@JsonProperty("start") String start, @JsonProperty("stats") StatsView stats) {
    }

    /** What {@link #windows} filters on: any of version, model, endpoint may be null (any). */
    record SeriesFilter(Integer version, String model, String endpointId) {
        boolean matches(int v, String m, String e) {
            return (version == null || version == v) && (model == null || model.equals(m))
                    && (endpointId == null || endpointId.equals(e));
        }
    }

    /** An evaluator's windows from {@code from} to {@code to}, as raw statistics per series key. */
    Map<SeriesKey, TreeMap<Long, ScoreStats>> windows(String evaluatorId, Instant from, Instant to,
                                                      SeriesFilter filter) {
        ReadOnlyWindowStore<String, ScoreStats> store = streams.store(StoreQueryParameters.fromNameAndType(
                EvalsTopology.WINDOWS_STORE, QueryableStoreTypes.windowStore()));
        String low = evaluatorId + EvalWindows.SEPARATOR;
        String high = low + '\uffff';
        Map<SeriesKey, TreeMap<Long, ScoreStats>> series = new LinkedHashMap<>();
        try (KeyValueIterator<Windowed<String>, ScoreStats> all = store.fetch(low, high, from, to)) {
            while (all.hasNext()) {
                KeyValue<Windowed<String>, ScoreStats> window = all.next();
                SeriesKey key = SeriesKey.parse(window.key.key());
                if (key != null && key.evaluatorId().equals(evaluatorId)
                        && filter.matches(key.version(), key.model(), key.endpointId())) {
                    series.computeIfAbsent(key, k -> new TreeMap<>())
                            .merge(window.key.window().start(), window.value, ScoreStats::merge);
                }
            }
        }
        return series;
    }

    /** The windows as the API shows them. */
    static List<Series> seriesView(Map<SeriesKey, TreeMap<Long, ScoreStats>> windows) {
        List<Series> out = new ArrayList<>();
        windows.forEach((key, byHour) -> {
            ScoreStats total = byHour.values().stream().reduce(ScoreStats.EMPTY, ScoreStats::merge);
            List<WindowView> hours = new ArrayList<>();
            byHour.forEach((start, stats) -> hours.add(new WindowView(Instant.ofEpochMilli(start).toString(),
                    StatsView.of(stats))));
            out.add(new Series(key.version(), key.model(), key.endpointId(), StatsView.of(total), hours));
        });
        return out;
    }

    /** The identity of one series of windows: evaluator version, model, endpoint. */
    record SeriesKey(String evaluatorId, int version, String model, String endpointId) {
        static SeriesKey parse(String key) {
            String[] parts = key.split(String.valueOf(EvalWindows.SEPARATOR), -1);
            if (parts.length != 4) {
                return null;
            }
            return new SeriesKey(parts[0], Integer.parseInt(parts[1]), parts[2],
                    parts[3].isEmpty() ? null : parts[3]);
        }
    }

    /** The run, as the catalog holds it, or null. */
    RunEntry run(String runId) {
        ReadOnlyKeyValueStore<String, RunEntry> runs = streams.store(StoreQueryParameters.fromNameAndType(
                EvalsTopology.RUNS_STORE, QueryableStoreTypes.keyValueStore()));
        return runs.get(runId);
    }

    /** How many examples the dataset has, as the catalog holds them. */
    long exampleCount(String datasetId) {
        ReadOnlyKeyValueStore<String, ExampleEntry> examples = streams.store(StoreQueryParameters.fromNameAndType(
                EvalsTopology.EXAMPLES_STORE, QueryableStoreTypes.keyValueStore()));
        long count = 0;
        try (KeyValueIterator<String, ExampleEntry> all = examples.prefixScan(datasetId + "/", KEYS)) {
            while (all.hasNext()) {
                all.next();
                count++;
            }
        }
        return count;
    }

    /** Every score of the run that {@code filter} keeps, in key order (evaluator, version, model, example). */
    List<ScoredRequest> runScores(String runId, Predicate<ScoredRequest> filter) {
        ReadOnlyKeyValueStore<String, ScoredRequest> store = streams.store(StoreQueryParameters.fromNameAndType(
                EvalsTopology.RUN_EXAMPLES_STORE, QueryableStoreTypes.keyValueStore()));
        List<ScoredRequest> scores = new ArrayList<>();
        try (KeyValueIterator<String, ScoredRequest> all = store.prefixScan(RunExamples.prefix(runId), KEYS)) {
            while (all.hasNext()) {
                ScoredRequest score = all.next().value;
                if (score != null && filter.test(score)) {
                    scores.add(score);
                }
            }
        }
        return scores;
    }
}

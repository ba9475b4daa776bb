package dev.tollgate.streams.rollups;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.serde.JsonStoreSerde;
import dev.tollgate.streams.topology.CommitFlush;
import dev.tollgate.streams.topology.ProcessorWithStores;
import dev.tollgate.streams.topology.StreamsApplication;

/**
 * The rollups sub-topology: tumbling 1-minute, 1-hour and 1-day windows of the deduplicated usage stream.
 *
 * <pre>
 * deduplicated usage (org id, UsageEvent)
 *   rollups-sample                 UsageEvent -> RollupSample
 *   rollups-org-aggregate          [rollups-org-1m, rollups-org-1h, rollups-org-1d]  -> rollups-org-sink
 *   rollups-endpoint-partial       per commit: one RollupPartial per endpoint and minute, key: endpoint id
 *   rollups-endpoint-partials      repartition topic
 *   rollups-endpoint-aggregate     [rollups-endpoint-1m, -1h, -1d]                   -> rollups-endpoint-sink
 *                                                                                    -> tollgate.rollups.v1
 * </pre>
 *
 * The windows use the record timestamp (the gateway sets it at publish, about {@code completed_at}). The endpoint
 * windows are fed per-minute partials rather than events ({@link RollupPartial} says why); the repartition topic
 * was {@code tollgate-streams-rollups-by-endpoint-repartition}, one sample per event, before.
 */
public final class RollupTopology {

    public static final String SAMPLE = "rollups-sample";
    /** Sums the org task's samples per endpoint and minute ({@link EndpointPartials}). */
    public static final String ENDPOINT_PARTIAL = "rollups-endpoint-partial";
    /**
     * The repartition by endpoint id; its topic is {@code tollgate-streams-rollups-endpoint-partials-repartition}.
     */
    public static final String ENDPOINT_REPARTITION = "rollups-endpoint-partials";

    /** Every internal topic this sub-topology makes Kafka Streams create: six changelogs and one repartition. */
    public static final List<String> INTERNAL_TOPICS;

    static {
        List<String> topics = new ArrayList<>();
        for (RollupGroup group : RollupGroup.values()) {
            for (Granularity granularity : Granularity.values()) {
                topics.add(StreamsApplication.changelogTopic(group.storeName(granularity)));
            }
        }
        topics.add(StreamsApplication.APPLICATION_ID + "-" + ENDPOINT_REPARTITION + "-repartition");
        INTERNAL_TOPICS = List.copyOf(topics);
    }

    private RollupTopology() {
    }

    /**
     * Adds the sub-topology to {@code builder}.
     *
     * @param usage    the deduplicated usage stream, keyed by org id
     * @param config   grace and retention per window size
     */
    public static void contribute(KStream<String, UsageEvent> usage, RollupConfig config) {
        KStream<String, RollupSample> samples = usage.mapValues(RollupSample::of, Named.as(SAMPLE));
        aggregate(samples, RollupGroup.ORG, config, RollupAggregator.OfSamples::new);
        KStream<String, RollupPartial> byEndpoint = samples
                .process(EndpointPartials.supplier(grace(config)), Named.as(ENDPOINT_PARTIAL))
                .repartition(Repartitioned.with(Serdes.String(), RollupPartialSerde.create())
                        .withName(ENDPOINT_REPARTITION));
        aggregate(byEndpoint, RollupGroup.ENDPOINT, config, RollupAggregator.OfPartials::new);
    }

    private static Map<Granularity, Duration> grace(RollupConfig config) {
        Map<Granularity, Duration> grace = new EnumMap<>(Granularity.class);
        for (Granularity granularity : Granularity.values()) {
            grace.put(granularity, config.grace(granularity));
        }
        return grace;
    }

    private static <V> void aggregate(KStream<String, V> input, RollupGroup group, RollupConfig config,
            Function<Map<Granularity, Duration>, RollupAggregator<V>> aggregator) {
        Map<Granularity, Duration> grace = grace(config);
        Set<StoreBuilder<?>> stores = new HashSet<>();
        stores.add(CommitFlush.store(group.commitHookName()));
        for (Granularity granularity : Granularity.values()) {
            stores.add(Stores.windowStoreBuilder(
                    Stores.persistentWindowStore(group.storeName(granularity), config.retention(granularity),
                            granularity.size(), false),
                    Serdes.String(), RollupSerde.create()));
        }
        ProcessorSupplier<String, V, String, RollupView> supplier =
                ProcessorWithStores.of(() -> aggregator.apply(grace), stores);
        input.process(supplier, Named.as(group.processorName()))
                .to(Topics.ROLLUPS, Produced.with(Serdes.String(), Serdes.serdeFrom(new RollupViewSerializer(),
                        JsonStoreSerde.create(RollupView.class).deserializer()))
                        .withName(group.sinkName()));
    }
}

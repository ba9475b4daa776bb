package dev.tollgate.streams.usage;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Supplier;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.app.StreamsApplication;
import dev.tollgate.streams.deadletter.DeadLetterWriter;

/**
 * The usage-totals sub-topology: running totals per org from {@code tollgate.usage.v1}, each event counted once.
 *
 * <pre>
 * tollgate.usage.v1 (String org id, raw bytes)
 *   usage-source
 *   usage-decode          Avro via the registry + plausibility rules
 *   usage-split-
 *     usage-split-rejected  usage-dlq-unwrap, usage-dlq-write  -> usage-dlq-sink -> tollgate.usage-dlq.v1
 *     usage-split-accepted  usage-unwrap
 *       usage-dedupe         [store usage-dedupe-ids: window store, retention = dedupe horizon]
 *       usage-totals         [store usage-totals-by-org: timestamped key-value, org id -> OrgUsageTotals JSON]
 *                            written once per org and commit (OrgTotalsAggregator); the key already is the org id
 * </pre>
 *
 * Every name is explicit: processor names fix the task layout, store names fix the changelog topics. The internal
 * topics ({@link #INTERNAL_TOPICS}) are a deployment contract: renaming a store abandons its state.
 */
public final class UsageTotalsTopology {

    public static final String SOURCE = "usage-source";
    public static final String DECODE = "usage-decode";
    public static final String SPLIT = "usage-split-";
    public static final String ACCEPTED = "accepted";
    public static final String REJECTED = "rejected";
    public static final String UNWRAP = "usage-unwrap";
    public static final String DLQ_UNWRAP = "usage-dlq-unwrap";
    public static final String DLQ_WRITE = "usage-dlq-write";
    public static final String DLQ_SINK = "usage-dlq-sink";
    public static final String DEDUPE = "usage-dedupe";
    public static final String AGGREGATE = "usage-totals";

    /** Seen event ids, a window store bounded by the dedupe horizon. */
    public static final String DEDUPE_STORE = "usage-dedupe-ids";
    /** Totals per org id, queried by the HTTP API. */
    public static final String TOTALS_STORE = "usage-totals-by-org";

    /** The internal topics this sub-topology makes Kafka Streams create: two changelogs, no repartition topic. */
    public static final List<String> INTERNAL_TOPICS = List.of(
            StreamsApplication.changelogTopic(DEDUPE_STORE),
            StreamsApplication.changelogTopic(TOTALS_STORE));

    /** The deduplicated usage stream already added to a builder, so that every capability shares one dedupe. */
    private static final Map<StreamsBuilder, KStream<String, UsageEvent>> DEDUPLICATED =
            Collections.synchronizedMap(new WeakHashMap<>());

    private UsageTotalsTopology() {
    }

    /**
     * The decoded, validated and deduplicated usage stream of {@code builder} (key: org id), adding the source,
     * decode, dead-letter and dedupe nodes on first use and returning the same stream afterwards.
     *
     * <p>Why shared: budgets, rollups and totals must count the same events. One source and one dedupe store mean
     * one read of the usage topic and one set of seen ids, instead of one per capability; and Kafka Streams allows
     * a topic to be the source of only one node anyway. The capabilities are composed in name order on every
     * instance, so whichever asks first builds the same nodes with the same names.
     *
     * @param builder       the application's builder
     * @param dedupeHorizon how long an event id is remembered, see {@link UsageSettings#dedupeHorizon()}
     * @param deserializers makes one value deserializer per task; each is closed with its task
     */
    public static KStream<String, UsageEvent> deduplicated(StreamsBuilder builder, Duration dedupeHorizon,
            Supplier<Deserializer<UsageEvent>> deserializers) {
        return DEDUPLICATED.computeIfAbsent(builder, b -> buildDeduplicated(b, dedupeHorizon, deserializers));
    }

    /**
     * Adds the sub-topology to {@code builder}: the shared {@link #deduplicated} stream, then the totals.
     *
     * @param builder        the application's builder
     * @param dedupeHorizon  how long an event id is remembered, see {@link UsageSettings#dedupeHorizon()}
     * @param deserializers  makes one value deserializer per task; each is closed with its task
     */
    public static void contribute(StreamsBuilder builder, Duration dedupeHorizon,
            Supplier<Deserializer<UsageEvent>> deserializers) {
        deduplicated(builder, dedupeHorizon, deserializers)
                .process(OrgTotalsAggregator.supplier(), Named.as(AGGREGATE));
    }

    private static KStream<String, UsageEvent> buildDeduplicated(StreamsBuilder builder, Duration dedupeHorizon,
            Supplier<Deserializer<UsageEvent>> deserializers) {
        KStream<String, UsageDecoding> decoded = builder
                .stream(Topics.USAGE, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(SOURCE))
                .processValues(() -> new UsageRecordDecoder(deserializers.get()), Named.as(DECODE));

        Map<String, KStream<String, UsageDecoding>> branches = decoded.split(Named.as(SPLIT))
                .branch((org, decoding) -> decoding instanceof UsageDecoding.Rejected,
                        Branched.withConsumer(UsageTotalsTopology::deadLetter, REJECTED))
                .defaultBranch(Branched.as(ACCEPTED));
        return branches.get(SPLIT + ACCEPTED)
                .mapValues(decoding -> ((UsageDecoding.Accepted) decoding).event(), Named.as(UNWRAP))
                .processValues(EventDeduplicator.supplier(DEDUPE_STORE, dedupeHorizon), Named.as(DEDUPE));
    }

    private static void deadLetter(KStream<String, UsageDecoding> rejected) {
        rejected.mapValues(decoding -> ((UsageDecoding.Rejected) decoding).deadLetter(), Named.as(DLQ_UNWRAP))
                .processValues(DeadLetterWriter::new, Named.as(DLQ_WRITE))
                .to(Topics.USAGE_DLQ, Produced.with(Serdes.String(), Serdes.ByteArray()).withName(DLQ_SINK));
    }
}

package dev.tollgate.streams.intake;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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
import dev.tollgate.streams.deadletter.DeadLetterWriter;
import dev.tollgate.streams.topology.StreamsApplication;

/**
 * The usage intake every capability counts from: {@code tollgate.usage.v1} read once, decoded, checked, dead-lettered
 * when unusable, and deduplicated: by producer and sequence number where the gateway stamped them, else by
 * {@code event_id} ({@link EventDeduplicator}).
 *
 * <pre>
 * tollgate.usage.v1 (String org id, raw bytes)
 *   usage-source
 *   usage-decode          Avro via the registry + plausibility rules ({@link UsageEventRules})
 *   usage-split-
 *     usage-split-rejected  usage-dlq-unwrap, usage-dlq-write  -> usage-dlq-sink -> tollgate.usage-dlq.v1
 *     usage-split-accepted  usage-unwrap
 *       usage-dedupe         [store usage-dedupe-sequences: seen sequence numbers by producer and block of 1,024,
 *                             window store, retention = dedupe horizon, written once per commit]
 *                            [store usage-dedupe-sequences-commit: the commit hook that writes them, no data]
 *                            [store usage-dedupe-ids: unstamped events' ids, window store, retention = horizon]
 *                            -> the deduplicated usage stream, keyed by org id, handed to every capability
 * </pre>
 *
 * <p>Why one intake: budgets, rollups and totals must count the same events. One source and one dedupe store mean
 * one read of the usage topic and one set of seen ids, instead of one per capability; and Kafka Streams allows a
 * topic to be the source of only one node anyway. The names are the ones these nodes had before the intake had a
 * package of its own: processor names fix the task layout, store names fix the changelog topics
 * ({@link #INTERNAL_TOPICS}), and both are a deployment contract.
 */
public final class UsageIntake {

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

    /** Seen ids of events without a producer stamp, a window store bounded by the dedupe horizon. */
    public static final String DEDUPE_STORE = "usage-dedupe-ids";

    /** Seen sequence numbers of stamped events, by producer and block ({@link SequenceBlock}), for the horizon. */
    public static final String SEQUENCES_STORE = "usage-dedupe-sequences";

    /**
     * The commit hook of the dedupe ({@link dev.tollgate.streams.topology.CommitFlush}): writes the blocks that
     * changed to {@link #SEQUENCES_STORE} once per commit. It holds nothing and has no changelog.
     */
    public static final String SEQUENCES_COMMIT_HOOK = EventDeduplicator.commitHookName(SEQUENCES_STORE);

    /** The internal topics the intake makes Kafka Streams create: two changelogs, no repartition topic. */
    public static final List<String> INTERNAL_TOPICS = List.of(StreamsApplication.changelogTopic(DEDUPE_STORE),
            StreamsApplication.changelogTopic(SEQUENCES_STORE));

    private UsageIntake() {
    }

    /**
     * Adds the intake to {@code builder} and returns the decoded, validated and deduplicated usage stream (key: org
     * id). Call it once per builder, before any capability.
     *
     * @param builder       the application's builder
     * @param dedupeHorizon how long an event id or sequence number is remembered, see
     *                      {@link IntakeConfig#dedupeHorizon()}
     * @param deserializers makes one value deserializer per task; each is closed with its task
     */
    public static KStream<String, UsageEvent> build(StreamsBuilder builder, Duration dedupeHorizon,
            Supplier<Deserializer<UsageEvent>> deserializers) {
        KStream<String, UsageDecoding> decoded = builder
                .stream(Topics.USAGE, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(SOURCE))
                .processValues(() -> new UsageRecordDecoder(deserializers.get()), Named.as(DECODE));

        Map<String, KStream<String, UsageDecoding>> branches = decoded.split(Named.as(SPLIT))
                .branch((org, decoding) -> decoding instanceof UsageDecoding.Rejected,
                        Branched.withConsumer(UsageIntake::deadLetter, REJECTED))
                .defaultBranch(Branched.as(ACCEPTED));
        return branches.get(SPLIT + ACCEPTED)
                .mapValues(decoding -> ((UsageDecoding.Accepted) decoding).event(), Named.as(UNWRAP))
                .processValues(EventDeduplicator.supplier(DEDUPE_STORE, SEQUENCES_STORE, dedupeHorizon),
                        Named.as(DEDUPE));
    }

    private static void deadLetter(KStream<String, UsageDecoding> rejected) {
        rejected.mapValues(decoding -> ((UsageDecoding.Rejected) decoding).deadLetter(), Named.as(DLQ_UNWRAP))
                .processValues(DeadLetterWriter::new, Named.as(DLQ_WRITE))
                .to(Topics.USAGE_DLQ, Produced.with(Serdes.String(), Serdes.ByteArray()).withName(DLQ_SINK));
    }
}

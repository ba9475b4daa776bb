package dev.tollgate.streams.intake;

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

import dev.tollgate.events.v1.RequestEvent;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.deadletter.DeadLetterWriter;

/**
 * The request intake: {@code tollgate.requests.v1} read once, decoded, and dead-lettered when unreadable.
 *
 * <pre>
 * tollgate.requests.v1 (String org id, raw bytes)
 *   requests-source
 *   requests-decode
 *   requests-split-
 *     requests-split-rejected  requests-dlq-unwrap, requests-dlq-write -> requests-dlq-sink -> tollgate.requests-dlq.v1
 *     requests-split-accepted  requests-unwrap -> the decoded request stream, keyed by org id
 * </pre>
 *
 * <p>No dedupe, unlike usage: nothing is counted from a request event, and scoring one twice gives the same score
 * ids, which the score aggregation dedupes. It adds no internal topic.
 */
public final class RequestIntake {

    public static final String SOURCE = "requests-source";
    public static final String DECODE = "requests-decode";
    public static final String SPLIT = "requests-split-";
    public static final String ACCEPTED = "accepted";
    public static final String REJECTED = "rejected";
    public static final String UNWRAP = "requests-unwrap";
    public static final String DLQ_UNWRAP = "requests-dlq-unwrap";
    public static final String DLQ_WRITE = "requests-dlq-write";
    public static final String DLQ_SINK = "requests-dlq-sink";

    private RequestIntake() {
    }

    /**
     * Adds the intake to {@code builder} and returns the decoded request stream (key: org id).
     *
     * @param builder       the application's builder
     * @param deserializers makes one value deserializer per task; each is closed with its task
     */
    public static KStream<String, RequestEvent> build(StreamsBuilder builder,
            Supplier<Deserializer<RequestEvent>> deserializers) {
        KStream<String, RequestDecoding> decoded = builder
                .stream(Topics.REQUESTS, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(SOURCE))
                .processValues(() -> new RequestRecordDecoder(deserializers.get()), Named.as(DECODE));
        Map<String, KStream<String, RequestDecoding>> branches = decoded.split(Named.as(SPLIT))
                .branch((org, decoding) -> decoding instanceof RequestDecoding.Rejected,
                        Branched.withConsumer(RequestIntake::deadLetter, REJECTED))
                .defaultBranch(Branched.as(ACCEPTED));
        return branches.get(SPLIT + ACCEPTED)
                .mapValues(decoding -> ((RequestDecoding.Accepted) decoding).event(), Named.as(UNWRAP));
    }

    private static void deadLetter(KStream<String, RequestDecoding> rejected) {
        rejected.mapValues(decoding -> ((RequestDecoding.Rejected) decoding).deadLetter(), Named.as(DLQ_UNWRAP))
                .processValues(DeadLetterWriter::new, Named.as(DLQ_WRITE))
                .to(Topics.REQUESTS_DLQ, Produced.with(Serdes.String(), Serdes.ByteArray()).withName(DLQ_SINK));
    }
}

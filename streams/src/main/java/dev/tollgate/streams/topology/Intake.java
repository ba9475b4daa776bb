package dev.tollgate.streams.topology;

import java.util.function.Supplier;

import org.apache.kafka.streams.kstream.KStream;

import dev.tollgate.events.v1.RequestEvent;
import dev.tollgate.events.v1.UsageEvent;

/**
 * What the intakes hand every capability: the streams it reads from, each built once on the application's builder
 * by the topology producer.
 *
 * <p>The request stream is built when a capability first asks for it, not before: Kafka Streams numbers
 * sub-topologies by the order their sources were added, and task ids (and with them the state directories on
 * disk) follow those numbers. Building the request source only when the first capability that reads it composes
 * (capabilities compose in a fixed {@link StreamsCapability#order order}) keeps the numbers of every sub-topology
 * composed before it unchanged.
 */
public final class Intake {

    private final KStream<String, UsageEvent> usage;
    private final Supplier<KStream<String, RequestEvent>> requestSource;
    private KStream<String, RequestEvent> requests;

    /**
     * @param usage    the decoded, validated and deduplicated usage stream, keyed by org id
     *                 ({@code intake.UsageIntake})
     * @param requests builds the decoded request stream, keyed by org id ({@code intake.RequestIntake}); called
     *                 at most once
     */
    public Intake(KStream<String, UsageEvent> usage, Supplier<KStream<String, RequestEvent>> requests) {
        this.usage = usage;
        this.requestSource = requests;
    }

    /** The decoded, validated and deduplicated usage stream, keyed by org id. */
    public KStream<String, UsageEvent> usage() {
        return usage;
    }

    /** The decoded request stream, keyed by org id; built on the first call. Topologies are built on one thread. */
    public KStream<String, RequestEvent> requests() {
        if (requests == null) {
            requests = requestSource.get();
        }
        return requests;
    }
}

package dev.tollgate.gateway.events;

import dev.tollgate.gateway.journal.Journal;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ObjLongConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * The gateway's events in the local {@link Journal}: encoded ({@link JournalCodec}) and appended before they are
 * queued for Kafka, acknowledged when Kafka has them, replayed at start when an earlier process died with some not
 * yet acknowledged. Off ({@code tollgate.events.journal.enabled=false}), every method is a cheap no-op.
 *
 * <p>Opened when the bean is built, so that a journal left by a crash is recovered before the gateway serves. Closed by
 * {@link EventPublisher}, after its producer: acknowledgements arrive until then.
 */
@Singleton
public class EventJournal {

    /** No journal record: the journal is off, full, or the event too large for a segment. */
    public static final long NONE = -1;
    /**
     * The room a new request needs under {@code fail-closed}: its usage, request and trace events with room to spare
     * (together they take about 1.5 KiB without content capture).
     */
    static final int ROOM_PER_REQUEST = 64 * 1024;

    private static final Logger LOG = Logger.getLogger(EventJournal.class);

    private final Journal journal;
    /** Whether request and trace events are journaled too, not only usage events. */
    private final boolean journalsAll;
    private final JournalCodec codec;
    private final double highWater;
    private final AtomicLong unjournaled = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    /** Replayed events by topic, for the metric. */
    private final Map<String, AtomicLong> replayedByTopic = new HashMap<>();
    private final AtomicLong unreadable = new AtomicLong();
    private final AtomicLong lostBytes = new AtomicLong();

    @Inject
    EventJournal(EventsConfig config, MeterRegistry metrics) {
        this(config.journal().enabled() ? open(config.journal()) : null, config.journal().scope(),
                config.readinessHighWater(), metrics);
    }

    EventJournal(Journal journal, double highWater, MeterRegistry metrics) {
        this(journal, EventsConfig.Scope.ALL, highWater, metrics);
    }

    EventJournal(Journal journal, EventsConfig.Scope scope, double highWater, MeterRegistry metrics) {
        this.journal = journal;
        this.journalsAll = journal != null && scope == EventsConfig.Scope.ALL;
        this.codec = journal == null ? null : new JournalCodec(journal.settings().directory());
        this.highWater = highWater;
        if (journal != null) {
            lostBytes.set(journal.recovery().lostBytes());
            register(metrics);
        }
    }

    private static Journal open(EventsConfig.Journaling settings) {
        long segment = settings.segmentSize().asLongValue();
        if (segment > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tollgate.events.journal.segment-size must be below 2 GiB");
        }
        Path directory = Path.of(settings.dir()).toAbsolutePath();
        Journal journal = Journal.open(new Journal.Settings(directory, (int) segment, settings.maxSize().asLongValue(),
                settings.fsyncInterval()));
        LOG.infof("event=journal_opened directory=%s segment_bytes=%d max_bytes=%d fsync_interval=%s", directory,
                segment, settings.maxSize().asLongValue(), settings.fsyncInterval());
        return journal;
    }

    private void register(MeterRegistry metrics) {
        Gauge.builder("tollgate.events.journal.bytes", journal, Journal::bytes).baseUnit("bytes")
                .description("Bytes of events in the journal's segments, acknowledged ones until their segment goes")
                .register(metrics);
        Gauge.builder("tollgate.events.journal.segments", journal, Journal::segments)
                .description("Segment files of the journal").register(metrics);
        Gauge.builder("tollgate.events.journal.max.segments", journal, Journal::maxSegments)
                .description("The most segment files the journal keeps").register(metrics);
        Gauge.builder("tollgate.events.journal.oldest.pending.age", journal, j -> j.oldestPendingAge().toMillis() / 1e3)
                .baseUnit("seconds").description("How long the oldest event not yet acknowledged by Kafka has waited")
                .register(metrics);
        for (JournalCodec.Kind kind : JournalCodec.Kind.values()) {
            AtomicLong count = new AtomicLong();
            replayedByTopic.put(kind.topic, count);
            metrics.more().counter("tollgate.events.journal.replayed", List.of(Tag.of("topic", kind.topic)), count);
        }
        metrics.more().counter("tollgate.events.journal.unjournaled", List.of(), unjournaled);
        metrics.more().counter("tollgate.events.journal.unreadable", List.of(), unreadable);
        metrics.more().counter("tollgate.events.journal.lost.bytes", List.of(), lostBytes);
    }

    /** Whether events are journaled at all. */
    public boolean enabled() {
        return journal != null;
    }

    /** Whether request and trace events are journaled too ({@code tollgate.events.journal.scope=all}). */
    boolean journalsAll() {
        return journalsAll;
    }

    /**
     * Journals {@code event} on the calling thread: an encoding and a copy into mapped memory, a few microseconds.
     *
     * @return the ticket to {@link #acknowledge}, or {@link #NONE} when off or when it could not be journaled (counted
     *         in {@code tollgate.events.journal.unjournaled}; the event still goes to Kafka from memory)
     */
    long append(String topic, String key, SpecificRecord event) {
        if (journal == null) {
            return NONE;
        }
        JournalCodec.Encoded encoded = codec.encode(topic, key, event);
        if (encoded == null) {
            return NONE;
        }
        long ticket = journal.append(encoded.kind, encoded.bytes, 0, encoded.length);
        if (ticket < 0) {
            if (unjournaled.getAndIncrement() % 10_000 == 0) {
                LOG.errorf("event=event_not_journaled topic=%s reason=%s unjournaled_so_far=%d", topic,
                        ticket == Journal.TOO_LARGE ? "larger than a journal segment" : "journal full",
                        unjournaled.get());
            }
            return NONE;
        }
        return ticket;
    }

    /**
     * The Avro binary body of the event this thread journaled last (a copy), so that it is not encoded again for
     * Kafka ({@link PreEncodedSerializer}). Call right after an {@link #append} that returned a ticket.
     */
    byte[] lastBody() {
        return JournalCodec.lastBody();
    }

    /** Kafka has the event of {@code ticket}: it is not replayed again. */
    void acknowledge(long ticket) {
        if (journal != null && ticket >= 0) {
            journal.acknowledge(ticket);
        }
    }

    /**
     * Hands every event an earlier process journaled and Kafka never acknowledged to {@code into}, with its ticket,
     * oldest first. A record that cannot be decoded is acknowledged at once, logged and counted in
     * {@code tollgate.events.journal.unreadable}: replaying it again would not help.
     *
     * @return the events handed over
     */
    long replay(ObjLongConsumer<ProducerRecord<String, SpecificRecord>> into) {
        if (journal == null) {
            return 0;
        }
        long before = replayed.get();
        journal.replay((kind, payload, appendedAt, ticket) -> {
            ProducerRecord<String, SpecificRecord> record;
            try {
                record = codec.decode(kind, payload);
            } catch (IllegalArgumentException e) {
                unreadable.incrementAndGet();
                LOG.errorf("event=journal_record_unreadable appended_at=%d reason=%s", appendedAt, e.getMessage());
                journal.acknowledge(ticket);
                return;
            }
            replayed.incrementAndGet();
            AtomicLong byTopic = replayedByTopic.get(record.topic());
            if (byTopic != null) {
                byTopic.incrementAndGet();
            }
            into.accept(record, ticket);
        });
        return replayed.get() - before;
    }

    /** Whether a new request's events fit; always true when off. */
    boolean hasRoom() {
        return journal == null || journal.hasRoomFor(ROOM_PER_REQUEST);
    }

    /** Whether the journal is above its readiness high-water mark (the events buffer's fraction of its segments). */
    public boolean aboveHighWater() {
        return journal != null && journal.segments() > Math.floor(journal.maxSegments() * highWater);
    }

    /** What readiness shows; null when off. */
    public Status status() {
        if (journal == null) {
            return null;
        }
        Journal.Recovery recovery = journal.recovery();
        return new Status(journal.bytes(), journal.segments(), journal.maxSegments(),
                journal.oldestPendingAge().toMillis(), recovery.records(), recovery.lostBytes(), unreadable.get(),
                !hasRoom());
    }

    void close() {
        if (journal != null) {
            journal.close();
        }
    }

    /**
     * The journal as readiness reports it.
     *
     * @param bytes          bytes of events in its segments
     * @param segments       segment files
     * @param maxSegments    the most it keeps
     * @param oldestPendingMs how long the oldest event not yet in Kafka has waited
     * @param recovered      events found at start that Kafka had not acknowledged
     * @param lostBytes      bytes of torn or corrupt records found at start
     * @param unreadable     records found at start that could not be decoded
     * @param full           whether a new request's events no longer fit
     */
    public record Status(long bytes, int segments, int maxSegments, long oldestPendingMs, long recovered,
                         long lostBytes, long unreadable, boolean full) {
    }
}

package dev.tollgate.gateway.events;

import dev.tollgate.gateway.config.RegistryConfig;
import dev.tollgate.schemas.AvroSerdes;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Publishes events to Kafka without ever blocking a request. The request path only offers an event to a
 * bounded queue; one publisher thread hands events to an idempotent {@code acks=all} producer. That thread is
 * the only place that may block: on metadata, on the registry's first schema lookup, or on a full producer
 * buffer while Kafka is away.
 *
 * <p>The capacity bounds every event accepted and not yet acknowledged by Kafka: those waiting in the queue
 * and those the producer holds. (The queue alone would not bound an outage: the producer keeps accepting
 * records into its own memory while the broker is away.) An event leaves the count only when Kafka
 * acknowledged it or it was given up.
 *
 * <p>Cheap for the request path, because it runs once per event on the event loop:
 * <ul>
 *   <li>An event may be queued as a recipe ({@link #publishLater}): the publisher thread builds the Avro record,
 *       exactly once, so its event id never changes, even when the record is queued again.</li>
 *   <li>The queue is lock-free, and the publisher thread is not woken per event: while events flow it polls
 *       every millisecond (the producer lingers longer than that anyway), and only when the queue has been
 *       empty for a while does it sleep until the next event wakes it.</li>
 *   <li>The producer batches: the three events of thousands of requests travel in a few compressed batches, so
 *       the broker's work per request stays small ({@link #createProducer}).</li>
 * </ul>
 *
 * <p>With the {@link EventJournal} on (the default), an event is also on disk from before it is queued until Kafka
 * acknowledges it: the usage event is journaled by the caller ({@link #publishJournaled}, on the request's event loop,
 * before the answer's last bytes), request and trace events by the publisher thread when it builds them. At start,
 * before the gateway serves, every event an earlier process journaled and Kafka never acknowledged is queued again
 * ({@link #replayJournal}); consumers dedupe on the event id, which the journal keeps.
 */
@Singleton
public class EventPublisher {

    private static final Logger LOG = Logger.getLogger(EventPublisher.class);
    private static final Duration RETRY_BACKOFF = Duration.ofMillis(500);
    /** How long the publisher waits for more events while they flow. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Empty polls in a row after which the publisher sleeps until an event wakes it. */
    private static final int POLLS_BEFORE_SLEEP = 200;

    private final Deque<Queued> queue = new ConcurrentLinkedDeque<>();
    private final PreEncodedSerializer values;
    private final Producer<String, SpecificRecord> producer;
    private final AtomicLong pending = new AtomicLong();
    private final int capacity;
    private final AtomicLong rejected = new AtomicLong();
    private final EventJournal journal;
    /** Events replayed from the journal at start that Kafka has not acknowledged yet. */
    private final AtomicLong replaying = new AtomicLong();
    private final Thread publisher;
    private volatile boolean running = true;
    /** The publisher thread sleeps until woken: whoever queues an event next must wake it. */
    private volatile boolean sleeping;

    @Inject
    EventPublisher(EventsConfig config, RegistryConfig registry, @Identifier("default-kafka-broker") Map<String, Object> kafka,
                   MeterRegistry metrics, EventJournal journal) {
        this.capacity = config.bufferCapacity();
        this.journal = journal;
        this.values = new PreEncodedSerializer(new AvroKafkaSerializer<>());
        this.values.configure(AvroSerdes.serializerConfig(registry.url()), false);
        this.producer = createProducer(config, kafka, values);
        this.publisher = new Thread(this::publishLoop, "tollgate-event-publisher");
        this.publisher.setDaemon(true);
        this.publisher.start();
        metrics.gauge("tollgate.events.backlog", this, EventPublisher::backlog);
        metrics.more().counter("tollgate.events.rejected", java.util.List.of(), rejected);
    }

    /**
     * Queues an event for Kafka, without journaling it. Never blocks.
     *
     * @return false when the buffer is full; the caller decides what that means for its request
     */
    public boolean publish(String topic, String key, SpecificRecord event) {
        return offer(new Queued(new ProducerRecord<>(topic, key, event)));
    }

    /**
     * Queues an event that the publisher thread builds with {@code event}, once, off the caller's thread: the
     * request path pays for a queue entry, not for building Avro records. {@code event} must not block, and what
     * it reads must no longer change. Never blocks. With the journal on for every event ({@code scope=all}), the
     * publisher thread journals the event once built, before handing it to the producer: a crash loses it only while
     * it waits in memory to be built.
     *
     * @return false when the buffer is full; the caller decides what that means for its request
     */
    public boolean publishLater(String topic, String key, Supplier<? extends SpecificRecord> event) {
        Queued queued = new Queued(topic, key, event);
        queued.journalWhenBuilt = journal.journalsAll();
        return offer(queued);
    }

    /**
     * Journals {@code event} on the calling thread, then queues it; the journal record stays until Kafka acknowledged
     * the event. Never blocks: the journal is a copy into mapped memory. The caller has built the event, so its
     * event id is the one a replay after a crash delivers.
     *
     * <p>An event the journal cannot take (full, or larger than a segment) is still queued; an event the buffer cannot
     * take stays in the journal and is delivered at the next start.
     *
     * @return false when the buffer is full; the caller decides what that means for its request
     */
    public boolean publishJournaled(String topic, String key, SpecificRecord event) {
        long ticket = journal.append(topic, key, event);
        Queued queued = new Queued(new ProducerRecord<>(topic, key, event));
        queued.ticket = ticket;
        if (ticket != EventJournal.NONE) {
            queued.body = journal.lastBody();
        }
        return offer(queued);
    }

    /** Whether events are journaled ({@code tollgate.events.journal.enabled}). */
    public boolean journaled() {
        return journal.enabled();
    }

    /**
     * Queues every event an earlier process journaled and Kafka never acknowledged, at start (the journal was
     * recovered when it was opened, before this bean existed). They count in the backlog, even beyond the capacity:
     * they are already owed. Readiness stays DOWN until Kafka has them all ({@link #replaying()}), so a load balancer
     * sends no traffic to a replica that still owes usage the budgets do not count yet.
     */
    void replayJournal(@Observes StartupEvent ignored) {
        long count = journal.replay((record, ticket) -> {
            Queued queued = new Queued(record);
            queued.ticket = ticket;
            queued.replayed = true;
            pending.incrementAndGet();
            replaying.incrementAndGet();
            queue.offer(queued);
        });
        if (count > 0) {
            LockSupport.unpark(publisher);
            LOG.infof("event=journal_replayed events=%d", count);
        }
    }

    /** Events replayed from the journal at start that Kafka has not acknowledged yet. */
    public long replaying() {
        return replaying.get();
    }

    private boolean offer(Queued event) {
        if (pending.incrementAndGet() > capacity) {
            pending.decrementAndGet();
            rejected.incrementAndGet();
            return false;
        }
        queue.offer(event);
        if (sleeping) {
            LockSupport.unpark(publisher);
        }
        return true;
    }

    /** Events accepted but not yet acknowledged by Kafka. */
    public long backlog() {
        return pending.get();
    }

    /** The most events the buffer holds. */
    public int capacity() {
        return capacity;
    }

    /**
     * Whether {@code events} more would fit now. A hint, not a reservation: concurrent requests may take the
     * room first, and then their last events are refused and counted in {@code tollgate.events.rejected}.
     */
    public boolean hasRoomFor(int events) {
        return pending.get() + events <= capacity;
    }

    /** Whether the publisher thread is alive; false means no event will reach Kafka again. */
    public boolean isRunning() {
        return running && publisher.isAlive();
    }

    /** Waits up to {@code timeout} for the backlog to drain; true when it did. */
    public boolean awaitDrained(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (backlog() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return backlog() == 0;
    }

    /**
     * Waits up to 10 s for the backlog to drain, then closes the producer and the journal, in that order:
     * acknowledgements arrive until the producer is closed. What did not drain stays in the journal for the next start.
     */
    @PreDestroy
    void close() {
        boolean drained = awaitDrained(Duration.ofSeconds(10));
        running = false;
        publisher.interrupt();
        producer.close(Duration.ofSeconds(10));
        journal.close();
        LOG.infof("event publisher closed drained=%s backlog=%d", drained, backlog());
    }

    private void publishLoop() {
        int emptyPolls = 0;
        while (running) {
            Queued event = queue.poll();
            if (event != null) {
                emptyPolls = 0;
                try {
                    sendOrRetry(event);
                } catch (InterruptedException e) {
                    return;
                }
            } else if (++emptyPolls < POLLS_BEFORE_SLEEP) {
                LockSupport.parkNanos(POLL_NANOS);
            } else {
                // Announce the sleep before looking once more, so an event queued meanwhile is either seen here
                // or wakes the thread (both flags are volatile).
                sleeping = true;
                if (queue.isEmpty() && running) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
                sleeping = false;
                if (Thread.interrupted()) {
                    return;
                }
            }
        }
    }

    /**
     * Hands the event to the producer. When that fails before Kafka is even involved (the registry cannot be
     * reached to look up the schema), the event goes back to the head of the queue and the thread backs off. An
     * event that cannot even be built is a bug; it is logged and given up rather than retried forever.
     */
    private void sendOrRetry(Queued event) throws InterruptedException {
        ProducerRecord<String, SpecificRecord> record;
        try {
            record = event.record();
        } catch (RuntimeException e) {
            pending.decrementAndGet();
            rejected.incrementAndGet();
            LOG.errorf(e, "event lost topic=%s reason=could not be built", event.topic());
            return;
        }
        if (event.journalWhenBuilt) {
            event.journalWhenBuilt = false;
            event.ticket = journal.append(record.topic(), record.key(), record.value());
            if (event.ticket != EventJournal.NONE) {
                event.body = journal.lastBody();
            }
        }
        try {
            send(event, record);
        } catch (RuntimeException e) {
            LOG.warnf("event not handed to kafka, retrying topic=%s reason=%s", record.topic(), e.getMessage());
            queue.offerFirst(event);
            Thread.sleep(RETRY_BACKOFF.toMillis());
        }
    }

    private void send(Queued event, ProducerRecord<String, SpecificRecord> record) {
        byte[] body = event.body;
        if (body == null) {
            sendRecord(event, record);
            return;
        }
        // Once only: a resend after a failure encodes again rather than keep a second copy of every waiting event.
        event.body = null;
        values.expect(record.value(), body);
        try {
            sendRecord(event, record);
        } finally {
            values.clear();
        }
    }

    private void sendRecord(Queued event, ProducerRecord<String, SpecificRecord> record) {
        producer.send(record, (metadata, error) -> {
            if (error == null) {
                acknowledged(event);
                pending.decrementAndGet();
                return;
            }
            if (error instanceof RetriableException && running) {
                queue.offer(event);
                LockSupport.unpark(publisher);
                LOG.warnf("event delivery timed out, requeued topic=%s reason=%s", record.topic(), error.getMessage());
            } else if (!running && event.ticket != EventJournal.NONE) {
                // closing: the event stays in the journal, delivered by the next start
                pending.decrementAndGet();
            } else {
                // given up (not retriable: too large, not authorised, ...): a replay would fail the same way
                acknowledged(event);
                pending.decrementAndGet();
                rejected.incrementAndGet();
                LOG.errorf("event lost topic=%s reason=%s", record.topic(), error.getMessage());
            }
        });
    }

    /** Kafka has the event, or it was given up: its journal record goes. Called once per event. */
    private void acknowledged(Queued event) {
        long ticket = event.ticket;
        if (ticket != EventJournal.NONE) {
            event.ticket = EventJournal.NONE;
            journal.acknowledge(ticket);
            if (event.replayed) {
                replaying.decrementAndGet();
            }
        }
    }

    /** An event in the queue: a record, or the recipe of one that is built once, on first use. */
    private static final class Queued {
        private final String topic;
        private final String key;
        private Supplier<? extends SpecificRecord> recipe;
        private ProducerRecord<String, SpecificRecord> record;
        /** Its journal record, or {@link EventJournal#NONE}. */
        private long ticket = EventJournal.NONE;
        /** A recipe to journal once built, by the publisher thread. */
        private boolean journalWhenBuilt;
        /** Replayed from the journal at start. */
        private boolean replayed;
        /** The journal's Avro body of the event, sent as it is instead of encoded again; null when there is none. */
        private byte[] body;

        Queued(ProducerRecord<String, SpecificRecord> record) {
            this.topic = record.topic();
            this.key = record.key();
            this.record = record;
        }

        Queued(String topic, String key, Supplier<? extends SpecificRecord> recipe) {
            this.topic = topic;
            this.key = key;
            this.recipe = recipe;
        }

        String topic() {
            return topic;
        }

        /** The record; built on the first call only, by the publisher thread, the only thread that calls it. */
        ProducerRecord<String, SpecificRecord> record() {
            if (record == null) {
                record = new ProducerRecord<>(topic, key, recipe.get());
                recipe = null;
            }
            return record;
        }
    }

    private static Producer<String, SpecificRecord> createProducer(EventsConfig config, Map<String, Object> kafka,
                                                                   PreEncodedSerializer values) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Batch generously: a request makes three small records, and each produce request costs the broker (on
        // the same few cores as everything else) far more than a few more records in it. Events are not on any
        // request's path, so 20 ms of linger costs no client anything.
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.compression());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofMinutes(10).toMillis());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.MAX_VALUE);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "tollgate-gateway-events");
        return new KafkaProducer<>(props, new StringSerializer(), values);
    }
}

package dev.tollgate.gateway.events;

import dev.tollgate.gateway.config.GatewayConfig;
import dev.tollgate.schemas.AvroSerdes;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 */
@ApplicationScoped
public class EventPublisher {

    private static final Logger LOG = Logger.getLogger(EventPublisher.class);
    private static final Duration RETRY_BACKOFF = Duration.ofMillis(500);

    private final BlockingDeque<ProducerRecord<String, SpecificRecord>> queue;
    private final Producer<String, SpecificRecord> producer;
    private final AtomicLong pending = new AtomicLong();
    private final int capacity;
    private final AtomicLong rejected = new AtomicLong();
    private final Thread publisher;
    private volatile boolean running = true;

    @Inject
    EventPublisher(GatewayConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka,
                   MeterRegistry metrics) {
        this.capacity = config.events().bufferCapacity();
        this.queue = new LinkedBlockingDeque<>(capacity);
        this.producer = createProducer(config, kafka);
        this.publisher = new Thread(this::publishLoop, "tollgate-event-publisher");
        this.publisher.setDaemon(true);
        this.publisher.start();
        metrics.gauge("tollgate.events.backlog", this, EventPublisher::backlog);
        metrics.more().counter("tollgate.events.rejected", java.util.List.of(), rejected);
    }

    /**
     * Queues an event for Kafka. Never blocks.
     *
     * @return false when the buffer is full; the caller decides what that means for its request
     */
    public boolean publish(String topic, String key, SpecificRecord event) {
        if (pending.incrementAndGet() > capacity || !queue.offer(new ProducerRecord<>(topic, key, event))) {
            pending.decrementAndGet();
            rejected.incrementAndGet();
            return false;
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

    @PreDestroy
    void close() {
        boolean drained = awaitDrained(Duration.ofSeconds(10));
        running = false;
        publisher.interrupt();
        producer.close(Duration.ofSeconds(10));
        LOG.infof("event publisher closed drained=%s backlog=%d", drained, backlog());
    }

    private void publishLoop() {
        while (running) {
            try {
                ProducerRecord<String, SpecificRecord> record = queue.poll(100, TimeUnit.MILLISECONDS);
                if (record != null) {
                    sendOrRetry(record);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Hands the record to the producer. When that fails before Kafka is even involved (the registry cannot be
     * reached to look up the schema), the record goes back to the head of the queue and the thread backs off.
     */
    private void sendOrRetry(ProducerRecord<String, SpecificRecord> record) throws InterruptedException {
        try {
            send(record);
        } catch (RuntimeException e) {
            LOG.warnf("event not handed to kafka, retrying topic=%s reason=%s", record.topic(), e.getMessage());
            if (!queue.offerFirst(record)) {
                pending.decrementAndGet();
                rejected.incrementAndGet();
                LOG.errorf("event lost topic=%s reason=buffer full", record.topic());
            }
            Thread.sleep(RETRY_BACKOFF.toMillis());
        }
    }

    private void send(ProducerRecord<String, SpecificRecord> record) {
        producer.send(record, (metadata, error) -> {
            if (error == null) {
                pending.decrementAndGet();
                return;
            }
            if (error instanceof RetriableException && running && queue.offer(record)) {
                LOG.warnf("event delivery timed out, requeued topic=%s reason=%s", record.topic(), error.getMessage());
            } else {
                pending.decrementAndGet();
                rejected.incrementAndGet();
                LOG.errorf("event lost topic=%s reason=%s", record.topic(), error.getMessage());
            }
        });
    }

    private static Producer<String, SpecificRecord> createProducer(GatewayConfig config, Map<String, Object> kafka) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofMinutes(10).toMillis());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.MAX_VALUE);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "tollgate-gateway-events");
        AvroKafkaSerializer<SpecificRecord> values = new AvroKafkaSerializer<>();
        values.configure(AvroSerdes.serializerConfig(config.registry().url()), false);
        return new KafkaProducer<>(props, new StringSerializer(), values);
    }
}

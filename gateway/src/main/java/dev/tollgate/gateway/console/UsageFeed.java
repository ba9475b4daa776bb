package dev.tollgate.gateway.console;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.gateway.config.RegistryConfig;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * The console's live feed: a consumer of {@code tollgate.usage.v1} on a thread of its own, fanning each request
 * out to the consoles that are open. It is off the request path entirely: it reads what the gateways already
 * published, like any other consumer of the topic.
 *
 * <ul>
 *   <li><b>Only while someone watches.</b> The consumer starts when the first console subscribes and stops once
 *       none has been open for {@code idle-timeout}, so a fleet of replicas does not each decode the whole usage
 *       topic for nobody.</li>
 *   <li><b>No consumer group, from the end.</b> Every partition is assigned and read from its end, after reading
 *       back the last {@code backfill-per-partition} records of each so a new console shows recent requests. No
 *       offsets are committed: the feed is a view, not a processor.</li>
 *   <li><b>Bounded.</b> Each console has a bounded queue; a console that falls behind misses requests (counted in
 *       the next batch's {@code dropped}) rather than growing the gateway's memory.</li>
 * </ul>
 */
@ApplicationScoped
public class UsageFeed {

    private static final Logger LOG = Logger.getLogger(UsageFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration BACKFILL_LIMIT = Duration.ofSeconds(3);
    private static final Duration RETRY = Duration.ofSeconds(1);

    /** One open console: what arrived for it since its last batch. */
    static final class Subscriber {
        private final BlockingQueue<LiveUsage> pending;
        private final AtomicLong dropped = new AtomicLong();

        Subscriber(int capacity) {
            this.pending = new ArrayBlockingQueue<>(capacity);
        }

        void offer(LiveUsage usage) {
            if (!pending.offer(usage)) {
                dropped.incrementAndGet();
            }
        }

        /** What arrived since the last call, oldest first, and how many were dropped meanwhile. */
        List<LiveUsage> drain() {
            List<LiveUsage> out = new ArrayList<>(pending.size());
            pending.drainTo(out);
            return out;
        }

        long takeDropped() {
            return dropped.getAndSet(0);
        }
    }

    private final ConsoleConfig.Feed config;
    private final Map<String, Object> consumerProps;
    private final String registryUrl;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    /** The most recent requests, oldest first; guarded by {@code this}. */
    private final Deque<LiveUsage> recent = new ArrayDeque<>();
    /** The consumer thread while it runs; guarded by {@code this}. */
    private Thread thread;
    private volatile boolean shuttingDown;
    private volatile long idleSinceMs = Long.MAX_VALUE;
    private volatile KafkaConsumer<String, UsageEvent> consumer;

    @Inject
    UsageFeed(ConsoleConfig config, RegistryConfig registry,
              @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.config = config.feed();
        this.registryUrl = registry.url();
        this.consumerProps = new HashMap<>(kafka);
        if (this.config.recent() < 0 || this.config.backfillPerPartition() < 0 || this.config.maxPending() < 1) {
            throw new IllegalArgumentException("tollgate.console.feed: recent and backfill-per-partition must be >= 0, "
                    + "max-pending >= 1");
        }
    }

    /** Opens a console's subscription; it receives the recent requests first when the feed is already running. */
    Subscriber subscribe() {
        Subscriber subscriber = new Subscriber(config.maxPending());
        synchronized (this) {
            if (thread != null) {
                recent.forEach(subscriber::offer);
            }
            subscribers.add(subscriber);
            idleSinceMs = Long.MAX_VALUE;
            if (thread == null && !shuttingDown) {
                thread = new Thread(this::run, "tollgate-console-feed");
                thread.setDaemon(true);
                thread.start();
                LOG.infof("event=console_feed_started subscribers=%d", subscribers.size());
            }
        }
        return subscriber;
    }

    void unsubscribe(Subscriber subscriber) {
        synchronized (this) {
            if (subscribers.remove(subscriber) && subscribers.isEmpty()) {
                idleSinceMs = System.currentTimeMillis();
            }
        }
    }

    /** Consoles open now. */
    int subscribers() {
        return subscribers.size();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        shuttingDown = true;
        Thread running;
        synchronized (this) {
            running = thread;
        }
        KafkaConsumer<String, UsageEvent> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (running != null) {
            running.join(5000);
        }
    }

    private void run() {
        while (!shuttingDown) {
            try (KafkaConsumer<String, UsageEvent> c = createConsumer()) {
                consumer = c;
                follow(c);
            } catch (WakeupException stopping) {
                return;
            } catch (RuntimeException e) {
                LOG.warnf("event=console_feed_failed retry=%s reason=%s", RETRY, e.getMessage());
                pause();
            } finally {
                consumer = null;
            }
            if (stopIfIdle()) {
                return;
            }
        }
    }

    /** Ends the thread when nobody watches; a console that subscribes afterwards starts a new one. */
    private synchronized boolean stopIfIdle() {
        if (shuttingDown || subscribers.isEmpty()) {
            thread = null;
            LOG.info("event=console_feed_stopped reason=idle");
            return true;
        }
        return false;
    }

    private void follow(KafkaConsumer<String, UsageEvent> c) {
        List<TopicPartition> partitions = c.partitionsFor(Topics.USAGE).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        c.assign(partitions);
        Map<TopicPartition, Long> ends = c.endOffsets(partitions);
        Map<TopicPartition, Long> starts = c.beginningOffsets(partitions);
        for (TopicPartition p : partitions) {
            c.seek(p, Math.max(starts.getOrDefault(p, 0L), ends.getOrDefault(p, 0L) - config.backfillPerPartition()));
        }
        backfill(c, partitions, ends);
        while (!shuttingDown) {
            for (ConsumerRecord<String, UsageEvent> record : poll(c)) {
                if (record.value() != null) {
                    publish(LiveUsage.of(record.value()));
                }
            }
            if (subscribers.isEmpty() && System.currentTimeMillis() - idleSinceMs > config.idleTimeout().toMillis()) {
                return;
            }
        }
    }

    /** Reads up to the end offsets noted at start (or for a few seconds at most) and replaces the recent list. */
    private void backfill(KafkaConsumer<String, UsageEvent> c, List<TopicPartition> partitions,
                          Map<TopicPartition, Long> ends) {
        List<LiveUsage> read = new ArrayList<>();
        long deadline = System.nanoTime() + BACKFILL_LIMIT.toNanos();
        while (System.nanoTime() < deadline && partitions.stream().anyMatch(p -> c.position(p) < ends.get(p))) {
            for (ConsumerRecord<String, UsageEvent> record : poll(c)) {
                if (record.value() != null) {
                    read.add(LiveUsage.of(record.value()));
                }
            }
        }
        read.sort(Comparator.comparing(LiveUsage::completedAt));
        synchronized (this) {
            recent.clear();
        }
        read.forEach(this::publish);
    }

    /** One poll; a record that cannot be decoded is skipped: the feed is a view and must not stall on it. */
    private Iterable<ConsumerRecord<String, UsageEvent>> poll(KafkaConsumer<String, UsageEvent> c) {
        try {
            return c.poll(POLL);
        } catch (RecordDeserializationException e) {
            LOG.debugf("event=console_feed_skipped partition=%s offset=%d reason=%s", e.topicPartition(), e.offset(),
                    e.getMessage());
            c.seek(e.topicPartition(), e.offset() + 1);
            return List.of();
        }
    }

    private void publish(LiveUsage usage) {
        synchronized (this) {
            recent.addLast(usage);
            while (recent.size() > config.recent()) {
                recent.removeFirst();
            }
        }
        for (Subscriber s : subscribers) {
            s.offer(usage);
        }
    }

    private KafkaConsumer<String, UsageEvent> createConsumer() {
        Map<String, Object> props = new HashMap<>(consumerProps);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "tollgate-gateway-console-feed");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        AvroKafkaDeserializer<UsageEvent> values = new AvroKafkaDeserializer<>();
        values.configure(AvroSerdes.deserializerConfig(registryUrl), false);
        return new KafkaConsumer<>(props, new StringDeserializer(), values);
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

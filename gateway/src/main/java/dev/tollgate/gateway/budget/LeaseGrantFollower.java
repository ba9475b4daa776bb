package dev.tollgate.gateway.budget;

import dev.tollgate.events.v1.BudgetLeaseGrant;
import dev.tollgate.gateway.config.RegistryConfig;
import dev.tollgate.gateway.sync.TopicFollower;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Follows {@code tollgate.budget-lease-grants.v1} and hands this replica's grants to the {@link BudgetBook}. Every
 * replica reads every partition (no consumer group) from the end: a replica only ever uses grants made in answer
 * to its own asks, made after it started. It reads committed records only ({@code read_committed}): the owner writes
 * a grant in the transaction that stores it, and a grant of an aborted transaction was never made.
 *
 * <p>It times every answer to one of this replica's asks, from the ask: {@code tollgate.budget.lease.answer}.
 *
 * <p>After a failure it starts again from the end: a grant published meanwhile is then never used here, and its
 * lease expires at the owner (a lease lost this way costs only the time until it is released).
 */
@ApplicationScoped
public class LeaseGrantFollower {

    private static final Logger LOG = Logger.getLogger(LeaseGrantFollower.class);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofMillis(200);

    private final BudgetBook book;
    private final Timer answers;
    private final Map<String, Object> consumerProps;
    private final String registryUrl;
    private final TopicFollower<BudgetLeaseGrant> follower;
    private volatile boolean ready;

    @Inject
    LeaseGrantFollower(BudgetBook book, RegistryConfig registry, MeterRegistry metrics,
                       @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.book = book;
        this.answers = Timer.builder("tollgate.budget.lease.answer")
                .description("From a lease request this replica sent to the owner's answer being applied here")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(metrics);
        this.registryUrl = registry.url();
        this.consumerProps = new HashMap<>(kafka);
        this.follower = new TopicFollower<>("tollgate-lease-grant-follower", this::createConsumer, this::follow,
                () -> ready = false, RETRY);
    }

    void start(@Observes StartupEvent ignored) {
        follower.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        follower.stop();
    }

    /** Whether the grants topic is followed from its end, so that an answer to an ask made now will be read. */
    public boolean ready() {
        return ready;
    }

    private void follow(KafkaConsumer<String, BudgetLeaseGrant> consumer) {
        List<TopicPartition> partitions = new ArrayList<>();
        List<PartitionInfo> found = consumer.partitionsFor(Topics.BUDGET_LEASE_GRANTS);
        if (found == null || found.isEmpty()) {
            throw new IllegalStateException("topic " + Topics.BUDGET_LEASE_GRANTS + " does not exist; create it "
                    + "from Topics.all()");
        }
        found.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end now, before declaring readiness
        ready = true;
        LOG.infof("event=lease_grants_followed replica=%s partitions=%d", book.replicaId(), partitions.size());
        while (follower.running()) {
            for (ConsumerRecord<String, BudgetLeaseGrant> record : consumer.poll(POLL)) {
                if (record.value() != null) {
                    long took = book.applyGrant(record.value(), System.currentTimeMillis(), System.nanoTime());
                    if (took >= 0) {
                        answers.record(took, TimeUnit.NANOSECONDS);
                    }
                }
            }
        }
    }

    private KafkaConsumer<String, BudgetLeaseGrant> createConsumer() {
        Map<String, Object> props = new HashMap<>(consumerProps);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "tollgate-gateway-lease-grants");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        AvroKafkaDeserializer<BudgetLeaseGrant> values = new AvroKafkaDeserializer<>();
        values.configure(AvroSerdes.deserializerConfig(registryUrl), false);
        return new KafkaConsumer<>(props, new StringDeserializer(), values);
    }
}

package dev.tollgate.gateway.budget;

import dev.tollgate.events.v1.BudgetLeaseRequest;
import dev.tollgate.gateway.config.RegistryConfig;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.EventKeys;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Sends this replica's lease requests and returns to {@code tollgate.budget-lease-requests.v1}, keyed by org id (so
 * each reaches the streams task that owns the org's budgets). One thread owns the producer: a send made on the event
 * loop is only handed to it, and whatever may block (metadata while Kafka is away, the registry's first schema
 * lookup) blocks that thread, never a request.
 *
 * <p>Its own idempotent producer, not the event publisher's: lease traffic must not queue behind a backlog of
 * usage events, and it is sent with no linger, since a request may be waiting for the answer. A send that fails
 * (Kafka away longer than {@value #DELIVERY_MS} ms) is reported to the budget, which sends the returns again and
 * treats the ask as unanswered.
 */
@Singleton
public class LeaseRequests implements LeaseChannel {

    private static final Logger LOG = Logger.getLogger(LeaseRequests.class);
    private static final int DELIVERY_MS = 5_000;

    private final Map<String, Object> props;
    private final String registryUrl;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "tollgate-lease-sender");
        thread.setDaemon(true);
        return thread;
    });
    /** Made on the sender thread at its first send, so that start-up never waits on the broker. */
    private KafkaProducer<String, BudgetLeaseRequest> producer;

    @Inject
    LeaseRequests(@Identifier("default-kafka-broker") Map<String, Object> kafka, RegistryConfig registry) {
        this.props = new HashMap<>(kafka);
        this.registryUrl = registry.url();
    }

    @Override
    public void send(BudgetLeaseRequest request, Consumer<Throwable> failed) {
        try {
            sender.execute(() -> {
                try {
                    producer().send(new ProducerRecord<>(Topics.BUDGET_LEASE_REQUESTS,
                            EventKeys.orgKey(request.getOrgId()), request), (metadata, error) -> {
                                if (error != null) {
                                    LOG.warnf("event=lease_request_failed budget=%s reason=\"%s\"",
                                            request.getBudgetId(), error.getMessage());
                                    failed.accept(error);
                                }
                            });
                } catch (RuntimeException e) {
                    LOG.warnf("event=lease_request_failed budget=%s reason=\"%s\"", request.getBudgetId(),
                            e.getMessage());
                    failed.accept(e);
                }
            });
        } catch (RejectedExecutionException stopping) {
            failed.accept(stopping);
        }
    }

    private KafkaProducer<String, BudgetLeaseRequest> producer() {
        if (producer == null) {
            Map<String, Object> config = new HashMap<>(props);
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, DELIVERY_MS);
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, DELIVERY_MS / 2);
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_MS);
            config.put(ProducerConfig.CLIENT_ID_CONFIG, "tollgate-gateway-budget-leases");
            AvroKafkaSerializer<BudgetLeaseRequest> values = new AvroKafkaSerializer<>();
            values.configure(AvroSerdes.serializerConfig(registryUrl), false);
            producer = new KafkaProducer<>(config, new StringSerializer(), values);
        }
        return producer;
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        sender.execute(() -> {
            if (producer != null) {
                producer.close(Duration.ofSeconds(2));
            }
        });
        sender.shutdown();
        sender.awaitTermination(5, TimeUnit.SECONDS);
    }
}

package dev.tollgate.gateway.budget;

import dev.tollgate.events.v1.BudgetLeaseGrant;
import dev.tollgate.events.v1.BudgetLeaseRequest;
import dev.tollgate.events.v1.BudgetLeaseReturn;
import dev.tollgate.events.v1.BudgetLeaseStatus;
import dev.tollgate.events.v1.BudgetPeriod;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.CalendarPeriods;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the budget owner's part for the gateway's integration tests, over the real broker and registry: the streams
 * app is not running there. It reads lease requests from the real topic and publishes grants on the real topic,
 * leasing out each budget it was told about from its limit less what its leases paid for or still hold (a complete
 * return says what a lease paid for). The real owner, with its exactly-once bookkeeping, is the streams app's
 * (BudgetLeaseTopologyTest, e2e/BudgetLeasesIT).
 */
final class LeaseOwnerStandIn implements AutoCloseable {

    private final KafkaConsumer<String, BudgetLeaseRequest> consumer;
    private final KafkaProducer<String, BudgetLeaseGrant> producer;
    private final Map<String, Long> limits = new ConcurrentHashMap<>();
    private final Map<String, BudgetPeriod> periods = new ConcurrentHashMap<>();
    private final Map<String, ZoneId> zones = new ConcurrentHashMap<>();
    private final Map<String, Long> leases = new ConcurrentHashMap<>();
    private final Map<String, String> leaseBudget = new ConcurrentHashMap<>();
    private final Set<String> open = ConcurrentHashMap.newKeySet();
    private final Set<String> silent = ConcurrentHashMap.newKeySet();
    /** Every lease request read, for the tests' assertions. */
    final List<BudgetLeaseRequest> read = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    LeaseOwnerStandIn(String bootstrap, String registryUrl) {
        AvroKafkaDeserializer<BudgetLeaseRequest> values = new AvroKafkaDeserializer<>();
        values.configure(AvroSerdes.deserializerConfig(registryUrl), false);
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), values);
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(Topics.BUDGET_LEASE_REQUESTS).forEach(p ->
                partitions.add(new TopicPartition(p.topic(), p.partition())));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        AvroKafkaSerializer<BudgetLeaseGrant> grants = new AvroKafkaSerializer<>();
        grants.configure(AvroSerdes.serializerConfig(registryUrl), false);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), grants);
        thread = new Thread(this::run, "lease-owner-stand-in");
        thread.setDaemon(true);
        thread.start();
    }

    /** Leases out budget {@code budgetId} (a daily UTC one) up to {@code limitMicros}. */
    void budget(String budgetId, long limitMicros) {
        budget(budgetId, limitMicros, BudgetPeriod.DAILY, ZoneOffset.UTC);
    }

    /** Leases out budget {@code budgetId}, of {@code period} in {@code zone}, up to {@code limitMicros}. */
    void budget(String budgetId, long limitMicros, BudgetPeriod period, ZoneId zone) {
        periods.put(budgetId, period);
        zones.put(budgetId, zone);
        limits.put(budgetId, limitMicros);
        silent.remove(budgetId);
    }

    /** Stops answering requests for {@code budgetId}, as an owner that cannot be reached. */
    void silence(String budgetId) {
        silent.add(budgetId);
    }

    /** What the leases of {@code budgetId} paid for or still hold. */
    long used(String budgetId) {
        return leases.entrySet().stream().filter(e -> budgetId.equals(leaseBudget.get(e.getKey())))
                .mapToLong(Map.Entry::getValue).sum();
    }

    private void run() {
        while (running.get()) {
            for (ConsumerRecord<String, BudgetLeaseRequest> record : consumer.poll(Duration.ofMillis(50))) {
                read.add(record.value());
                answer(record.value());
            }
        }
    }

    private void answer(BudgetLeaseRequest request) {
        String budget = request.getBudgetId();
        for (BudgetLeaseReturn back : request.getReturns()) {
            if (back.getComplete()) {
                leases.computeIfPresent(back.getLeaseId(), (id, held) -> back.getUsedMicros());
                open.remove(back.getLeaseId());
            }
        }
        Long limit = limits.get(budget);
        if (limit == null || silent.contains(budget) || request.getMinMicros() == 0) {
            return;
        }
        long now = System.currentTimeMillis();
        CalendarPeriods.Window day = CalendarPeriods.containing(periods.get(budget), zones.get(budget),
                Instant.ofEpochMilli(now));
        long used = used(budget);
        long left = limit - used;
        BudgetLeaseGrant.Builder grant = BudgetLeaseGrant.newBuilder().setRequestId(request.getEventId())
                .setOrgId(request.getOrgId()).setBudgetId(budget).setReplicaId(request.getReplicaId())
                .setPeriodStart(Instant.ofEpochMilli(day.startMs())).setPeriodEnd(Instant.ofEpochMilli(day.endMs()))
                .setLimitMicros(limit).setSpentMicros(0).setOutstandingMicros(used)
                .setGrantedAt(Instant.ofEpochMilli(now)).setExpiresAt(Instant.ofEpochMilli(now + 10_000));
        if (left < request.getMinMicros()) {
            boolean held = open.stream().anyMatch(id -> budget.equals(leaseBudget.get(id)));
            grant.setStatus(held ? BudgetLeaseStatus.HELD : BudgetLeaseStatus.EXHAUSTED).setSpentMicros(held ? 0 : used)
                    .setOutstandingMicros(held ? used : 0);
        } else {
            long amount = Math.min(left, Math.max(request.getMinMicros(), request.getRequestedMicros()));
            String id = day.startMs() + "-" + request.getEventId();
            leases.put(id, amount);
            leaseBudget.put(id, budget);
            open.add(id);
            grant.setStatus(BudgetLeaseStatus.GRANTED).setLeaseId(id).setGrantedMicros(amount).setTtlMs(10_000)
                    .setOutstandingMicros(used + amount);
        }
        producer.send(new ProducerRecord<>(Topics.BUDGET_LEASE_GRANTS, request.getOrgId(), grant.build()));
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(5_000);
        consumer.close();
        producer.close();
    }
}

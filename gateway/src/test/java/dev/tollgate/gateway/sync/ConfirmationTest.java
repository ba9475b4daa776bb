package dev.tollgate.gateway.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConfirmationTest {

    private static final TopicPartition KEYS = new TopicPartition("tollgate.keys.v1", 0);
    private static final TopicPartition ENDPOINTS = new TopicPartition("tollgate.endpoints.v1", 0);

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final AtomicInteger lookups = new AtomicInteger();
    private volatile boolean brokerAway;
    private final MockConsumer<String, Object> consumer = new MockConsumer<>("earliest") {
        @Override
        public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, Duration timeout) {
            lookups.incrementAndGet();
            if (brokerAway) {
                throw new TimeoutException("no broker");
            }
            return super.endOffsets(partitions, timeout);
        }
    };
    private final Confirmation confirmation = new Confirmation(now::get, Duration.ofSeconds(10));

    @BeforeEach
    void assign() {
        consumer.assign(List.of(KEYS, ENDPOINTS));
        consumer.updateEndOffsets(Map.of(KEYS, 5L, ENDPOINTS, 3L));
    }

    @Test
    void confirmsWhenItHasReadToTheEndOfEveryPartition() {
        readToTheEnd();
        now.addAndGet(4_000);

        confirmation.check(consumer, List.of(KEYS, ENDPOINTS));

        assertThat(confirmation.staleness()).isZero();
    }

    @Test
    void staysUnconfirmedWhileOnePartitionIsBehind() {
        consumer.seek(KEYS, 5);
        consumer.seek(ENDPOINTS, 2);
        now.addAndGet(4_000);

        confirmation.check(consumer, List.of(KEYS, ENDPOINTS));

        assertThat(confirmation.staleness()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void growsWhileTheBrokerCannotBeReachedAndResetsOnceItAnswers() {
        readToTheEnd();
        brokerAway = true;
        for (int second = 0; second < 20; second++) {
            now.addAndGet(1_000);
            confirmation.check(consumer, List.of(KEYS, ENDPOINTS));
        }
        assertThat(confirmation.staleness()).isEqualTo(Duration.ofSeconds(20));

        brokerAway = false;
        now.addAndGet(1_000);
        confirmation.check(consumer, List.of(KEYS, ENDPOINTS));

        assertThat(confirmation.staleness()).isZero();
    }

    @Test
    void asksTheBrokerAtMostOncePerInterval() {
        readToTheEnd();
        for (int i = 0; i < 10; i++) {
            now.addAndGet(200); // the follower polls every 200 ms
            confirmation.check(consumer, List.of(KEYS, ENDPOINTS));
        }

        assertThat(lookups.get()).isEqualTo(2); // 2 s of polls
    }

    private void readToTheEnd() {
        consumer.seek(KEYS, 5);
        consumer.seek(ENDPOINTS, 3);
    }
}

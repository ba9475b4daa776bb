package dev.tollgate.gateway.sync;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * When this replica last knew that it held every admin state change: the last time its follower's position was at
 * the end offset the broker reported for every partition of the admin topics.
 *
 * <p><b>Why:</b> a revocation reaches a replica within about a second while the broker answers. While it does not,
 * {@code poll} just returns nothing, so a replica cut off from Kafka would keep accepting a revoked key with no
 * sign of it. The confirmation time stops moving instead, and {@link #staleness} says for how long a change may
 * have been missed: the {@code tollgate.admin_state.staleness} gauge, the {@code admin-state} readiness data, and a
 * warning in the log.
 *
 * <p>Used by the follower's thread only, except {@link #staleness}, which any thread may read.
 */
final class Confirmation {

    private static final Logger LOG = Logger.getLogger(Confirmation.class);
    /** How often the follower asks the broker for the end offsets: one small request a second per replica. */
    static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private final LongSupplier clock;
    private final Duration warnAfter;
    private volatile long confirmedAt;
    private long nextCheck;
    private boolean warned;

    /**
     * @param clock     milliseconds, monotonic enough for differences
     * @param warnAfter staleness past which the log warns, once until the next confirmation
     */
    Confirmation(LongSupplier clock, Duration warnAfter) {
        this.clock = clock;
        this.warnAfter = warnAfter;
        this.confirmedAt = clock.getAsLong();
    }

    /** Confirms now if the consumer has read to the broker's end of every partition; at most once per interval. */
    void check(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        long now = clock.getAsLong();
        if (now < nextCheck) {
            return;
        }
        nextCheck = now + INTERVAL.toMillis();
        if (caughtUp(consumer, partitions)) {
            confirm(now);
        } else if (!warned && now - confirmedAt > warnAfter.toMillis()) {
            warned = true;
            LOG.warnf("admin state not confirmed current, revoked keys and endpoint changes may be missed "
                    + "staleness_ms=%d", now - confirmedAt);
        }
    }

    /** Confirms now: the follower has just read everything up to the end offsets it noted. */
    void confirm(long now) {
        if (warned) {
            LOG.infof("admin state confirmed current again staleness_ms=%d", now - confirmedAt);
            warned = false;
        }
        confirmedAt = now;
    }

    /** How long since the replica last knew it held every change; zero right after a confirmation. */
    Duration staleness() {
        return Duration.ofMillis(Math.max(0, clock.getAsLong() - confirmedAt));
    }

    private static boolean caughtUp(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        try {
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                if (consumer.position(end.getKey(), TIMEOUT) < end.getValue()) {
                    return false;
                }
            }
            return ends.keySet().containsAll(partitions);
        } catch (KafkaException unreachable) { // TimeoutException included
            return false;
        }
    }
}

package dev.tollgate.streams.budgets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Gives every lease request the earliest possible stream timestamp, so that its task processes it before any usage
 * it has buffered.
 *
 * <p><b>Why:</b> a task that reads several partitions processes next the record with the lowest timestamp among
 * their heads. A lease request's own timestamp is when the replica sent it, while the usage it is merged with is
 * stamped when each request completed; whenever the task is behind on usage (a burst, a cold start, a busy machine),
 * every ask would wait behind that backlog, and the request that waits for the lease with it, up to
 * {@code lease-wait}. The order of asks and usage does not matter to the owner's accounting ({@link LeaseDesk}), so
 * asks go first. The timestamp is the record's stream time only: what is stored on the topic is unchanged, and
 * nothing downstream of the lease requests is windowed or publishes the request's timestamp.
 */
public final class LeaseRequestsFirst implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        return 0;
    }
}

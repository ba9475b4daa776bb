package dev.tollgate.gateway.sync;

import io.smallrye.mutiny.Uni;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * One kind of admin state (keys, endpoints, budgets, ...) that every replica holds in memory and follows from its
 * compacted topic. A feature implements it for its own state, as a bean; {@link AdminStateFollower} discovers
 * every implementation, so adding a kind of admin state never touches this package.
 *
 * <p>The contract that keeps replicas equal: {@link #snapshot()} turns the PostgreSQL rows into exactly the records
 * the feature publishes on {@link #topic()}, and both pass through {@link #apply}, so a replica that loaded a
 * snapshot and one that read the topic hold the same thing.
 *
 * @param <V> the Avro record published on the topic
 */
public interface AdminStateFeed<V extends SpecificRecord> {

    /** The compacted topic this state is published on, keyed by the state's id. */
    String topic();

    /** The record type of {@link #topic()}; a record of any other type there is logged and skipped. */
    Class<V> type();

    /**
     * Every current state, read from PostgreSQL (the system of record) and turned into its published form, by
     * topic key. Called at start and after following failed, inside a reactive session the follower opens.
     */
    Uni<Map<String, V>> snapshot();

    /**
     * Applies one state, read from the topic or from the snapshot, to what the hot path reads. {@code state} is
     * null for a tombstone. Runs on the follower's thread; must not block.
     */
    void apply(String key, V state);
}

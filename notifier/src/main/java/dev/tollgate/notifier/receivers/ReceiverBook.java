package dev.tollgate.notifier.receivers;

import dev.tollgate.control.v1.AlertReceiver;
import dev.tollgate.notifier.config.RegistryConfig;
import dev.tollgate.notifier.follow.CompactedTopicFollower;
import dev.tollgate.schemas.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Every receiver, in memory, followed from the compacted {@code tollgate.alert-receivers.v1} (see
 * {@link CompactedTopicFollower}); a tombstone removes a receiver, and an older version never replaces a newer one.
 * The notifier is the only reader of that topic, since it carries the receivers' URLs.
 */
@Singleton
public class ReceiverBook {

    private static final Logger LOG = Logger.getLogger(ReceiverBook.class);

    private final Map<String, Receiver> receivers = new ConcurrentHashMap<>();
    private final CompactedTopicFollower follower;

    @Inject
    ReceiverBook(@Identifier("default-kafka-broker") Map<String, Object> kafka, RegistryConfig registry) {
        this.follower = new CompactedTopicFollower(Topics.ALERT_RECEIVERS, "tollgate-notifier-receivers", kafka,
                registry.url(), this::apply);
    }

    void start(@Observes StartupEvent ignored) {
        follower.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        follower.stop();
    }

    /** The receiver {@code id}, if it exists. */
    public Optional<Receiver> get(String id) {
        return Optional.ofNullable(receivers.get(id));
    }

    /** Whether every receiver published before start is held. */
    public boolean ready() {
        return follower.ready();
    }

    /** Applies one record of the topic; a tombstone removes the receiver. */
    void apply(String id, Object value) {
        if (value == null) {
            receivers.remove(id);
            LOG.infof("event=receiver_removed receiver=%s", id);
            return;
        }
        if (!(value instanceof AlertReceiver record)) {
            LOG.warnf("event=receiver_ignored receiver=%s type=%s", id, value.getClass().getName());
            return;
        }
        Receiver receiver = Receiver.of(record);
        receivers.merge(id, receiver, (held, next) -> next.version() >= held.version() ? next : held);
        LOG.infof("event=receiver_applied receiver=%s type=%s version=%d", id, receiver.type(), receiver.version());
    }
}

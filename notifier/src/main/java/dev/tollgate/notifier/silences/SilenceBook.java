package dev.tollgate.notifier.silences;

import dev.tollgate.control.v1.AlertSilence;
import dev.tollgate.notifier.config.RegistryConfig;
import dev.tollgate.notifier.follow.CompactedTopicFollower;
import dev.tollgate.schemas.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Every silence, in memory, followed from the compacted {@code tollgate.alert-silences.v1} like the receivers (see
 * {@link CompactedTopicFollower}); an older version of a silence never replaces a newer one. The dispatcher asks it,
 * at each round, which alerts are muted now (docs/alerts.md#silences).
 */
@Singleton
public class SilenceBook {

    private static final Logger LOG = Logger.getLogger(SilenceBook.class);

    private final Map<String, Silence> silences = new ConcurrentHashMap<>();
    private final CompactedTopicFollower follower;

    @Inject
    SilenceBook(@Identifier("default-kafka-broker") Map<String, Object> kafka, RegistryConfig registry) {
        this.follower = new CompactedTopicFollower(Topics.ALERT_SILENCES, "tollgate-notifier-silences", kafka,
                registry.url(), this::apply);
    }

    void start(@Observes StartupEvent ignored) {
        follower.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        follower.stop();
    }

    /** Whether every silence published before start is held: until then, nothing may be delivered. */
    public boolean ready() {
        return follower.ready();
    }

    /** The ids of the silences that mute an alert with {@code labels} at {@code now}; empty when none does. */
    public List<String> muting(Map<String, String> labels, Instant now) {
        List<String> ids = new ArrayList<>();
        silences.values().forEach(s -> {
            if (s.mutes(labels, now)) {
                ids.add(s.id());
            }
        });
        return ids;
    }

    /** Applies one record of the topic; a tombstone removes the silence. */
    void apply(String id, Object value) {
        if (value == null) {
            silences.remove(id);
            LOG.infof("event=silence_removed silence=%s", id);
            return;
        }
        if (!(value instanceof AlertSilence record)) {
            LOG.warnf("event=silence_ignored silence=%s type=%s", id, value.getClass().getName());
            return;
        }
        Silence silence = Silence.of(record);
        silences.merge(id, silence, (held, next) -> next.version() >= held.version() ? next : held);
        LOG.infof("event=silence_applied silence=%s matchers=%d starts_at=%s ends_at=%s version=%d", id,
                silence.matchers().size(), silence.startsAt(), silence.endsAt(), silence.version());
    }
}

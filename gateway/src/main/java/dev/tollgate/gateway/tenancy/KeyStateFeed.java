package dev.tollgate.gateway.tenancy;

import dev.tollgate.control.v1.ApiKeyState;
import dev.tollgate.gateway.auth.KeyStore;
import dev.tollgate.gateway.sync.AdminStateFeed;
import dev.tollgate.gateway.sync.StatePublisher;
import dev.tollgate.schemas.Topics;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * API keys as admin state: published on {@code tollgate.keys.v1} when the admin API changes one, and held by every
 * replica's {@link KeyStore}. A key is never deleted, only revoked, so a tombstone on the topic changes nothing.
 */
@Singleton
public class KeyStateFeed implements AdminStateFeed<ApiKeyState> {

    private static final Logger LOG = Logger.getLogger(KeyStateFeed.class);

    private final KeyStore keys;
    private final StatePublisher publisher;

    private final LegacyEnvironments legacy;

    @Inject
    KeyStateFeed(KeyStore keys, StatePublisher publisher, KeysConfig config) {
        this.keys = keys;
        this.publisher = publisher;
        this.legacy = config.legacyEnvironments();
    }

    @Override
    public String topic() {
        return Topics.KEYS;
    }

    @Override
    public Class<ApiKeyState> type() {
        return ApiKeyState.class;
    }

    @Override
    public Uni<Map<String, ApiKeyState>> snapshot() {
        return ApiKeyEntity.<ApiKeyEntity>listAll().map(rows -> {
            Map<String, ApiKeyState> states = new LinkedHashMap<>();
            rows.forEach(row -> states.put(row.id, KeyStates.keyState(row)));
            return states;
        });
    }

    @Override
    public void apply(String keyId, ApiKeyState state) {
        if (state == null) {
            LOG.debugf("admin state tombstone ignored key=%s", keyId);
            return;
        }
        boolean applied = keys.put(KeyStates.keyRecord(state, legacy));
        LOG.debugf("admin state applied key=%s version=%d applied=%s", state.getKeyId(), state.getVersion(), applied);
    }

    /** Publishes the current state of {@code key} to every replica. */
    Uni<Void> publish(ApiKeyEntity key) {
        return publisher.publish(Topics.KEYS, key.id, KeyStates.keyState(key),
                "key=" + key.id + " version=" + key.version);
    }
}

package dev.tollgate.gateway.auth;

import dev.tollgate.gateway.config.BootstrapConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The API keys this replica accepts, held in memory as digests indexed by prefix. Authentication is a map
 * lookup and a constant-time compare; no request ever waits on a database. Keys come from the bootstrap
 * configuration and from the admin state every replica follows ({@link #put}); revoked keys stay held so a
 * client is told its key was revoked rather than that it is unknown.
 */
@Singleton
public class KeyStore {

    private final Map<String, List<KeyRecord>> byPrefix = new ConcurrentHashMap<>();
    private final Map<String, KeyRecord> byKeyId = new ConcurrentHashMap<>();
    private final Clock clock;

    /** Why a key that matched was refused. */
    public enum Refusal {
        EXPIRED, REVOKED
    }

    /** The outcome of looking a presented key up. */
    public sealed interface Lookup permits Accepted, Refused, Unknown {
    }

    /** The key is held and usable. */
    public record Accepted(Principal principal) implements Lookup {
    }

    /** The key is held but no longer usable. */
    public record Refused(KeyRecord key, Refusal reason) implements Lookup {
    }

    /** No held key matches. */
    public record Unknown() implements Lookup {
    }

    @Inject
    KeyStore(BootstrapConfig bootstrap) {
        this(bootstrap, Clock.systemUTC());
    }

    KeyStore(BootstrapConfig bootstrap, Clock clock) {
        this.clock = clock;
        bootstrap.apiKey().filter(k -> !k.isBlank()).ifPresent(key -> add(key,
                new Principal(bootstrap.keyId(), bootstrap.orgId(), null, Set.of())));
    }

    /** Accepts {@code key} from now on, as {@code principal}, without expiry. */
    public void add(String key, Principal principal) {
        put(new KeyRecord(principal, ApiKeyHash.prefix(key), ApiKeyHash.digest(key), null, null, 0));
    }

    /**
     * Holds {@code key} from now on, replacing the record of the same key id unless that one is newer.
     *
     * @return whether the record was applied (false when a newer version is already held)
     */
    public synchronized boolean put(KeyRecord key) {
        String keyId = key.principal().keyId();
        KeyRecord held = byKeyId.get(keyId);
        if (held != null && held.version() > key.version()) {
            return false;
        }
        if (held != null) {
            List<KeyRecord> heldList = byPrefix.get(held.prefix());
            if (heldList != null) {
                heldList.remove(held);
            }
        }
        byKeyId.put(keyId, key);
        byPrefix.computeIfAbsent(key.prefix(), p -> new CopyOnWriteArrayList<>()).add(key);
        return true;
    }

    /** Looks up {@code presentedKey}: accepted, refused (expired or revoked) or unknown. */
    public Lookup lookup(String presentedKey) {
        List<KeyRecord> candidates = byPrefix.get(ApiKeyHash.prefix(presentedKey));
        if (candidates == null) {
            return new Unknown();
        }
        for (KeyRecord candidate : candidates) {
            if (ApiKeyHash.matches(candidate.digest(), presentedKey)) {
                Refusal refusal = candidate.refusalAt(Instant.now(clock));
                return refusal == null ? new Accepted(candidate.principal()) : new Refused(candidate, refusal);
            }
        }
        return new Unknown();
    }

    /** The principal of {@code presentedKey}, or empty when no usable key matches it. */
    public Optional<Principal> find(String presentedKey) {
        return lookup(presentedKey) instanceof Accepted accepted ? Optional.of(accepted.principal()) : Optional.empty();
    }

    /** The record held for {@code keyId}, if any. */
    public Optional<KeyRecord> byId(String keyId) {
        return Optional.ofNullable(byKeyId.get(keyId));
    }
}

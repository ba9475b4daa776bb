package dev.tollgate.gateway.auth;

import dev.tollgate.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The API keys this replica accepts, held in memory as digests indexed by prefix. Authentication is a map
 * lookup and a constant-time compare; no request ever waits on a database.
 */
@ApplicationScoped
public class KeyStore {

    private final Map<String, List<StoredKey>> byPrefix = new ConcurrentHashMap<>();

    record StoredKey(byte[] digest, Principal principal) {
    }

    @Inject
    KeyStore(GatewayConfig config) {
        GatewayConfig.Bootstrap bootstrap = config.bootstrap();
        bootstrap.apiKey().filter(k -> !k.isBlank()).ifPresent(key -> add(key,
                new Principal(bootstrap.keyId(), bootstrap.orgId(), null, Set.of())));
    }

    /** Accepts {@code key} from now on, as {@code principal}. */
    public void add(String key, Principal principal) {
        byPrefix.computeIfAbsent(ApiKeyHash.prefix(key), p -> new CopyOnWriteArrayList<>())
                .add(new StoredKey(ApiKeyHash.digest(key), principal));
    }

    /** The principal of {@code presentedKey}, or empty when no stored key matches it. */
    public Optional<Principal> find(String presentedKey) {
        List<StoredKey> candidates = byPrefix.get(ApiKeyHash.prefix(presentedKey));
        if (candidates == null) {
            return Optional.empty();
        }
        for (StoredKey candidate : candidates) {
            if (ApiKeyHash.matches(candidate.digest(), presentedKey)) {
                return Optional.of(candidate.principal());
            }
        }
        return Optional.empty();
    }
}

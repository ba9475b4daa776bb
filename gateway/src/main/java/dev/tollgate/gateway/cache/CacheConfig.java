package dev.tollgate.gateway.cache;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The response cache (docs/cache.md). It is opt-in: no request is answered from it unless its org, its key or the
 * request itself asks; these settings bound it.
 */
@ConfigMapping(prefix = "tollgate.cache")
public interface CacheConfig {

    /** Off: no request reads or fills the cache, whatever the policies and requests ask. */
    @WithDefault("true")
    boolean enabled();

    /** What the cached answers of all orgs may hold together, in bytes (their bodies, events and keys). */
    @WithDefault("67108864")
    long maxBytes();

    /** The largest answer kept; a larger one is served and not cached. */
    @WithDefault("1048576")
    int maxEntryBytes();

    /** How long an answer stays when neither the request nor a policy gives a TTL. */
    @WithDefault("5m")
    Duration defaultTtl();

    /** The longest TTL a request or policy may ask for; longer ones are cut to it. */
    @WithDefault("24h")
    Duration maxTtl();
}

package dev.tollgate.gateway.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The cached answers of every org, in memory, bounded by bytes: Caffeine with a weigher (the bytes of each answer and
 * its key), a per-entry expiry (each answer's TTL) and W-TinyLFU eviction past {@code tollgate.cache.max-bytes}.
 * Reads and writes are non-blocking; eviction and expiry run on Caffeine's maintenance, never holding a request.
 * Exported as {@code cache_*} metrics tagged {@code cache=tollgate_response_cache}.
 */
@Singleton
class ResponseCache {

    private final Cache<CacheKey, CachedAnswer> entries;

    @Inject
    ResponseCache(CacheConfig config, MeterRegistry meters) {
        this(config.maxBytes());
        CaffeineCacheMetrics.monitor(meters, entries, "tollgate_response_cache");
    }

    ResponseCache(long maxBytes) {
        entries = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((CacheKey key, CachedAnswer answer) -> key.weight() + answer.weight())
                .expireAfter(new Expiry<CacheKey, CachedAnswer>() {
                    @Override
                    public long expireAfterCreate(CacheKey key, CachedAnswer answer, long now) {
                        return answer.ttlNanos();
                    }

                    @Override
                    public long expireAfterUpdate(CacheKey key, CachedAnswer answer, long now, long current) {
                        return answer.ttlNanos();
                    }

                    @Override
                    public long expireAfterRead(CacheKey key, CachedAnswer answer, long now, long current) {
                        return current;
                    }
                })
                .recordStats()
                .build();
    }

    /** The live answer kept under {@code key}, or null. */
    CachedAnswer get(CacheKey key) {
        return entries.getIfPresent(key);
    }

    void put(CacheKey key, CachedAnswer answer) {
        entries.put(key, answer);
    }

    /** The bytes held now, as weighed; for tests and metrics. */
    long weightedBytes() {
        entries.cleanUp();
        return entries.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }
}

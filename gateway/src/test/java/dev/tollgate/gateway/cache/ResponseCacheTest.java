package dev.tollgate.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.openai.TokenUsage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ResponseCacheTest {

    private static final TokenUsage USAGE = new TokenUsage(10, 20, 0, false);

    private static CachedAnswer whole(int bytes, long ttlNanos) {
        return new CachedAnswer.Whole("application/json", new byte[bytes], USAGE, 30, ttlNanos);
    }

    @Test
    void staysWithinItsBytesBound() {
        ResponseCache cache = new ResponseCache(1_000_000);
        for (int i = 0; i < 200; i++) {
            cache.put(new CacheKey("acme", "llama", Integer.toString(i)), whole(20_000, TimeUnit.MINUTES.toNanos(5)));
        }

        assertThat(cache.weightedBytes()).isLessThanOrEqualTo(1_000_000).isGreaterThan(500_000);
    }

    @Test
    void anEntryExpiresAfterItsTtl() throws InterruptedException {
        ResponseCache cache = new ResponseCache(1_000_000);
        CacheKey shortLived = new CacheKey("acme", "llama", "short");
        CacheKey longLived = new CacheKey("acme", "llama", "long");
        cache.put(shortLived, whole(10, TimeUnit.MILLISECONDS.toNanos(50)));
        cache.put(longLived, whole(10, TimeUnit.MINUTES.toNanos(5)));

        Thread.sleep(120);

        assertThat(cache.get(shortLived)).isNull();
        assertThat(cache.get(longLived)).isNotNull();
    }

    @Test
    void oneOrgNeverReadsAnothersEntryEvenWithTheSameDigest() {
        ResponseCache cache = new ResponseCache(1_000_000);
        cache.put(new CacheKey("acme", "llama", "d1"), whole(10, TimeUnit.MINUTES.toNanos(5)));

        assertThat(cache.get(new CacheKey("globex", "llama", "d1"))).isNull();
        assertThat(cache.get(new CacheKey("acme", "llama", "d1"))).isNotNull();
    }
}

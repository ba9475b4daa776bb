package dev.tollgate.gateway.cache;

import dev.tollgate.gateway.exchange.AnswerTap;
import dev.tollgate.gateway.exchange.Exchange;
import dev.tollgate.gateway.openai.TokenUsage;
import dev.tollgate.gateway.routing.Endpoint;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the answer of one cache miss as it is relayed, and stores it when it ended well: a whole 200 answer, or a
 * stream that reached {@code data: [DONE]}. An answer that failed or was cut off never completes, so what was
 * collected is dropped with the exchange. An answer larger than {@code tollgate.cache.max-entry-bytes} stops being
 * collected at that size. Runs on the request's event loop only.
 */
final class CacheRecorder implements AnswerTap {

    private final ResponseCache cache;
    private final CacheKey key;
    private final long ttlNanos;
    private final int maxBytes;
    private final Exchange exchange;
    private List<byte[]> chunks = new ArrayList<>();
    private int bytes;

    CacheRecorder(ResponseCache cache, CacheKey key, long ttlNanos, int maxBytes, Exchange exchange) {
        this.cache = cache;
        this.key = key;
        this.ttlNanos = ttlNanos;
        this.maxBytes = maxBytes;
        this.exchange = exchange;
    }

    @Override
    public void wholeAnswered(String contentType, Buffer body, TokenUsage usage) {
        if (body.length() <= maxBytes) {
            cache.put(key, new CachedAnswer.Whole(contentType, body.getBytes(), usage, cost(usage), ttlNanos));
        }
    }

    @Override
    public void streamed(Buffer out) {
        if (chunks == null) {
            return;
        }
        bytes += out.length();
        if (bytes > maxBytes) {
            chunks = null;
            return;
        }
        chunks.add(out.getBytes());
    }

    @Override
    public void streamCompleted(Buffer remainder, TokenUsage usage) {
        if (chunks == null || bytes + remainder.length() > maxBytes) {
            return;
        }
        chunks.add(remainder.getBytes());
        cache.put(key, new CachedAnswer.Stream(List.copyOf(chunks), usage, cost(usage), ttlNanos));
        chunks = null;
    }

    private long cost(TokenUsage usage) {
        Endpoint endpoint = exchange.endpoint();
        return endpoint == null ? 0 : endpoint.price().costMicros(usage.promptTokens(), usage.completionTokens());
    }
}

package dev.tollgate.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.gateway.exchange.Exchange;
import dev.tollgate.gateway.openai.OpenAiApi;
import dev.tollgate.gateway.openai.TokenUsage;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CacheRecorderTest {

    private static final TokenUsage USAGE = new TokenUsage(3, 5, 0, false);
    private final ResponseCache cache = new ResponseCache(10_000_000);
    private final CacheKey key = new CacheKey("acme", "llama", "digest");

    private CacheRecorder recorder(int maxBytes) {
        Exchange exchange = new Exchange(null, OpenAiApi.CHAT_COMPLETIONS, "req-1",
                new Principal("key-1", "acme", null, java.util.Set.of()));
        return new CacheRecorder(cache, key, TimeUnit.MINUTES.toNanos(1), maxBytes, exchange);
    }

    private static Buffer text(String s) {
        return Buffer.buffer(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keepsACompletedStreamAsItsWrites() {
        CacheRecorder recorder = recorder(1_000_000);
        recorder.streamed(text("data: {\"a\":1}\n\n"));
        recorder.streamed(text("data: {\"a\":2}\n\n"));
        recorder.streamCompleted(text("data: [DONE]\n\n"), USAGE);

        CachedAnswer.Stream kept = (CachedAnswer.Stream) cache.get(key);
        assertThat(kept.chunks()).hasSize(3);
        assertThat(new String(kept.chunks().get(2), StandardCharsets.UTF_8)).isEqualTo("data: [DONE]\n\n");
        assertThat(kept.usage()).isEqualTo(USAGE);
    }

    @Test
    void neverKeepsAStreamThatDidNotComplete() {
        CacheRecorder recorder = recorder(1_000_000);
        recorder.streamed(text("data: {\"a\":1}\n\n"));

        assertThat(cache.get(key)).isNull();
    }

    @Test
    void doesNotKeepAnAnswerLargerThanTheEntryLimit() {
        CacheRecorder streamed = recorder(20);
        streamed.streamed(text("data: {\"a\":1}\n\n"));
        streamed.streamed(text("data: {\"a\":2}\n\n"));
        streamed.streamCompleted(text("data: [DONE]\n\n"), USAGE);
        recorder(20).wholeAnswered("application/json", text("{\"choices\":[\"a long answer\"]}"), USAGE);

        assertThat(cache.get(key)).isNull();
    }

    @Test
    void keepsAWholeAnswersExactBytes() {
        Buffer body = text("{ \"id\" : \"chatcmpl-1\" }");
        recorder(1_000).wholeAnswered("application/json; charset=utf-8", body, USAGE);

        CachedAnswer.Whole kept = (CachedAnswer.Whole) cache.get(key);
        assertThat(kept.body()).isEqualTo(body.getBytes());
        assertThat(kept.contentType()).isEqualTo("application/json; charset=utf-8");
    }
}

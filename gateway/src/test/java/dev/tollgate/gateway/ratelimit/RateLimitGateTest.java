package dev.tollgate.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.gateway.openai.ApiRequest;
import dev.tollgate.gateway.openai.OpenAiApi;
import dev.tollgate.gateway.openai.RequestParser;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RateLimitGateTest {

    @Test
    void reservesMaxTokensTimesChoicesOrTheDefaultWhenAbsent() {
        assertThat(RateLimitGate.reservedTokens(request("{\"max_tokens\":100}", 100L), 4096)).isEqualTo(100);
        assertThat(RateLimitGate.reservedTokens(request("{\"max_tokens\":100,\"n\":3}", 100L), 4096)).isEqualTo(300);
        assertThat(RateLimitGate.reservedTokens(request("{}", null), 4096)).isEqualTo(4096);
    }

    @Test
    void chargesEmbeddingsTheirEstimatedInputInsteadOfMaxTokens() throws java.io.IOException {
        ObjectNode body = (ObjectNode) RequestParser.MAPPER.readTree("{\"input\":[[1,2,3],[4,5,6,7]]}");
        ApiRequest embeddings = new ApiRequest(OpenAiApi.EMBEDDINGS, body, "m", false, false, null, null, 2);

        assertThat(RateLimitGate.reservedTokens(embeddings, 4096)).isEqualTo(7);
    }

    @Test
    void namesTheScopeAndTheKindInTheMessage() {
        Principal p = new Principal("key-7", "acme", null, Set.of());
        Quota q = Quota.UNLIMITED;

        String requests = RateLimitGate.message(p, new RateLimiter.Limited(RateLimiter.Scope.KEY,
                RateLimiter.Kind.REQUESTS, 3, 1, 20_000_000_000L, q));
        String tokens = RateLimitGate.message(p, new RateLimiter.Limited(RateLimiter.Scope.ORG,
                RateLimiter.Kind.TOKENS, 1000, 5000, 60_000_000_000L, q));

        assertThat(requests).contains("API key key-7").contains("requests per min (RPM)").contains("Limit 3")
                .contains("try again in 20s");
        assertThat(tokens).contains("organization acme").contains("tokens per min (TPM)")
                .contains("larger than the limit");
    }

    private static ApiRequest request(String json, Long maxTokens) {
        try {
            ObjectNode body = (ObjectNode) RequestParser.MAPPER.readTree(json);
            return new ApiRequest(OpenAiApi.CHAT_COMPLETIONS, body, "m", false, false, maxTokens, null, 1);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.tollgate.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.gateway.openai.OpenAiApi;
import dev.tollgate.gateway.openai.RequestParser;
import org.junit.jupiter.api.Test;

class CacheKeyTest {

    private static JsonNode json(String text) throws Exception {
        return RequestParser.MAPPER.readTree(text);
    }

    private static CacheKey key(String org, String body) throws Exception {
        return CacheKey.of(org, "llama", OpenAiApi.CHAT_COMPLETIONS, json(body));
    }

    @Test
    void keyOrderAndWhitespaceDoNotChangeTheKey() throws Exception {
        CacheKey compact = key("acme", "{\"model\":\"llama\",\"temperature\":0,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}");
        CacheKey spaced = key("acme", "{ \"messages\" : [ { \"content\" : \"hi\", \"role\" : \"user\" } ],\n"
                + "  \"temperature\": 0.0, \"model\": \"llama\" }");

        assertThat(spaced).isEqualTo(compact);
    }

    @Test
    void numbersCompareByValue() throws Exception {
        assertThat(CacheKey.canonical(json("{\"a\":0.50,\"b\":1.0,\"c\":5e-1,\"d\":-0.0}")))
                .isEqualTo("{\"a\":0.5,\"b\":1,\"c\":0.5,\"d\":0}");
    }

    @Test
    void theCacheDirectiveFieldIsNotPartOfTheKey() throws Exception {
        assertThat(key("acme", "{\"model\":\"llama\",\"tollgate_cache\":\"ttl=60\",\"messages\":[]}"))
                .isEqualTo(key("acme", "{\"model\":\"llama\",\"messages\":[]}"));
    }

    @Test
    void differentContentOrMessageOrderGivesADifferentKey() throws Exception {
        CacheKey one = key("acme", "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"b\"}]}");
        CacheKey swapped = key("acme", "{\"messages\":[{\"role\":\"user\",\"content\":\"b\"},{\"role\":\"user\",\"content\":\"a\"}]}");
        CacheKey other = key("acme", "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"c\"}]}");

        assertThat(swapped).isNotEqualTo(one);
        assertThat(other).isNotEqualTo(one);
    }

    @Test
    void theSameBodyOfAnotherOrgOrModelOrApiIsAnotherEntry() throws Exception {
        String body = "{\"model\":\"llama\",\"messages\":[]}";
        CacheKey acme = key("acme", body);

        assertThat(key("globex", body)).isNotEqualTo(acme);
        assertThat(key("globex", body).digest()).isEqualTo(acme.digest()); // equal digests, still apart by org
        assertThat(CacheKey.of("acme", "mistral", OpenAiApi.CHAT_COMPLETIONS, json(body))).isNotEqualTo(acme);
        assertThat(CacheKey.of("acme", "llama", OpenAiApi.COMPLETIONS, json(body))).isNotEqualTo(acme);
    }

    @Test
    void escapesStringsOneWay() throws Exception {
        assertThat(CacheKey.canonical(json("{\"s\":\"a\\\"b\\\\c\\n\\u00e9\"}")))
                .isEqualTo("{\"s\":\"a\\\"b\\\\c\\u000aé\"}");
    }
}

package dev.tollgate.local.vllm;

import static dev.tollgate.local.vllm.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddingsTest {

    private static final String EMBEDDINGS = "/v1/embeddings";

    private static VllmSimulator simulator;
    private static SimHttp http;

    @BeforeAll
    static void start() {
        simulator = VllmSimulator.start(SimulatorConfig.defaults().withEventLoops(1).withEmbeddingDimensions(8));
        http = new SimHttp(simulator);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void embedsAStringAsAUnitVectorOfTheConfiguredDimension() {
        JsonNode body = json(http.post(EMBEDDINGS, "{\"model\":\"sim-model\",\"input\":\"hello world\"}"));

        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.path("model").asText()).isEqualTo("sim-model");
        JsonNode item = body.path("data").get(0);
        assertThat(item.path("object").asText()).isEqualTo("embedding");
        assertThat(item.path("index").asInt()).isZero();
        assertThat(item.path("embedding")).hasSize(8);
        double norm = 0;
        for (JsonNode value : item.path("embedding")) {
            norm += value.asDouble() * value.asDouble();
        }
        assertThat(norm).isCloseTo(1.0, within(1e-4));
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void embedsEqualInputsEquallyAndDifferentInputsDifferently() {
        JsonNode body = json(http.post(EMBEDDINGS, "{\"input\":[\"alpha\",\"beta\",\"alpha\"]}"));

        JsonNode data = body.path("data");
        assertThat(data).hasSize(3);
        assertThat(data.get(2).path("index").asInt()).isEqualTo(2);
        assertThat(data.get(0).path("embedding")).isEqualTo(data.get(2).path("embedding"));
        assertThat(data.get(0).path("embedding")).isNotEqualTo(data.get(1).path("embedding"));
        JsonNode again = json(http.post(EMBEDDINGS, "{\"input\":\"beta\"}"));
        assertThat(again.path("data").get(0).path("embedding")).isEqualTo(data.get(1).path("embedding"));
    }

    @Test
    void encodesBase64AsLittleEndianFloat32OfTheSameVector() {
        JsonNode floats = json(http.post(EMBEDDINGS, "{\"input\":\"same\"}")).path("data").get(0).path("embedding");
        String encoded = json(http.post(EMBEDDINGS, "{\"input\":\"same\",\"encoding_format\":\"base64\"}"))
                .path("data").get(0).path("embedding").asText();

        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.remaining()).isEqualTo(8 * Float.BYTES);
        for (int i = 0; i < 8; i++) {
            assertThat(bytes.getFloat()).isEqualTo(floats.get(i).floatValue());
        }
    }

    @Test
    void acceptsTokenIdInputs() {
        JsonNode body = json(http.post(EMBEDDINGS, "{\"input\":[[1,2,3],[4,5]]}"));

        assertThat(body.path("data")).hasSize(2);
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void rejectsMissingInputAndUnknownEncodingWith400() {
        assertThat(http.post(EMBEDDINGS, "{\"model\":\"sim-model\"}").statusCode()).isEqualTo(400);
        assertThat(json(http.post(EMBEDDINGS, "{\"input\":\"x\",\"encoding_format\":\"hex\"}"))
                .path("error").path("param").asText()).isEqualTo("encoding_format");
        assertThat(http.post(EMBEDDINGS, "{\"input\":[true]}").statusCode()).isEqualTo(400);
    }
}

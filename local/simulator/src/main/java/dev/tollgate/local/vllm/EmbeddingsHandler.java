package dev.tollgate.local.vllm;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code POST /v1/embeddings}: one unit vector per input, a pure function of the input (not of the seed), so equal
 * inputs always embed equally and different ones almost surely differ.
 *
 * <p>Input is a string, an array of strings, an array of token ids or an array of arrays of token ids, as in vLLM;
 * {@code encoding_format} is {@code float} (default) or {@code base64} (little-endian float32). The answer waits the
 * time to first token, and failure injection applies as for completions.
 */
final class EmbeddingsHandler {

    private final SimulatorRuntime runtime;

    EmbeddingsHandler(SimulatorRuntime runtime) {
        this.runtime = runtime;
    }

    /** One input: the hash its vector derives from, and its token count. */
    record Input(long hash, int tokens) {
    }

    void handle(HttpServerRequest request, JsonNode body) {
        SimulatorConfig config = runtime.config();
        List<Input> inputs = inputs(body.get("input"));
        boolean base64 = base64(body.get("encoding_format"));
        String model = RequestParser.model(body, config);
        Overrides overrides = Overrides.from(request.headers());
        FailureInjector.Fault fault = FaultGate.draw(runtime, config, overrides, false);
        if (FaultGate.intercept(request, fault, config, overrides, false)) {
            return;
        }
        long delay = overrides.ttftMs() != null ? overrides.ttftMs() : config.timeToFirstToken().toMillis();
        Runnable answer = () -> answer(request, config, model, inputs, base64);
        if (delay <= 0) {
            answer.run();
        } else {
            long timer = runtime.vertx().setTimer(delay, id -> answer.run());
            request.response().closeHandler(v -> runtime.vertx().cancelTimer(timer));
        }
    }

    private void answer(HttpServerRequest request, SimulatorConfig config, String model, List<Input> inputs,
            boolean base64) {
        int tokens = 0;
        for (Input input : inputs) {
            tokens += input.tokens();
        }
        Buffer out = Buffer.buffer(256 + inputs.size() * config.embeddingDimensions() * 12);
        JsonGenerator g = Json.generator(out);
        try {
            g.writeStartObject();
            g.writeStringField("id", Ids.completionId("embd-", request.getHeader("x-request-id")));
            g.writeStringField("object", "list");
            g.writeNumberField("created", System.currentTimeMillis() / 1000);
            g.writeStringField("model", model);
            g.writeArrayFieldStart("data");
            for (int i = 0; i < inputs.size(); i++) {
                float[] vector = vector(inputs.get(i).hash(), config.embeddingDimensions());
                g.writeStartObject();
                g.writeNumberField("index", i);
                g.writeStringField("object", "embedding");
                g.writeFieldName("embedding");
                if (base64) {
                    g.writeString(encode(vector));
                } else {
                    g.writeStartArray();
                    for (float value : vector) {
                        g.writeNumber(value);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            CompletionJson.writeUsage(g, tokens, 0);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Json.finish(g);
        runtime.metrics().promptTokens(tokens);
        runtime.metrics().success(FinishReason.STOP);
        Responses.json(request.response(), 200, out);
    }

    /** A deterministic unit vector for an input hash. */
    static float[] vector(long hash, int dimensions) {
        SplittableRandom random = new SplittableRandom(hash);
        float[] vector = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            double value = random.nextDouble(-1.0, 1.0);
            vector[i] = (float) value;
            norm += value * value;
        }
        float scale = (float) (1.0 / Math.sqrt(Math.max(norm, 1e-12)));
        for (int i = 0; i < dimensions; i++) {
            vector[i] *= scale;
        }
        return vector;
    }

    private static String encode(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : vector) {
            bytes.putFloat(value);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    private static boolean base64(JsonNode format) {
        if (format == null || format.isNull()) {
            return false;
        }
        if (format.isTextual() && format.textValue().equals("float")) {
            return false;
        }
        if (format.isTextual() && format.textValue().equals("base64")) {
            return true;
        }
        throw ApiException.badRequest("encoding_format must be 'float' or 'base64'", "encoding_format");
    }

    private static List<Input> inputs(JsonNode input) {
        if (input == null || input.isNull()) {
            throw ApiException.badRequest("Field required: input", "input");
        }
        if (input.isTextual()) {
            return List.of(text(input.textValue()));
        }
        if (!input.isArray() || input.isEmpty()) {
            throw ApiException.badRequest(
                    "input must be a string, a non-empty array of strings or an array of token ids", "input");
        }
        if (input.get(0).isIntegralNumber()) {
            return List.of(tokenIds(input));
        }
        List<Input> inputs = new ArrayList<>(input.size());
        for (JsonNode item : input) {
            if (item.isTextual()) {
                inputs.add(text(item.textValue()));
            } else if (item.isArray() && !item.isEmpty()) {
                inputs.add(tokenIds(item));
            } else {
                throw ApiException.badRequest(
                        "input must be a string, a non-empty array of strings or an array of token ids", "input");
            }
        }
        return inputs;
    }

    private static Input text(String text) {
        long hash = 0xCBF29CE484222325L;
        for (int i = 0; i < text.length(); i++) {
            hash = (hash ^ text.charAt(i)) * 0x100000001B3L;
        }
        return new Input(FailureInjector.mix(hash), Math.max(1, TokenCounter.text(text)));
    }

    private static Input tokenIds(JsonNode ids) {
        long hash = 0x84222325CBF29CE4L;
        for (JsonNode id : ids) {
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0) {
                throw ApiException.badRequest("token ids must be non-negative integers", "input");
            }
            hash = (hash ^ id.intValue()) * 0x100000001B3L;
        }
        return new Input(FailureInjector.mix(hash), ids.size());
    }
}

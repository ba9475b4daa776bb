package dev.tollgate.local.vllm;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The {@code GET /v1/models} body in vLLM's shape: {@code object: list} and one card per served name with
 * {@code id}, {@code object: model}, {@code created}, {@code owned_by: vllm}, {@code root} (the first served name,
 * standing for the model path), {@code parent: null}, {@code max_model_len} and vLLM's permission entry.
 *
 * <p>The body depends only on the configuration, so it is built once per configuration and then copied out.
 */
final class ModelsBody {

    private final SimulatorConfig config;
    private final Buffer body;

    private ModelsBody(SimulatorConfig config, Buffer body) {
        this.config = config;
        this.body = body;
    }

    /** Reuses {@code cached} when it was built for {@code config}, else builds anew. */
    static ModelsBody forConfig(ModelsBody cached, SimulatorConfig config) {
        if (cached != null && cached.config == config) {
            return cached;
        }
        return new ModelsBody(config, build(config, System.currentTimeMillis() / 1000));
    }

    Buffer body() {
        return body.copy();
    }

    private static Buffer build(SimulatorConfig config, long created) {
        Buffer out = Buffer.buffer(512);
        JsonGenerator g = Json.generator(out);
        try {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (String name : config.servedModelNames()) {
                g.writeStartObject();
                g.writeStringField("id", name);
                g.writeStringField("object", "model");
                g.writeNumberField("created", created);
                g.writeStringField("owned_by", "vllm");
                g.writeStringField("root", config.primaryModel());
                g.writeNullField("parent");
                g.writeNumberField("max_model_len", config.maxModelLen());
                g.writeArrayFieldStart("permission");
                g.writeStartObject();
                g.writeStringField("id", Ids.completionId("modelperm-", null));
                g.writeStringField("object", "model_permission");
                g.writeNumberField("created", created);
                g.writeBooleanField("allow_create_engine", false);
                g.writeBooleanField("allow_sampling", true);
                g.writeBooleanField("allow_logprobs", true);
                g.writeBooleanField("allow_search_indices", false);
                g.writeBooleanField("allow_view", true);
                g.writeBooleanField("allow_fine_tuning", false);
                g.writeStringField("organization", "*");
                g.writeNullField("group");
                g.writeBooleanField("is_blocking", false);
                g.writeEndObject();
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Json.finish(g);
        return out;
    }
}

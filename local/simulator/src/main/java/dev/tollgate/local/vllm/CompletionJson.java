package dev.tollgate.local.vllm;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes completion bodies and stream chunks in vLLM's shape.
 *
 * <p>Non-streaming: {@code id}, {@code object} ({@code chat.completion} or {@code text_completion}), {@code created},
 * {@code model}, {@code choices} (with {@code logprobs: null}, {@code finish_reason} and vLLM's {@code stop_reason})
 * and {@code usage} in vLLM's field order. Streaming: one {@code data: {...}\n\n} event per choice and token; a chat
 * stream opens each choice with {@code delta: {role: assistant, content: ""}}; the chunk of the last token carries
 * {@code finish_reason}, as vLLM sends it (OpenAI sends it in a separate empty-delta chunk). With
 * {@code include_usage} every chunk has {@code usage: null} and a final chunk has {@code choices: []} and the usage.
 */
final class CompletionJson {

    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    private CompletionJson() {
    }

    /** The fields shared by a response and all its chunks. */
    record Head(String id, String model, long created, boolean chat, boolean includeUsage) {
        String object(boolean chunk) {
            if (chat) {
                return chunk ? "chat.completion.chunk" : "chat.completion";
            }
            return "text_completion";
        }
    }

    /** The whole non-streaming body; {@code tokens} is the output length of every choice. */
    static Buffer completion(Head head, int choices, int tokens, FinishReason finish, long textSeed,
            boolean jsonObject, int promptTokens) {
        Buffer out = Buffer.buffer(256 + choices * (tokens * 9 + 128));
        JsonGenerator g = Json.generator(out);
        try {
            writeHead(g, head, false);
            g.writeArrayFieldStart("choices");
            for (int i = 0; i < choices; i++) {
                g.writeStartObject();
                g.writeNumberField("index", i);
                String text = TextGenerator.text(textSeed, i, tokens, jsonObject);
                if (head.chat()) {
                    g.writeObjectFieldStart("message");
                    g.writeStringField("role", "assistant");
                    g.writeStringField("content", text);
                    g.writeArrayFieldStart("tool_calls");
                    g.writeEndArray();
                    g.writeEndObject();
                } else {
                    g.writeStringField("text", text);
                }
                g.writeNullField("logprobs");
                g.writeStringField("finish_reason", finish.wire());
                g.writeNullField("stop_reason");
                g.writeEndObject();
            }
            g.writeEndArray();
            writeUsage(g, promptTokens, choices * tokens);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Json.finish(g);
        return out;
    }

    /**
     * Appends the events of token {@code position} of every choice; the first position of a chat stream is preceded
     * by the role events, and the last one carries {@code finishReason}.
     */
    static void tokenEvents(Buffer out, Head head, int choices, int position, int tokens, FinishReason finish,
            long textSeed, boolean jsonObject) {
        JsonGenerator g = Json.generator(out);
        g.setRootValueSeparator(null);
        try {
            if (position == 0 && head.chat()) {
                for (int i = 0; i < choices; i++) {
                    chunk(g, head, i, true, "", null);
                }
            }
            FinishReason reason = position == tokens - 1 ? finish : null;
            for (int i = 0; i < choices; i++) {
                chunk(g, head, i, false, TextGenerator.token(textSeed, i, position, tokens, jsonObject), reason);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Json.finish(g);
    }

    /** Appends the usage event of {@code include_usage} and then {@code [DONE]}, or {@code [DONE]} alone. */
    static void streamEnd(Buffer out, Head head, int promptTokens, int completionTokens) {
        if (head.includeUsage()) {
            JsonGenerator g = Json.generator(out);
            g.setRootValueSeparator(null);
            try {
                g.writeRaw("data: ");
                g.writeStartObject();
                g.writeStringField("id", head.id());
                g.writeStringField("object", head.object(true));
                g.writeNumberField("created", head.created());
                g.writeStringField("model", head.model());
                g.writeArrayFieldStart("choices");
                g.writeEndArray();
                writeUsage(g, promptTokens, completionTokens);
                g.writeEndObject();
                g.writeRaw("\n\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Json.finish(g);
        }
        out.appendBuffer(DONE);
    }

    private static void chunk(JsonGenerator g, Head head, int index, boolean role, String text, FinishReason finish)
            throws IOException {
        g.writeRaw("data: ");
        writeHead(g, head, true);
        g.writeArrayFieldStart("choices");
        g.writeStartObject();
        g.writeNumberField("index", index);
        if (head.chat()) {
            g.writeObjectFieldStart("delta");
            if (role) {
                g.writeStringField("role", "assistant");
            }
            g.writeStringField("content", text);
            g.writeEndObject();
        } else {
            g.writeStringField("text", text);
        }
        g.writeNullField("logprobs");
        if (finish == null) {
            g.writeNullField("finish_reason");
        } else {
            g.writeStringField("finish_reason", finish.wire());
            g.writeNullField("stop_reason");
        }
        g.writeEndObject();
        g.writeEndArray();
        if (head.includeUsage()) {
            g.writeNullField("usage");
        }
        g.writeEndObject();
        g.writeRaw("\n\n");
    }

    private static void writeHead(JsonGenerator g, Head head, boolean chunk) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", head.id());
        g.writeStringField("object", head.object(chunk));
        g.writeNumberField("created", head.created());
        g.writeStringField("model", head.model());
    }

    static void writeUsage(JsonGenerator g, int promptTokens, int completionTokens) throws IOException {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", promptTokens);
        g.writeNumberField("total_tokens", promptTokens + completionTokens);
        g.writeNumberField("completion_tokens", completionTokens);
        g.writeNullField("prompt_tokens_details");
        g.writeEndObject();
    }
}

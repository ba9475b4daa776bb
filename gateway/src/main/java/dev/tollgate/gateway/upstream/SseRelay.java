package dev.tollgate.gateway.upstream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.gateway.openai.AnswerContent;
import dev.tollgate.gateway.openai.RequestParser;
import dev.tollgate.gateway.openai.TokenUsage;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Relays an upstream server-sent-event stream to the client event by event, with no buffering beyond the
 * event being read. On the way it notes the first token, collects the generated text (for estimation when no
 * usage arrives) and takes the usage chunk; that chunk is dropped when the gateway injected
 * {@code stream_options.include_usage} and the client did not ask for it.
 *
 * <p>Every event passes through here before the client sees it, so reading one is kept cheap: the
 * {@code data:} payload is found in the bytes as they came (no string copy of the event), and the chunk's JSON is
 * walked as a token stream that reads only {@code choices[].delta.content} (or {@code text}),
 * {@code choices[].delta.tool_calls} (rare: only answers that call tools have them), {@code finish_reason},
 * {@code usage}, and {@code model} until one chunk has named it. What an event changes is applied only when its JSON is well-formed;
 * an event that is not JSON is forwarded as it came and changes nothing.
 *
 * <p>The {@code data: [DONE]} event, and anything after it, is held back and sent by {@link #remainder} with the end
 * of the stream: an SDK takes {@code [DONE]} as the end of the answer, and the gateway journals the request's usage
 * event before the answer ends (docs/events.md).
 *
 * <p>Not thread-safe: one relay serves one stream on one event loop.
 */
final class SseRelay {

    private static final byte[] DONE = {'[', 'D', 'O', 'N', 'E', ']'};
    private static final byte[] NONE = new byte[0];

    private final boolean forwardUsageChunk;
    private final Runnable onFirstToken;
    private final StringBuilder completion = new StringBuilder();
    /** Tool calls by their index in the answer: a name, then the arguments in fragments. Empty without tools. */
    private final Map<Integer, ToolCallParts> toolCalls = new TreeMap<>();
    private byte[] pending = NONE;
    /** {@code [DONE]} and what followed it, held back until the stream ends; null before {@code [DONE]}. */
    private Buffer held;
    private TokenUsage usage;
    private String finishReason;
    private String model;
    private boolean sawToken;
    private boolean sawDone;

    SseRelay(boolean forwardUsageChunk, Runnable onFirstToken) {
        this.forwardUsageChunk = forwardUsageChunk;
        this.onFirstToken = onFirstToken;
    }

    /** Takes a chunk as it arrived; returns the bytes to send the client now (possibly none). */
    Buffer accept(Buffer chunk) {
        byte[] bytes = concat(pending, chunk.getBytes());
        Buffer out = Buffer.buffer(bytes.length);
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n' && endsEvent(bytes, i)) {
                relayEvent(bytes, start, i + 1, out);
                start = i + 1;
            }
        }
        pending = start == 0 ? bytes : Arrays.copyOfRange(bytes, start, bytes.length);
        return out;
    }

    /**
     * What is left to send when the stream ends: the held-back {@code [DONE]} and what followed it, then whatever the
     * upstream sent after its last complete event, as is.
     */
    Buffer remainder() {
        Buffer out = held == null ? Buffer.buffer(pending) : held.appendBytes(pending);
        held = null;
        pending = NONE;
        return out;
    }

    /** The usage the upstream reported, or null. */
    TokenUsage usage() {
        return usage;
    }

    /** The text generated so far, for estimating completion tokens. */
    CharSequence completion() {
        return completion;
    }

    /** The text and the tool calls generated so far, for content capture. */
    AnswerContent content() {
        List<AnswerContent.ToolCall> calls = new ArrayList<>(toolCalls.size());
        for (ToolCallParts parts : toolCalls.values()) {
            if (parts.name.length() > 0) {
                calls.add(new AnswerContent.ToolCall(parts.name.toString(),
                        parts.arguments.length() == 0 ? null : parts.arguments.toString()));
            }
        }
        return new AnswerContent(completion.toString(), calls);
    }

    String finishReason() {
        return finishReason;
    }

    /** The model the upstream named in its chunks (the first that named one), or null. */
    String model() {
        return model;
    }

    /** Whether the upstream finished the stream with {@code data: [DONE]}. */
    boolean complete() {
        return sawDone;
    }

    private void relayEvent(byte[] bytes, int from, int to, Buffer relayed) {
        Buffer out = held != null ? held : relayed;
        byte[] data = dataOf(bytes, from, to);
        if (data == null) {
            out.appendBytes(bytes, from, to - from);
            return;
        }
        if (Arrays.equals(data, DONE)) {
            sawDone = true;
            if (held == null) {
                held = Buffer.buffer();
            }
            held.appendBytes(bytes, from, to - from);
            return;
        }
        Chunk chunk = Chunk.read(data, model == null);
        if (chunk == null) {
            out.appendBytes(bytes, from, to - from);
            return;
        }
        if (chunk.usage != null) {
            usage = chunk.usage;
        }
        if (chunk.text.length() > 0) {
            completion.append(chunk.text);
            if (!sawToken) {
                sawToken = true;
                onFirstToken.run();
            }
        }
        if (chunk.finishReason != null) {
            finishReason = chunk.finishReason;
        }
        if (model == null) {
            model = chunk.model;
        }
        if (chunk.toolDeltas != null) {
            applyToolDeltas(chunk.toolDeltas);
        }
        boolean usageOnly = chunk.usage != null && chunk.emptyChoices;
        if (!usageOnly || forwardUsageChunk) {
            out.appendBytes(bytes, from, to - from);
        }
    }

    /**
     * A {@code delta.tool_calls} array: each element names its {@code index}, and carries the function's name
     * (in the first fragment) and a fragment of its arguments.
     */
    private void applyToolDeltas(JsonNode deltas) {
        for (JsonNode delta : deltas) {
            int index = delta.path("index").asInt(0);
            ToolCallParts parts = toolCalls.computeIfAbsent(index, i -> new ToolCallParts());
            JsonNode function = delta.path("function");
            if (function.path("name").isTextual()) {
                parts.name.append(function.path("name").asText());
            }
            if (function.path("arguments").isTextual()) {
                parts.arguments.append(function.path("arguments").asText());
            }
        }
    }

    /** One tool call being streamed. */
    private static final class ToolCallParts {
        private final StringBuilder name = new StringBuilder();
        private final StringBuilder arguments = new StringBuilder();
    }

    /**
     * What one chunk says: its text, its last finish reason, its usage. A chunk is read whole before the relay
     * applies any of it, so a chunk that turns out not to be JSON changes nothing.
     */
    private static final class Chunk {
        private final StringBuilder text = new StringBuilder();
        private String finishReason;
        private TokenUsage usage;
        /** The top-level {@code model} when it is a string and was asked for, else null. */
        private String model;
        /** Whether to read {@code model}: only until the relay knows it, to spare a string per chunk. */
        private boolean readModel;
        /** The {@code delta.tool_calls} array of the chunk's last choice that had one, or null. */
        private JsonNode toolDeltas;
        /** {@code choices} is an empty array: the final usage-only chunk. */
        private boolean emptyChoices;

        /** Reads a chunk's JSON, and its {@code model} when {@code readModel}; null when it is not JSON. */
        static Chunk read(byte[] data, boolean readModel) {
            Chunk chunk = new Chunk();
            chunk.readModel = readModel;
            try (JsonParser parser = RequestParser.MAPPER.createParser(data)) {
                JsonToken root = parser.nextToken();
                if (root == null) {
                    return null;
                }
                if (root == JsonToken.START_OBJECT) {
                    chunk.readFields(parser);
                } else {
                    parser.skipChildren();
                }
                return chunk;
            } catch (IOException notJson) {
                return null;
            }
        }

        /** The top-level fields; as in a tree, a later duplicate field replaces an earlier one. */
        private void readFields(JsonParser parser) throws IOException {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("usage".equals(field)) {
                    usage = value == JsonToken.START_OBJECT
                            ? UsageParser.fromUsage(parser.readValueAs(JsonNode.class)) : null;
                    parser.skipChildren();
                } else if ("choices".equals(field)) {
                    text.setLength(0);
                    finishReason = null;
                    emptyChoices = value == JsonToken.START_ARRAY && readChoices(parser);
                    parser.skipChildren();
                } else if (readModel && "model".equals(field)) {
                    model = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    parser.skipChildren();
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                throw new IOException("truncated chunk");
            }
        }

        /** Reads a {@code choices} array, the parser on its start, up to its end; true when it has no element. */
        private boolean readChoices(JsonParser parser) throws IOException {
            boolean empty = true;
            JsonToken element;
            while ((element = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (element == null) {
                    throw new IOException("truncated chunk");
                }
                empty = false;
                if (element == JsonToken.START_OBJECT) {
                    readChoice(parser);
                } else {
                    parser.skipChildren();
                }
            }
            return empty;
        }

        /**
         * One choice: its text is {@code delta.content}, or {@code text} when {@code delta.content} is absent or
         * null; a string finish reason replaces the one noted before.
         */
        private void readChoice(JsonParser parser) throws IOException {
            String content = null;
            boolean contentGiven = false;
            String plainText = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("delta".equals(field)) {
                    content = null;
                    contentGiven = false;
                    if (value == JsonToken.START_OBJECT) {
                        while (parser.nextToken() == JsonToken.FIELD_NAME) {
                            String deltaField = parser.currentName();
                            JsonToken deltaValue = parser.nextToken();
                            if ("content".equals(deltaField)) {
                                contentGiven = deltaValue != JsonToken.VALUE_NULL;
                                content = deltaValue == JsonToken.VALUE_STRING ? parser.getText() : null;
                            } else if ("tool_calls".equals(deltaField) && deltaValue == JsonToken.START_ARRAY) {
                                toolDeltas = parser.readValueAs(JsonNode.class);
                            }
                            parser.skipChildren();
                        }
                    } else {
                        parser.skipChildren();
                    }
                } else if ("text".equals(field)) {
                    plainText = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    parser.skipChildren();
                } else if ("finish_reason".equals(field) && value == JsonToken.VALUE_STRING) {
                    finishReason = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
            String chosen = contentGiven ? content : plainText;
            if (chosen != null) {
                text.append(chosen);
            }
        }
    }

    /**
     * The payload of an event's {@code data:} lines, joined by newlines and trimmed; null when it has none.
     * Lines end at LF, with a CR before it removed.
     */
    private static byte[] dataOf(byte[] b, int from, int to) {
        byte[] data = null;
        int lineStart = from;
        while (lineStart < to) {
            int lineEnd = lineStart;
            while (lineEnd < to && b[lineEnd] != '\n') {
                lineEnd++;
            }
            int contentEnd = lineEnd > lineStart && b[lineEnd - 1] == '\r' && lineEnd < to ? lineEnd - 1 : lineEnd;
            if (contentEnd - lineStart >= 5 && b[lineStart] == 'd' && b[lineStart + 1] == 'a'
                    && b[lineStart + 2] == 't' && b[lineStart + 3] == 'a' && b[lineStart + 4] == ':') {
                int valueStart = lineStart + 5;
                if (valueStart < contentEnd && b[valueStart] == ' ') {
                    valueStart++;
                }
                data = data == null ? Arrays.copyOfRange(b, valueStart, contentEnd)
                        : join(data, b, valueStart, contentEnd);
            }
            lineStart = lineEnd + 1;
        }
        return data == null ? null : trim(data);
    }

    private static byte[] join(byte[] data, byte[] b, int from, int to) {
        byte[] joined = Arrays.copyOf(data, data.length + 1 + (to - from));
        joined[data.length] = '\n';
        System.arraycopy(b, from, joined, data.length + 1, to - from);
        return joined;
    }

    /** As {@link String#trim}: drops leading and trailing bytes up to space (UTF-8 continuation bytes are above). */
    private static byte[] trim(byte[] data) {
        int start = 0;
        int end = data.length;
        while (start < end && (data[start] & 0xff) <= ' ') {
            start++;
        }
        while (end > start && (data[end - 1] & 0xff) <= ' ') {
            end--;
        }
        return start == 0 && end == data.length ? data : Arrays.copyOfRange(data, start, end);
    }

    /** Whether the newline at {@code i} closes an event: it follows another newline (LF LF or CRLF CRLF). */
    private static boolean endsEvent(byte[] b, int i) {
        return (i >= 1 && b[i - 1] == '\n') || (i >= 2 && b[i - 1] == '\r' && b[i - 2] == '\n');
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b;
        }
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}

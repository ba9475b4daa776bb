package dev.tollgate.local.vllm;

import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes whole responses: JSON bodies, OpenAI-style errors and FastAPI's route errors, with the headers vLLM sends.
 */
final class Responses {

    static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
    static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream; charset=utf-8");

    private static final Buffer NOT_FOUND = Buffer.buffer("{\"detail\":\"Not Found\"}");
    private static final Buffer METHOD_NOT_ALLOWED = Buffer.buffer("{\"detail\":\"Method Not Allowed\"}");

    private Responses() {
    }

    /** Ends the exchange with a JSON body. */
    static void json(HttpServerResponse response, int status, Buffer body) {
        if (response.closed() || response.ended()) {
            return;
        }
        response.setStatusCode(status);
        response.headers().set(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON);
        response.end(body);
    }

    /**
     * Ends the exchange with {@code {"error":{"message","type","param","code"}}}, the body vLLM and OpenAI send for a
     * refused request; {@code code} repeats the status as vLLM does.
     */
    static void error(HttpServerResponse response, int status, String type, String message, String param) {
        Buffer body = Buffer.buffer(128 + message.length());
        JsonGenerator g = Json.generator(body);
        try {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeStringField("message", message);
            g.writeStringField("type", type);
            if (param == null) {
                g.writeNullField("param");
            } else {
                g.writeStringField("param", param);
            }
            g.writeNumberField("code", status);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Json.finish(g);
        json(response, status, body);
    }

    static void error(HttpServerResponse response, ApiException e) {
        error(response, e.status(), e.type(), e.getMessage(), e.param());
    }

    /** FastAPI's answer for an unknown route, which vLLM inherits. */
    static void routeNotFound(HttpServerResponse response) {
        json(response, 404, NOT_FOUND.copy());
    }

    /** FastAPI's answer for a known route called with another method. */
    static void methodNotAllowed(HttpServerResponse response, String allowed) {
        MultiMap headers = response.headers();
        headers.set(HttpHeaders.ALLOW, allowed);
        json(response, 405, METHOD_NOT_ALLOWED.copy());
    }
}

package dev.tollgate.local.vllm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import org.jboss.logging.Logger;

/**
 * Routes every request by path and method, reads JSON bodies within the size limit, and turns refusals into error
 * bodies.
 *
 * <p>Bad input never yields a 500: an oversized body is read to its end and discarded (so the client, still sending,
 * gets the answer instead of a reset) and answered 413; a body that is not strict UTF-8, not JSON, or not a JSON
 * object is a 400. Unknown paths and wrong methods get FastAPI's {@code {"detail": ...}} bodies, as vLLM's do. A 500
 * means a bug in the simulator, and is logged without the request body.
 */
final class HttpDispatcher implements Handler<HttpServerRequest> {

    private static final Logger LOG = Logger.getLogger(HttpDispatcher.class);
    private static final CharSequence PROMETHEUS =
            HttpHeaders.createOptimized("text/plain; version=0.0.4; charset=utf-8");

    private final SimulatorRuntime runtime;
    private final CompletionsHandler completions;
    private final EmbeddingsHandler embeddings;
    private volatile ModelsBody models;

    HttpDispatcher(SimulatorRuntime runtime) {
        this.runtime = runtime;
        this.completions = new CompletionsHandler(runtime);
        this.embeddings = new EmbeddingsHandler(runtime);
    }

    private enum Route {
        CHAT, COMPLETIONS, EMBEDDINGS
    }

    @Override
    public void handle(HttpServerRequest request) {
        request.exceptionHandler(e -> LOG.debugf("request stream failed path=%s error=%s", request.path(), e));
        String path = request.path();
        if (path == null) {
            Responses.routeNotFound(request.response());
            return;
        }
        switch (path) {
            case "/v1/chat/completions" -> post(request, Route.CHAT);
            case "/v1/completions" -> post(request, Route.COMPLETIONS);
            case "/v1/embeddings" -> post(request, Route.EMBEDDINGS);
            case "/v1/models" -> {
                if (isGet(request)) {
                    ModelsBody current = ModelsBody.forConfig(models, runtime.config());
                    models = current;
                    Responses.json(request.response(), 200, current.body());
                }
            }
            case "/health" -> {
                if (isGet(request)) {
                    request.response().end();
                }
            }
            case "/metrics" -> {
                if (isGet(request)) {
                    SimulatorConfig config = runtime.config();
                    Buffer text = runtime.metrics().render(config.primaryModel(), runtime.admission(),
                            config.maxNumSeqs());
                    request.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS).end(text);
                }
            }
            default -> Responses.routeNotFound(request.response());
        }
    }

    private static boolean isGet(HttpServerRequest request) {
        if (request.method() == HttpMethod.GET) {
            return true;
        }
        Responses.methodNotAllowed(request.response(), "GET");
        return false;
    }

    private void post(HttpServerRequest request, Route route) {
        if (request.method() != HttpMethod.POST) {
            Responses.methodNotAllowed(request.response(), "POST");
            return;
        }
        BodyCollector body = new BodyCollector(runtime.config().maxBodyBytes(),
                request.getHeader(HttpHeaders.CONTENT_LENGTH));
        request.handler(body);
        request.endHandler(v -> {
            if (body.tooLarge()) {
                Responses.error(request.response(), 413, FaultGate.errorType(413),
                        "Request body exceeds the limit of " + runtime.config().maxBodyBytes() + " bytes.", null);
                return;
            }
            dispatch(request, route, body.bytes());
        });
    }

    private void dispatch(HttpServerRequest request, Route route, byte[] bytes) {
        try {
            JsonNode json = parse(bytes);
            switch (route) {
                case CHAT -> completions.handle(request, json, true);
                case COMPLETIONS -> completions.handle(request, json, false);
                case EMBEDDINGS -> embeddings.handle(request, json);
                default -> throw new IllegalStateException("unrouted " + route);
            }
        } catch (ApiException e) {
            Responses.error(request.response(), e);
        } catch (RuntimeException e) {
            LOG.errorf(e, "simulator bug path=%s", request.path());
            Responses.error(request.response(), 500, "InternalServerError", "Internal simulator error.", null);
        }
    }

    private static JsonNode parse(byte[] bytes) {
        if (!Utf8.isValid(bytes)) {
            throw ApiException.badRequest("Request body is not valid UTF-8.", null);
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("Invalid JSON body: " + e.getOriginalMessage(), null);
        } catch (IOException e) {
            throw ApiException.badRequest("Unreadable request body.", null);
        }
        if (json == null || !json.isObject()) {
            throw ApiException.badRequest("Request body must be a JSON object.", null);
        }
        return json;
    }

    /** Accumulates a body up to the limit; past it, keeps reading but drops the bytes. */
    private static final class BodyCollector implements Handler<Buffer> {
        private final int limit;
        private Buffer body;
        private boolean tooLarge;

        BodyCollector(int limit, String contentLength) {
            this.limit = limit;
            long declared = parseLength(contentLength);
            this.tooLarge = declared > limit;
            this.body = tooLarge ? null : Buffer.buffer(declared > 0 ? (int) declared : 256);
        }

        @Override
        public void handle(Buffer chunk) {
            if (tooLarge) {
                return;
            }
            if ((long) body.length() + chunk.length() > limit) {
                tooLarge = true;
                body = null;
                return;
            }
            body.appendBuffer(chunk);
        }

        boolean tooLarge() {
            return tooLarge;
        }

        byte[] bytes() {
            return body.getBytes();
        }

        private static long parseLength(String value) {
            if (value == null) {
                return -1;
            }
            try {
                return Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }
}

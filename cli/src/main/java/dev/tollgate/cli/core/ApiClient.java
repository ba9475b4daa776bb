package dev.tollgate.cli.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One HTTP API the CLI talks to (the gateway's admin API or the streams query API), turning every failure into a
 * {@link CliException} with the right exit code and a hint. Both APIs answer errors in the OpenAI shape
 * {@code {"error":{"message","type","param","code"}}}, whose message is shown as it is.
 */
public final class ApiClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();

    /** Which API, for messages and hints. */
    public enum Api {
        ADMIN("admin API", "--admin-url, " + Settings.ENV_ADMIN_URL + " or admin-url= in the config file"),
        STREAMS("streams query API", "--streams-url, " + Settings.ENV_STREAMS_URL + " or streams-url= in the config file");

        private final String label;
        private final String setting;

        Api(String label, String setting) {
            this.label = label;
            this.setting = setting;
        }
    }

    private final Api api;
    private final URI base;
    private final String token;
    private final String tokenSource;
    private final HttpClient http;

    /**
     * @param api         which API
     * @param base        its base URL
     * @param token       the bearer token to send, or null for none
     * @param tokenSource where the token came from, for hints (never the token)
     */
    public ApiClient(Api api, URI base, String token, String tokenSource) {
        this.api = api;
        this.base = base;
        this.token = token;
        this.tokenSource = tokenSource;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    }

    public JsonNode get(String path, Map<String, String> query) {
        return send("GET", path + queryString(query), null);
    }

    public JsonNode get(String path) {
        return send("GET", path, null);
    }

    public JsonNode post(String path, JsonNode body) {
        return send("POST", path, body);
    }

    public JsonNode patch(String path, JsonNode body) {
        return send("PATCH", path, body);
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    /** Query parameters from name-value pairs; a null value leaves its parameter out. */
    public static Map<String, String> query(String... namesAndValues) {
        Map<String, String> query = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            query.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return query;
    }

    /** A path segment, percent-encoded. */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode send(String method, String pathAndQuery, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            throw unreachable("it did not accept a connection within " + CONNECT_TIMEOUT.toSeconds() + " s");
        } catch (HttpTimeoutException e) {
            throw unreachable("it did not answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
        } catch (ConnectException e) {
            throw unreachable("connection refused");
        } catch (IOException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw unreachable(root instanceof UnknownHostException ? "unknown host " + base.getHost()
                    : String.valueOf(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.ERROR, "Interrupted.", null);
        }
        return answer(method, response);
    }

    private JsonNode answer(String method, HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode json = parse(response.body());
        if (status / 100 == 2) {
            if (json == null) {
                throw new CliException(ExitCode.ERROR, "The " + api.label + " at " + base + " answered " + method
                        + " with something that is not JSON.", "Check that " + api.setting + " points at Tollgate's "
                        + api.label + ".");
            }
            return json;
        }
        JsonNode error = json == null ? null : json.path("error");
        String message = error != null && error.hasNonNull("message") ? error.get("message").asText()
                : "HTTP " + status + " from the " + api.label + " at " + base + ".";
        String code = error != null && error.hasNonNull("code") ? error.get("code").asText() : null;
        String param = error != null && error.hasNonNull("param") ? error.get("param").asText() : null;
        String detail = message + (code != null ? " (" + code + (param != null ? ", " + param : "") + ")" : "");
        throw switch (status) {
            case 400, 422 -> new CliException(ExitCode.USAGE, detail, "Check the command's options: "
                    + "--help lists them.");
            case 401 -> new CliException(ExitCode.AUTH, detail, token == null
                    ? "No token was sent. Set it with --token, " + Settings.ENV_TOKEN + " or token= in the config file "
                            + "(./tollgate-local prints one)."
                    : "The token from " + tokenSource + " was refused. Use the admin token the gateway was started with "
                            + "(tollgate.admin.token); 'tollgate config show' says where each setting comes from.");
            case 403 -> new CliException(ExitCode.AUTH, detail, "read_only_token".equals(code)
                    ? "This is the read-only token: use the admin token to change anything."
                    : "The token may not do this.");
            case 404 -> new CliException(ExitCode.NOT_FOUND, detail, "Check the id or name; the list commands "
                    + "show what exists.");
            case 409 -> new CliException(ExitCode.CONFLICT, detail, null);
            case 503 -> new CliException(ExitCode.ERROR, detail, "propagation_failed".equals(code)
                    ? "The change is saved; run the same command again to publish it (it is safe to)."
                    : "The " + api.label + " is not ready; try again in a few seconds"
                            + retryAfter(response) + ".");
            default -> new CliException(ExitCode.ERROR, detail, status >= 500
                    ? "The " + api.label + " failed; its log says why." : null);
        };
    }

    private static String retryAfter(HttpResponse<String> response) {
        return response.headers().firstValue("Retry-After").map(s -> " (it suggests " + s + " s)").orElse("");
    }

    private CliException unreachable(String why) {
        return new CliException(ExitCode.UNREACHABLE, "Cannot reach the " + api.label + " at " + base + ": " + why
                + ".", "Is the platform running (./tollgate-local)? Set the address with " + api.setting + ".");
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String queryString(Map<String, String> query) {
        StringJoiner joined = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((name, value) -> {
            if (value != null) {
                joined.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return joined.toString();
    }
}

package dev.tollgate.local.connect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parts of Kafka Connect's REST API that running a warehouse needs: create or update a connector, wait until
 * it and its tasks run, and the stop, reset-offsets and resume sequence that rebuilds a sink's tables from its
 * topics (Kafka 3.6+, KIP-875). Every failure names the connector, the request and the worker's answer.
 */
public final class ConnectClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(250);

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** A client of the worker at {@code baseUrl}, e.g. {@code http://127.0.0.1:8083}. */
    public ConnectClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** Creates the connector, or replaces its configuration (PUT is idempotent). */
    public void put(String name, Map<String, String> config) {
        send("PUT", connector(name) + "/config", config, 200, 201);
    }

    /**
     * Waits until the connector and all of its tasks run.
     *
     * @throws IllegalStateException when a task failed (with its stack trace) or the time ran out
     */
    public void awaitRunning(String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            status = statusOrNull(name);
            if (status != null) {
                JsonNode tasks = status.path("tasks");
                for (JsonNode task : tasks) {
                    if ("FAILED".equals(task.path("state").asText())) {
                        throw new IllegalStateException("connector " + name + " task " + task.path("id").asInt()
                                + " failed: " + task.path("trace").asText());
                    }
                }
                if ("RUNNING".equals(status.path("connector").path("state").asText()) && !tasks.isEmpty()
                        && allRunning(tasks)) {
                    return;
                }
            }
            sleep();
        }
        throw new IllegalStateException("connector " + name + " was not running within " + timeout.toSeconds()
                + " s; last status: " + status);
    }

    /** Stops the connector (its tasks shut down, its configuration stays) and waits until it is stopped. */
    public void stop(String name, Duration timeout) {
        send("PUT", connector(name) + "/stop", null, 202, 204);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = status(name);
            if ("STOPPED".equals(status.path("connector").path("state").asText()) && status.path("tasks").isEmpty()) {
                return;
            }
            sleep();
        }
        throw new IllegalStateException("connector " + name + " did not stop within " + timeout.toSeconds() + " s");
    }

    /**
     * Deletes a stopped sink connector's consumer offsets, so that on resume it reads its topics from the beginning
     * (earliest) and rewrites every row: how a warehouse is rebuilt from the topic.
     */
    public void resetOffsets(String name) {
        send("DELETE", connector(name) + "/offsets", null, 200);
    }

    /** Resumes a stopped or paused connector. */
    public void resume(String name) {
        send("PUT", connector(name) + "/resume", null, 202, 204);
    }

    /**
     * The connector's committed offsets per topic partition: for a sink, the next offset it will read, keyed
     * {@code topic-partition}.
     */
    public Map<String, Long> offsets(String name) {
        JsonNode answer = parse(send("GET", connector(name) + "/offsets", null, 200));
        Map<String, Long> offsets = new TreeMap<>();
        for (JsonNode entry : answer.path("offsets")) {
            offsets.put(entry.path("partition").path("kafka_topic").asText() + "-"
                            + entry.path("partition").path("kafka_partition").asInt(),
                    entry.path("offset").path("kafka_offset").asLong());
        }
        return offsets;
    }

    private JsonNode status(String name) {
        return parse(send("GET", connector(name) + "/status", null, 200));
    }

    private JsonNode statusOrNull(String name) {
        try {
            return status(name);
        } catch (IllegalStateException notYet) {
            return null;
        }
    }

    private static boolean allRunning(JsonNode tasks) {
        for (JsonNode task : tasks) {
            if (!"RUNNING".equals(task.path("state").asText())) {
                return false;
            }
        }
        return true;
    }

    private static String connector(String name) {
        return "/connectors/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private String send(String method, String path, Object body, int... expected) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            }
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            for (int status : expected) {
                if (answer.statusCode() == status) {
                    return answer.body();
                }
            }
            throw new IllegalStateException(method + " " + path + " answered " + answer.statusCode() + ": "
                    + answer.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

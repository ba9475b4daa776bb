package dev.tollgate.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Throws 10,000 generated malformed requests at the gateway, from a fixed seed, spread evenly over the three
 * POST APIs (chat completions, completions, embeddings): mutated, truncated and junk bodies, invalid UTF-8,
 * hostile nesting, wrong types and wrong methods. None may get a 5xx, every error must be OpenAI-shaped JSON,
 * and the gateway must still serve a valid request of each API afterwards.
 */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
class MalformedRequestFuzzIT {

    private static final int REQUESTS = 10_000;
    private static final long SEED = 20261122L;
    private static final String MODEL_FIELD = "{\"model\":\"" + VllmSimulatorResource.MODEL + "\",";
    /** Wrong types every API refuses. */
    private static final String[] COMMON_WRONG = {"\"model\":42", "\"stream\":\"yes\"", "\"max_tokens\":-5",
        "\"max_tokens\":1e400", "\"temperature\":[1]", "\"n\":0", "\"stream_options\":7", "\"user\":{}",
        "\"max_tokens\":99999999999999999999999"};

    /**
     * One POST API under fuzz.
     *
     * @param path        its path
     * @param promptField the field holding its prompt
     * @param prompt      a valid value of that field
     * @param valid       a valid body
     * @param wrong       field values of the wrong type or shape for this API, beside {@link #COMMON_WRONG}
     */
    private record Target(String path, String promptField, String prompt, String valid, String[] wrong) {
        static Target of(String path, String promptField, String prompt, String... wrong) {
            return new Target(path, promptField, prompt,
                    MODEL_FIELD + ("input".equals(promptField) ? "" : "\"max_tokens\":2,") + "\"" + promptField + "\":"
                            + prompt + "}", wrong);
        }
    }

    private static final Target[] TARGETS = {
        Target.of("/v1/chat/completions", "messages", "[{\"role\":\"user\",\"content\":\"hi\"}]",
                "\"messages\":\"hi\"", "\"messages\":[{\"content\":1}]"),
        Target.of("/v1/completions", "prompt", "\"hi\"",
                "\"prompt\":42", "\"prompt\":[1,\"a\"]", "\"prompt\":[[]]", "\"prompt\":{}", "\"prompt\":[-1]"),
        Target.of("/v1/embeddings", "input", "[\"hi\"]",
                "\"input\":true", "\"input\":[[1],[\"a\"]]", "\"input\":[]", "\"stream\":true"),
    };

    @TestHTTPResource("/")
    URL root;

    @Test
    void noMalformedRequestGetsA5xxAndTheGatewayKeepsServing() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Random random = new Random(SEED);
        Semaphore inFlight = new Semaphore(32);
        Map<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();
        List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<?>> all = new ArrayList<>();

        for (int i = 0; i < REQUESTS; i++) {
            HttpRequest request = malformed(random, i);
            inFlight.acquire();
            all.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                inFlight.release();
                if (error != null) {
                    violations.add("transport error: " + error);
                    return;
                }
                byStatus.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                check(response, violations);
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();

        assertThat(violations).as("status counts %s", byStatus).isEmpty();
        assertThat(byStatus.keySet()).allMatch(status -> status < 500);
        assertThat(byStatus.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(REQUESTS);
        for (Target target : TARGETS) {
            given().header("Authorization", "Bearer " + ChatCompletionsIT.KEY).contentType(ContentType.JSON)
                    .body(target.valid()).post(target.path()).then().statusCode(200);
        }
    }

    private static void check(HttpResponse<String> response, List<String> violations) {
        int status = response.statusCode();
        if (status >= 500) {
            violations.add(status + " for " + response.request().method() + ": " + response.body());
        } else if (status >= 400) {
            try {
                JsonObject error = new JsonObject(response.body()).getJsonObject("error");
                if (error == null || error.getString("code") == null || error.getString("message") == null) {
                    violations.add(status + " without an OpenAI error body: " + response.body());
                }
            } catch (RuntimeException notJson) {
                violations.add(status + " with a non-JSON body: " + response.body());
            }
        }
    }

    /** Request {@code i}: its API is {@code i % 3}, its kind of damage {@code i % 10}, so every pair occurs. */
    private HttpRequest malformed(Random random, int i) {
        Target target = TARGETS[i % TARGETS.length];
        URI uri = URI.create(root.toString()).resolve(target.path());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + ChatCompletionsIT.KEY);
        int kind = i % 10;
        if (kind == 9) {
            return request.method(random.nextBoolean() ? "PUT" : "DELETE",
                    HttpRequest.BodyPublishers.ofString(target.valid())).build();
        }
        return request.POST(HttpRequest.BodyPublishers.ofByteArray(body(target, kind, random))).build();
    }

    private static byte[] body(Target target, int kind, Random random) {
        String field = "\"" + target.promptField() + "\"";
        byte[] valid = target.valid().getBytes(StandardCharsets.UTF_8);
        return switch (kind) {
            case 0 -> flipBytes(valid, random);
            case 1 -> java.util.Arrays.copyOf(valid, random.nextInt(valid.length));
            case 2 -> randomBytes(random, 1 + random.nextInt(512));
            case 3 -> invalidUtf8(random);
            case 4 -> nested(target, random);
            case 5 -> wrongType(target, random).getBytes(StandardCharsets.UTF_8);
            case 6 -> ("[" + target.valid() + "]").getBytes(StandardCharsets.UTF_8);
            case 7 -> new byte[0];
            default -> target.valid().replace(field, "\"m" + random.nextInt(1000) + "\"").getBytes(StandardCharsets.UTF_8);
        };
    }

    private static byte[] flipBytes(byte[] valid, Random random) {
        byte[] copy = valid.clone();
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
        }
        return copy;
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] invalidUtf8(Random random) {
        byte[] prefix = "{\"model\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] body = java.util.Arrays.copyOf(prefix, prefix.length + 3);
        body[prefix.length] = (byte) (0xC0 | random.nextInt(2));
        body[prefix.length + 1] = (byte) 0x28;
        body[prefix.length + 2] = '"';
        return body;
    }

    private static byte[] nested(Target target, Random random) {
        int depth = 50 + random.nextInt(5000);
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        return ("{\"model\":\"m\",\"" + target.promptField() + "\":" + open.repeat(depth))
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String wrongType(Target target, Random random) {
        int pick = random.nextInt(COMMON_WRONG.length + target.wrong().length);
        String field = pick < COMMON_WRONG.length ? COMMON_WRONG[pick] : target.wrong()[pick - COMMON_WRONG.length];
        return MODEL_FIELD + "\"" + target.promptField() + "\":" + target.prompt() + "," + field + "}";
    }
}

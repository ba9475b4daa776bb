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
 * Throws 10,000 generated malformed requests at the gateway, from a fixed seed: mutated, truncated and
 * junk bodies, invalid UTF-8, hostile nesting, wrong types and wrong methods. None may get a 5xx, every error
 * must be OpenAI-shaped JSON, and the gateway must still serve a valid request afterwards.
 */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
class MalformedRequestFuzzIT {

    private static final int REQUESTS = 10_000;
    private static final long SEED = 20261122L;
    private static final String VALID = "{\"model\":\"" + VllmSimulatorResource.MODEL + "\",\"max_tokens\":2,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TestHTTPResource("/v1/chat/completions")
    URL chat;

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
        given().header("Authorization", "Bearer " + ChatCompletionsIT.KEY).contentType(ContentType.JSON).body(VALID)
                .post("/v1/chat/completions").then().statusCode(200);
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

    private HttpRequest malformed(Random random, int i) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(chat.toString())).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + ChatCompletionsIT.KEY);
        int kind = i % 10;
        if (kind == 9) {
            return request.method(random.nextBoolean() ? "PUT" : "DELETE", HttpRequest.BodyPublishers.ofString(VALID))
                    .build();
        }
        return request.POST(HttpRequest.BodyPublishers.ofByteArray(body(kind, random))).build();
    }

    private static byte[] body(int kind, Random random) {
        byte[] valid = VALID.getBytes(StandardCharsets.UTF_8);
        return switch (kind) {
            case 0 -> flipBytes(valid, random);
            case 1 -> java.util.Arrays.copyOf(valid, random.nextInt(valid.length));
            case 2 -> randomBytes(random, 1 + random.nextInt(512));
            case 3 -> invalidUtf8(random);
            case 4 -> nested(random);
            case 5 -> wrongType(random).getBytes(StandardCharsets.UTF_8);
            case 6 -> ("[" + VALID + "]").getBytes(StandardCharsets.UTF_8);
            case 7 -> new byte[0];
            default -> VALID.replace("\"messages\"", "\"m" + random.nextInt(1000) + "\"").getBytes(StandardCharsets.UTF_8);
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

    private static byte[] nested(Random random) {
        int depth = 50 + random.nextInt(5000);
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        return ("{\"model\":\"m\",\"messages\":" + open.repeat(depth)).getBytes(StandardCharsets.UTF_8);
    }

    private static String wrongType(Random random) {
        String[] fields = {"\"model\":42", "\"messages\":\"hi\"", "\"stream\":\"yes\"", "\"max_tokens\":-5",
            "\"max_tokens\":1e400", "\"temperature\":[1]", "\"n\":0", "\"stream_options\":7", "\"user\":{}",
            "\"messages\":[{\"content\":1}]", "\"max_tokens\":99999999999999999999999"};
        return "{\"model\":\"" + VllmSimulatorResource.MODEL + "\",\"messages\":[{\"role\":\"user\"}],"
                + fields[random.nextInt(fields.length)] + "}";
    }
}

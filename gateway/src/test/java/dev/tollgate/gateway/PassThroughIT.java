package dev.tollgate.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.EndpointRegistry;
import dev.tollgate.gateway.routing.Environment;
import dev.tollgate.gateway.routing.Price;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the endpoint receives: every field of the client's request, vLLM's own extras and fields the gateway has never
 * heard of included, and what it answers reaches the client unchanged. A stub endpoint records each body it is sent,
 * against a real broker and registry (the gateway publishes its events as always).
 */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
class PassThroughIT {

    static final String KEY = "tg_it_bootstrap_key_0123456789abcdef";
    static final String MODEL = "passthrough-model";
    static final ObjectMapper JSON = new ObjectMapper();
    /** Every kind of field an OpenAI or vLLM client sends, and one nobody defines. */
    static final String REQUEST = """
            {"model":"passthrough-model","messages":[{"role":"system","content":"Be brief."},
             {"role":"user","content":[{"type":"text","text":"Weather in Oslo?"}]}],
             "temperature":0.2,"top_p":0.9,"max_tokens":64,"max_completion_tokens":48,"stop":["\\n\\n","END"],
             "seed":42,"n":2,"presence_penalty":0.1,"frequency_penalty":0.2,"logprobs":true,"top_logprobs":3,
             "user":"user-7","logit_bias":{"50256":-100},
             "response_format":{"type":"json_schema","json_schema":{"name":"weather","strict":true,
               "schema":{"type":"object","properties":{"temp":{"type":"number"}},"required":["temp"]}}},
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather",
               "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "tool_choice":{"type":"function","function":{"name":"get_weather"}},"parallel_tool_calls":false,
             "top_k":40,"min_p":0.05,"repetition_penalty":1.1,"guided_json":{"type":"object"},
             "chat_template_kwargs":{"enable_thinking":false},"x_field_nobody_defines":[1,{"a":null}]}""";
    static final String ANSWER = "{\"id\":\"cmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\""
            + MODEL + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,"
            + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],"
            + "\"usage\":{\"prompt_tokens\":31,\"completion_tokens\":9,\"total_tokens\":40},\"x_vendor\":{\"k\":1}}";

    @Inject
    EndpointRegistry registry;

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private StubUpstream upstream;

    @BeforeEach
    void startEndpoint() throws Exception {
        upstream = new StubUpstream(request -> {
            if (!request.path().equals("/v1/chat/completions")) {
                request.response().end(); // health checks
                return;
            }
            request.body().onSuccess(body -> {
                received.add(body.toString());
                boolean stream = body.toJsonObject().getBoolean("stream", false);
                request.response().putHeader("content-type", stream ? "text/event-stream" : "application/json")
                        .end(stream ? "data: " + ANSWER.replace("chat.completion\"", "chat.completion.chunk\"")
                                + "\n\ndata: [DONE]\n\n" : ANSWER);
            });
        });
        registry.register(new Endpoint("passthrough-1", MODEL, URI.create("http://127.0.0.1:" + upstream.port()),
                new Price(1_000_000, 2_000_000, 1), 1, Environment.PRODUCTION));
    }

    @AfterEach
    void stopEndpoint() throws Exception {
        registry.remove("passthrough-1");
        upstream.close();
    }

    @Test
    void sendsTheEndpointTheClientsBodyByteForByteAndTheClientTheEndpointsAnswer() throws Exception {
        Response response = post(REQUEST);

        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo(REQUEST);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.asString()).isEqualTo(ANSWER);
    }

    @Test
    void sendsAStreamingRequestsFieldsUnchangedWithUsageAskedFor() throws Exception {
        ObjectNode streaming = (ObjectNode) JSON.readTree(REQUEST);
        streaming.put("stream", true);

        Response response = post(streaming.toString());

        JsonNode sent = JSON.readTree(received.poll(5, TimeUnit.SECONDS));
        ObjectNode expected = streaming.deepCopy();
        expected.putObject("stream_options").put("include_usage", true);
        assertThat(sent).isEqualTo(expected);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.asString()).contains("\"tool_calls\"", "data: [DONE]");
    }

    private static Response post(String body) {
        return given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON).body(body)
                .post("/v1/chat/completions");
    }
}

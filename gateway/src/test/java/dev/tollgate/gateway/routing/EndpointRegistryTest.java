package dev.tollgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class EndpointRegistryTest {

    private final EndpointRegistry registry = new EndpointRegistry(NoEndpointsConfig.create());

    @Test
    void removingTheLastEndpointOfAModelMakesTheModelUnknown() {
        registry.register(endpoint("a", "llama"));
        registry.register(endpoint("b", "llama"));

        assertThat(registry.remove("a")).isTrue();
        assertThat(registry.endpoints("llama")).extracting(Endpoint::id).containsExactly("b");
        assertThat(registry.remove("b")).isTrue();
        assertThat(registry.knows("llama")).isFalse();
        assertThat(registry.endpoints("llama")).isEmpty();
    }

    @Test
    void removingAnUnknownEndpointChangesNothing() {
        registry.register(endpoint("a", "llama"));

        assertThat(registry.remove("zzz")).isFalse();
        assertThat(registry.models()).containsExactly("llama");
    }

    @Test
    void registeringAnIdAgainReplacesItsEndpoint() {
        registry.register(endpoint("a", "llama"));
        registry.register(new Endpoint("a", "llama", URI.create("http://other:9"), new Price(1, 1, 2)));

        assertThat(registry.endpoints("llama")).singleElement().satisfies(e -> assertThat(e.price().version()).isEqualTo(2));
    }

    private static Endpoint endpoint(String id, String model) {
        return new Endpoint(id, model, URI.create("http://" + id + ":8000"), new Price(0, 0, 1));
    }
}

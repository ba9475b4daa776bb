package dev.tollgate.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.gateway.admin.AdminException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class BaseUrlValidationTest {

    @Test
    void keepsAnHttpUrlAndDropsTrailingSlashesSoDuplicatesAreRecognised() {
        assertThat(EndpointsResource.baseUrl("http://vllm-1:8000/")).isEqualTo("http://vllm-1:8000");
        assertThat(EndpointsResource.baseUrl(" https://api.example.com/openai// ")).isEqualTo("https://api.example.com/openai");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://host", "http://", "vllm-1:8000", "http://h:1/?x=1", "http://user:pw@h:1", "http://h:1/#f",
            "http://bad host"})
    void rejectsAnythingButAPlainHttpUrlNamingBaseUrl(String url) {
        assertThatThrownBy(() -> EndpointsResource.baseUrl(url)).isInstanceOfSatisfying(AdminException.class,
                e -> assertThat(e.error().param()).isEqualTo("base_url"));
    }
}

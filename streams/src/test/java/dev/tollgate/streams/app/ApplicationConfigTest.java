package dev.tollgate.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import dev.tollgate.streams.topology.StreamsApplication;

/** The deployed configuration keeps the promises the code and docs make. */
class ApplicationConfigTest {

    private static Properties applicationProperties() throws IOException {
        Properties props = new Properties();
        try (InputStream in = ApplicationConfigTest.class.getResourceAsStream("/application.properties")) {
            props.load(in);
        }
        return props;
    }

    @Test
    void deploysWithTheApplicationIdTheInternalTopicNamesAreBuiltFrom() throws IOException {
        assertThat(applicationProperties().getProperty("quarkus.kafka-streams.application-id"))
                .isEqualTo(StreamsApplication.APPLICATION_ID);
    }

    @Test
    void processesExactlyOnce() throws IOException {
        assertThat(applicationProperties().getProperty("kafka-streams.processing.guarantee"))
                .isEqualTo("exactly_once_v2");
    }

    @Test
    void neverReachesForDocker() throws IOException {
        assertThat(applicationProperties().getProperty("quarkus.devservices.enabled")).isEqualTo("false");
    }
}

package dev.tollgate.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;

import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

import dev.tollgate.streams.serde.RegistryUnavailableException;

class StreamsFailurePolicyTest {

    private final StreamsFailurePolicy policy = new StreamsFailurePolicy();

    @Test
    void replacesTheThreadWhenTheRegistryIsDown() {
        StreamsException failure = new StreamsException(
                new RegistryUnavailableException("down", new ConnectException("refused")));

        assertThat(policy.handle(failure)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void shutsTheClientDownOnAnythingElse() {
        assertThat(policy.handle(new StreamsException(new NullPointerException())))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }
}

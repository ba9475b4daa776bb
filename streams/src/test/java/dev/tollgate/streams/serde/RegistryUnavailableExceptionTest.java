package dev.tollgate.streams.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

import com.microsoft.kiota.ApiException;

class RegistryUnavailableExceptionTest {

    @Test
    void treatsARefusedConnectionDeepInTheChainAsAnOutage() {
        Throwable failure = new RuntimeException(new ExecutionException(new ConnectException("Connection refused")));

        assertThat(RegistryUnavailableException.isRegistryOutage(failure)).isTrue();
    }

    @Test
    void treatsAServerErrorAsAnOutage() {
        assertThat(RegistryUnavailableException.isRegistryOutage(new RuntimeException(status(503)))).isTrue();
        assertThat(RegistryUnavailableException.isRegistryOutage(status(401))).isTrue();
    }

    @Test
    void treatsAnUnknownSchemaIdAsTheRecordsFault() {
        assertThat(RegistryUnavailableException.isRegistryOutage(new RuntimeException(status(404)))).isFalse();
    }

    @Test
    void treatsCorruptBytesAsTheRecordsFault() {
        assertThat(RegistryUnavailableException.isRegistryOutage(
                new IllegalStateException("artifact reference cannot be null"))).isFalse();
    }

    @Test
    void isFoundAsTheCauseOfAStreamsFailure() {
        StreamsException wrapped = new StreamsException(
                new RegistryUnavailableException("down", new ConnectException("refused")));

        assertThat(RegistryUnavailableException.isCauseOf(wrapped)).isTrue();
        assertThat(RegistryUnavailableException.isCauseOf(new StreamsException("bug"))).isFalse();
    }

    private static ApiException status(int code) {
        return new StatusApiException(code);
    }

    private static final class StatusApiException extends ApiException {
        StatusApiException(int code) {
            super("HTTP " + code);
            setResponseStatusCode(code);
        }
    }
}

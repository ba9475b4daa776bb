package dev.tollgate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.openai.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class UnauthenticatedRequestsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final UnauthenticatedRequests refusals = new UnauthenticatedRequests(registry);

    @Test
    void countsEachRefusalOnTheSeriesOfItsCodeAndStatus() {
        refusals.refused(ErrorCode.INVALID_API_KEY);
        refusals.refused(ErrorCode.INVALID_API_KEY);
        refusals.refused(ErrorCode.HEADERS_TOO_LARGE);

        assertThat(count(ErrorCode.INVALID_API_KEY)).isEqualTo(2);
        assertThat(count(ErrorCode.HEADERS_TOO_LARGE)).isEqualTo(1);
        assertThat(registry.find(UnauthenticatedRequests.NAME).tag("error.type", ErrorCode.METHOD_NOT_ALLOWED.code())
                .counter()).as("no series before the first refusal of a code").isNull();
    }

    private double count(ErrorCode code) {
        Counter counter = registry.get(UnauthenticatedRequests.NAME).tag("error.type", code.code())
                .tag("http.response.status_code", Integer.toString(code.status())).counter();
        return counter.count();
    }
}

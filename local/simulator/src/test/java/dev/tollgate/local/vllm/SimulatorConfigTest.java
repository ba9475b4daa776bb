package dev.tollgate.local.vllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatorConfigTest {

    @Test
    void rejectsInvalidFieldsWithMessagesNamingThem() {
        SimulatorConfig base = SimulatorConfig.defaults();

        assertThatThrownBy(() -> base.withPort(70_000)).hasMessageContaining("port");
        assertThatThrownBy(() -> base.withServedModelNames(List.of())).hasMessageContaining("servedModelNames");
        assertThatThrownBy(() -> base.withServedModelNames("a", "a")).hasMessageContaining("repeat");
        assertThatThrownBy(() -> base.withTimeToFirstToken(Duration.ofMillis(-1)))
                .hasMessageContaining("timeToFirstToken");
        assertThatThrownBy(() -> base.withOutputTokens(0)).hasMessageContaining("outputTokens");
        assertThatThrownBy(() -> base.withEventLoops(0)).hasMessageContaining("eventLoops");
        assertThatThrownBy(() -> base.withMaxBodyBytes(0)).hasMessageContaining("maxBodyBytes");
        assertThatThrownBy(() -> base.withHost(" ")).hasMessageContaining("host");
    }

    @Test
    void rejectsFailureRatesOutsideZeroToOneOrSummingAboveOne() {
        assertThatThrownBy(() -> new FailurePolicy(-0.1, 0, 0, 500)).hasMessageContaining("errorRate");
        assertThatThrownBy(() -> new FailurePolicy(0, Double.NaN, 0, 500)).hasMessageContaining("hangRate");
        assertThatThrownBy(() -> new FailurePolicy(0.6, 0.3, 0.2, 500)).hasMessageContaining("at most 1");
        assertThatThrownBy(() -> new FailurePolicy(0.1, 0, 0, 200)).hasMessageContaining("errorStatus");
        assertThat(new FailurePolicy(0.5, 0.25, 0.25, 503).isNone()).isFalse();
    }

    @Test
    void reconfigureRefusesToMoveTheListenerButAcceptsEverythingElse() {
        try (VllmSimulator simulator = VllmSimulator.start(SimulatorConfig.defaults().withEventLoops(1))) {
            SimulatorConfig current = simulator.config();

            assertThatThrownBy(() -> simulator.reconfigure(current.withPort(simulator.port() + 1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
            assertThatThrownBy(() -> simulator.reconfigure(current.withEventLoops(2)))
                    .hasMessageContaining("eventLoops");
            simulator.reconfigure(current.withPort(simulator.port()).withOutputTokens(3));
            assertThat(simulator.config().outputTokens()).isEqualTo(3);
        }
    }

    @Test
    void reconfiguredModelNamesAreServedAndListed() {
        try (VllmSimulator simulator = VllmSimulator.start(SimulatorConfig.defaults().withEventLoops(1))) {
            SimHttp http = new SimHttp(simulator);
            assertThat(http.get("/v1/models").body()).contains("sim-model");

            simulator.reconfigure(simulator.config().withServedModelNames("renamed"));

            assertThat(http.get("/v1/models").body()).contains("renamed").doesNotContain("sim-model");
            assertThat(http.post(SimHttp.CHAT, SimHttp.chatBody("")).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void parsesCommandLineFlagsIntoAConfig() {
        SimulatorConfig config = SimulatorArgs.parse(new String[] {
            "--port", "8123", "--model", "a,b", "--model=c", "--ttft-ms", "15", "--itl-ms=3", "--output-tokens", "7",
            "--error-rate", "0.1", "--error-status", "503", "--drop-rate", "0.05", "--seed", "99",
        });

        assertThat(config.port()).isEqualTo(8123);
        assertThat(config.servedModelNames()).containsExactly("a", "b", "c");
        assertThat(config.timeToFirstToken()).isEqualTo(Duration.ofMillis(15));
        assertThat(config.interTokenLatency()).isEqualTo(Duration.ofMillis(3));
        assertThat(config.outputTokens()).isEqualTo(7);
        assertThat(config.failures()).isEqualTo(new FailurePolicy(0.1, 0, 0.05, 503));
        assertThat(config.seed()).isEqualTo(99);
    }

    @Test
    void rejectsUnknownFlagsAndBadValues() {
        assertThatThrownBy(() -> SimulatorArgs.parse(new String[] {"--colour", "red"}))
                .hasMessageContaining("--colour");
        assertThatThrownBy(() -> SimulatorArgs.parse(new String[] {"--port", "eighty"}))
                .hasMessageContaining("--port");
        assertThatThrownBy(() -> SimulatorArgs.parse(new String[] {"--seed"})).hasMessageContaining("needs a value");
    }

    @Test
    void startsOnAnEphemeralPortWithSeveralEventLoops() {
        try (VllmSimulator simulator = VllmSimulator.start(SimulatorConfig.defaults().withEventLoops(3))) {
            assertThat(simulator.port()).isPositive();
            assertThat(simulator.baseUrl()).isEqualTo("http://127.0.0.1:" + simulator.port());
            SimHttp http = new SimHttp(simulator);
            for (int i = 0; i < 6; i++) {
                assertThat(http.get("/health").statusCode()).isEqualTo(200);
            }
        }
    }
}

package dev.tollgate.local.testing;

import dev.tollgate.local.vllm.SimulatorConfig;
import dev.tollgate.local.vllm.VllmSimulator;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource for a vLLM simulator serving one model, registered with the gateway as its bootstrap
 * endpoint {@code sim-1}. Tests reach the running simulator through {@link #simulator()} to reconfigure it,
 * for example to make it fail.
 */
public class VllmSimulatorResource implements QuarkusTestResourceLifecycleManager {

    /** The model the simulator serves. */
    public static final String MODEL = "sim-model";

    private static VllmSimulator simulator;

    /** The running simulator, shared by the test JVM. */
    public static synchronized VllmSimulator simulator() {
        if (simulator == null) {
            simulator = VllmSimulator.start(SimulatorConfig.defaults().withPort(0).withServedModelNames(MODEL)
                    .withOutputTokens(16).withEventLoops(1));
            Runtime.getRuntime().addShutdownHook(new Thread(simulator::close, "stop-shared-simulator"));
        }
        return simulator;
    }

    @Override
    public Map<String, String> start() {
        return Map.of("tollgate.bootstrap.endpoints[0].id", "sim-1",
                "tollgate.bootstrap.endpoints[0].model", MODEL,
                "tollgate.bootstrap.endpoints[0].url", simulator().baseUrl(),
                "tollgate.bootstrap.endpoints[0].input-price-per-million-micros", "1000000",
                "tollgate.bootstrap.endpoints[0].output-price-per-million-micros", "2000000");
    }

    @Override
    public void stop() {
        // shared by the whole test JVM; stopped by its shutdown hook
    }
}

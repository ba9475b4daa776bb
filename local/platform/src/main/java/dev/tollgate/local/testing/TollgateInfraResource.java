package dev.tollgate.local.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource for a real Kafka broker and the real Apicurio Registry (both child JVMs, shared by the
 * test JVM; see {@link SharedInfra}). It sets {@code kafka.bootstrap.servers} and {@code tollgate.registry.url}
 * (the registry's base URL), which the apps' configuration maps onto their clients and serdes.
 */
public class TollgateInfraResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", SharedInfra.kafka().bootstrapServers(),
                "tollgate.registry.url", SharedInfra.registry().url());
    }

    @Override
    public void stop() {
        // shared by the whole test JVM; stopped by SharedInfra's shutdown hooks
    }
}

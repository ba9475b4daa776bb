package dev.tollgate.local.launcher;

import dev.tollgate.local.process.Ports;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every port the local platform listens on. All are checked before anything starts, and every taken one is
 * named in one message, so a user fixes them in one go instead of one failed start at a time.
 */
record PlatformPorts(int gateway, int gatewayManagement, int streams, int simulator, int kafka, int kafkaController,
                     int registry, int postgres) {

    Map<Integer, String> byPort() {
        Map<Integer, String> ports = new LinkedHashMap<>();
        ports.put(gateway, "gateway API (--gateway-port)");
        ports.put(gatewayManagement, "gateway metrics and health (--gateway-management-port)");
        ports.put(streams, "streams query API (--streams-port)");
        ports.put(simulator, "vLLM simulator (--simulator-port)");
        ports.put(kafka, "Kafka broker (--kafka-port)");
        ports.put(kafkaController, "Kafka controller (--kafka-port + 1)");
        ports.put(registry, "Apicurio Registry (--registry-port)");
        ports.put(postgres, "PostgreSQL (--postgres-port)");
        return ports;
    }

    /** @throws IllegalStateException naming every port that is taken or used twice */
    void requireAllFree() {
        Map<Integer, String> ports = byPort();
        if (ports.size() != 8) {
            throw new IllegalStateException("two services were given the same port: " + this);
        }
        List<String> taken = new ArrayList<>();
        ports.forEach((port, what) -> {
            if (!Ports.isFree(port)) {
                taken.add("  port " + port + " for the " + what);
            }
        });
        if (!taken.isEmpty()) {
            throw new IllegalStateException("these ports are already in use by another process:\n"
                    + String.join("\n", taken) + "\nStop what uses them, or pick other ports (./tollgate-local --help).");
        }
    }
}

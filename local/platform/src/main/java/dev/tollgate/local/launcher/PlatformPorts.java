package dev.tollgate.local.launcher;

import dev.tollgate.local.process.Ports;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every port the local platform listens on. All are checked before anything starts, and every taken one is
 * named in one message, so a user fixes them in one go instead of one failed start at a time. Gateway replica
 * {@code i} (from 0) listens on the gateway ports plus {@code i × }{@value #REPLICA_PORT_STEP}.
 */
record PlatformPorts(int gateway, int gatewayManagement, int streams, int simulator, int kafka, int kafkaController,
                     int registry, int postgres, int gatewayReplicas, int connect, int evals,
                     int notifier) {

    /** The distance between the ports of two gateway replicas: 8080, 8180, 8280. */
    static final int REPLICA_PORT_STEP = 100;
    /** The port of a part that does not run (the Connect worker without {@code --warehouse}, the evals worker
     *  and the alert notifier without the streams app). */
    static final int NONE = 0;

    PlatformPorts {
        if (gatewayReplicas < 1 || gatewayReplicas > 4) {
            throw new IllegalArgumentException("--gateway-replicas must be 1 to 4 but was: " + gatewayReplicas);
        }
    }

    /** The OpenAI API port of gateway replica {@code replica} (from 0). */
    int gateway(int replica) {
        return gateway + replica * REPLICA_PORT_STEP;
    }

    /** The metrics and health port of gateway replica {@code replica} (from 0). */
    int gatewayManagement(int replica) {
        return gatewayManagement + replica * REPLICA_PORT_STEP;
    }

    Map<Integer, String> byPort() {
        Map<Integer, String> ports = new LinkedHashMap<>();
        ports.put(gateway, "gateway API (--gateway-port)");
        ports.put(gatewayManagement, "gateway metrics and health (--gateway-management-port)");
        for (int i = 1; i < gatewayReplicas; i++) {
            ports.put(gateway(i), "gateway replica " + (i + 1) + " API (--gateway-port + " + i * REPLICA_PORT_STEP + ")");
            ports.put(gatewayManagement(i), "gateway replica " + (i + 1) + " metrics and health "
                    + "(--gateway-management-port + " + i * REPLICA_PORT_STEP + ")");
        }
        ports.put(streams, "streams query API (--streams-port)");
        ports.put(simulator, "vLLM simulator (--simulator-port)");
        ports.put(kafka, "Kafka broker (--kafka-port)");
        ports.put(kafkaController, "Kafka controller (--kafka-port + 1)");
        ports.put(registry, "Apicurio Registry (--registry-port)");
        ports.put(postgres, "PostgreSQL (--postgres-port)");
        if (connect != NONE) {
            ports.put(connect, "Kafka Connect REST API (--connect-port)");
        }
        if (evals != NONE) {
            ports.put(evals, "evals worker health and metrics (--evals-port)");
        }
        if (notifier != NONE) {
            ports.put(notifier, "alert notifier (--notifier-port)");
        }
        return ports;
    }

    /** @throws IllegalStateException naming every port that is taken or used twice */
    void requireAllFree() {
        Map<Integer, String> ports = byPort();
        long optional = java.util.stream.IntStream.of(connect, evals, notifier).filter(port -> port != NONE).count();
        if (ports.size() != 6 + 2 * gatewayReplicas + optional) {
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

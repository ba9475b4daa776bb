package dev.tollgate.local.kafka;

import dev.tollgate.local.process.ParentWatchdog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Entry point of the broker child JVM: formats the KRaft storage on first start (what {@code kafka-storage
 * format} does), then runs the broker. A restart with the same data directory keeps every topic and offset,
 * which is what lets a test stop the broker and start it again.
 *
 * <p>Arguments: {@code <server.properties> <cluster-id>}.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: BrokerMain <server.properties> <cluster-id>");
            System.exit(2);
        }
        ParentWatchdog.install();
        Path config = Path.of(args[0]);
        Properties props = new Properties();
        try (var in = Files.newInputStream(config)) {
            props.load(in);
        }
        Path logDir = Path.of(props.getProperty("log.dirs"));
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            int rc = kafka.tools.StorageTool.execute(new String[] {"format", "-t", args[1], "-c", config.toString()},
                    System.out);
            if (rc != 0) {
                System.err.println("kafka storage format failed with code " + rc);
                System.exit(rc);
            }
        }
        kafka.Kafka.main(new String[] {config.toString()});
    }
}

package dev.tollgate.local.kafka;

import dev.tollgate.local.process.ParentWatchdog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.logging.Handler;
import org.jboss.logmanager.Level;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.Logger;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;

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
        logWarningsOnly();
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

    /**
     * Warnings and up, to the console, set before any broker class logs. The broker logs through slf4j to JBoss
     * LogManager, and this class path also holds Quarkus' bootstrap, whose embedded logging configurator wins over
     * any {@code logging.properties}: it sets the root logger to ALL and holds records for a Quarkus log set-up
     * that never comes in this JVM. Kafka then built every debug and trace message it guards, among them a JSON
     * form of each request and response for the request log, only for them to be dropped: most of the broker's
     * CPU per produce request under the gateway benchmark (docs/benchmarks.md).
     */
    static void logWarningsOnly() {
        Logger root = LogContext.getLogContext().getLogger("");
        root.setHandlers(new Handler[] {
            new ConsoleHandler(new PatternFormatter("%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c{1}] %s%e%n"))
        });
        root.setLevel(Level.WARN);
    }
}

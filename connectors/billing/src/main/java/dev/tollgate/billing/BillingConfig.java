package dev.tollgate.billing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What the billing consumer needs, read once at start and checked before anything connects. Each setting is the
 * system property {@code tollgate.billing.<name>} or else the environment variable {@code TOLLGATE_BILLING_<NAME>};
 * the database password only from the environment, where {@code ps} does not show it.
 *
 * @param bootstrapServers Kafka, e.g. {@code kafka:9092}
 * @param registryUrl      the Apicurio Registry's base URL, e.g. {@code http://registry:8080}
 * @param jdbcUrl          the billing database, e.g. {@code jdbc:postgresql://db:5432/billing}
 * @param user             its user
 * @param password         its password
 * @param consumer         this consumer's name: its Kafka consumer group, and its rows in {@code billing_offsets}
 * @param instanceId       a stable id of this replica (a StatefulSet pod name), or null: with one, a replica that
 *                         restarts gets its partitions back at once (static membership) instead of after the dead
 *                         member's session timeout (45 s)
 * @param maxBatch         records per poll, so per database transaction
 */
public record BillingConfig(String bootstrapServers, String registryUrl, String jdbcUrl, String user, String password,
                            String consumer, String instanceId, int maxBatch) {

    public BillingConfig {
        List<String> problems = new ArrayList<>();
        require(problems, "bootstrap-servers", bootstrapServers);
        require(problems, "registry-url", registryUrl);
        require(problems, "jdbc-url", jdbcUrl);
        require(problems, "user", user);
        require(problems, "consumer", consumer);
        if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            problems.add("jdbc-url must be a PostgreSQL JDBC URL (jdbc:postgresql://...), but was " + jdbcUrl);
        }
        if (maxBatch < 1 || maxBatch > 100_000) {
            problems.add("max-batch must be 1 to 100000, but was " + maxBatch);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid billing configuration: " + String.join("; ", problems));
        }
    }

    /** The configuration from system properties and the environment (see the class comment). */
    public static BillingConfig load(Map<String, String> env) {
        UnaryOperator<String> setting = name -> System.getProperty("tollgate.billing." + name,
                env.get("TOLLGATE_BILLING_" + name.toUpperCase().replace('-', '_')));
        String batch = setting.apply("max-batch");
        int maxBatch;
        try {
            maxBatch = batch == null ? 500 : Integer.parseInt(batch.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid billing configuration: max-batch must be a number, but was "
                    + batch);
        }
        String consumer = setting.apply("consumer");
        return new BillingConfig(setting.apply("bootstrap-servers"), setting.apply("registry-url"),
                setting.apply("jdbc-url"), setting.apply("user"), env.getOrDefault("TOLLGATE_BILLING_PASSWORD", ""),
                consumer == null ? "tollgate-billing" : consumer, setting.apply("instance-id"), maxBatch);
    }

    private static void require(List<String> problems, String name, String value) {
        if (value == null || value.isBlank()) {
            problems.add(name + " is required (tollgate.billing." + name + " or TOLLGATE_BILLING_"
                    + name.toUpperCase().replace('-', '_') + ")");
        }
    }

    @Override
    public String toString() {
        return "BillingConfig[bootstrapServers=" + bootstrapServers + ", registryUrl=" + registryUrl + ", jdbcUrl="
                + jdbcUrl + ", user=" + user + ", consumer=" + consumer + ", instanceId=" + instanceId + ", maxBatch="
                + maxBatch + "]";
    }
}

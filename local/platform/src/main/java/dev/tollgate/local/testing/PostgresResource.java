package dev.tollgate.local.testing;

import dev.tollgate.local.postgres.LocalPostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource for real PostgreSQL (zonky embedded binaries). Each app gets its own database, named
 * by the {@code database} init argument ({@code tollgate} by default), on the server the test JVM shares.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private String database = "tollgate";

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
    }

    @Override
    public Map<String, String> start() {
        LocalPostgres pg = SharedInfra.postgres().createDatabase(database);
        return Map.of("quarkus.datasource.jdbc.url", pg.jdbcUrl(database),
                "quarkus.datasource.reactive.url", pg.reactiveUrl(database),
                "quarkus.datasource.username", LocalPostgres.USER,
                "quarkus.datasource.password", LocalPostgres.PASSWORD);
    }

    @Override
    public void stop() {
        // shared by the whole test JVM; stopped by SharedInfra's shutdown hook
    }
}

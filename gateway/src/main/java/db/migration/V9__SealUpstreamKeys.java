package db.migration;

import dev.tollgate.gateway.registry.SealUpstreamKeysMigration;

/**
 * Flyway migration 9: {@link SealUpstreamKeysMigration}. It lives here because Quarkus hands Flyway only the Java
 * migrations whose package is a Flyway location ({@code db/migration}); the logic stays with the registry it serves.
 */
public class V9__SealUpstreamKeys extends SealUpstreamKeysMigration {
}

package dev.tollgate.gateway.registry;

import dev.tollgate.gateway.secrets.SealedSecret;
import dev.tollgate.gateway.secrets.SecretSealer;
import io.quarkus.arc.Arc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.jboss.logging.Logger;

/**
 * Flyway migration V9, {@code seal upstream keys} (issue #24), run as {@code db.migration.V9__SealUpstreamKeys}:
 * seals every plaintext upstream API key left by earlier versions with the primary key-encryption key, empties {@code upstream_api_key}, and adds a constraint that keeps it empty, so the table never
 * again holds an upstream key in clear. It is Java, not SQL, because it needs the KEK; it runs in Flyway's
 * transaction, so it seals every key or none. With plaintext keys present and no KEK configured it fails the start
 * with that reason rather than leave them in clear. Row versions are bumped, so each replica's snapshot and the next
 * publish carry the sealed form ({@code POST /admin/v1/secrets/rewrap} re-publishes every endpoint).
 */
public class SealUpstreamKeysMigration implements JavaMigration {

    private static final Logger LOG = Logger.getLogger(SealUpstreamKeysMigration.class);

    // JavaMigration itself, not Flyway's BaseJavaMigration: Quarkus finds Java migrations in its class index, which
    // knows the implementors of an interface only through classes it indexes (Flyway's are not).
    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("9");
    }

    @Override
    public String getDescription() {
        return "seal upstream keys";
    }

    @Override
    public Integer getChecksum() {
        return null;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        Map<String, String> plain = new LinkedHashMap<>();
        try (Statement select = connection.createStatement();
             ResultSet rows = select.executeQuery("select id, upstream_api_key from endpoints "
                     + "where upstream_api_key is not null order by id")) {
            while (rows.next()) {
                plain.put(rows.getString(1), rows.getString(2));
            }
        }
        if (!plain.isEmpty()) {
            SecretSealer sealer = Arc.container().instance(SecretSealer.class).get();
            if (sealer.primaryKekId() == null) {
                throw new IllegalStateException(plain.size() + " endpoints have a plaintext upstream API key and no "
                        + "key-encryption key is configured (tollgate.secrets.kek-dir or tollgate.secrets.keks): "
                        + "configure one so that migration V9 can seal them (docs/security.md#upgrading)");
            }
            try (PreparedStatement update = connection.prepareStatement("update endpoints set upstream_api_key = "
                    + "null, upstream_key_kek_id = ?, upstream_key_envelope = ?, version = version + 1 where id = ?")) {
                for (Map.Entry<String, String> row : plain.entrySet()) {
                    SealedSecret sealed = sealer.seal(row.getValue(), EndpointRecords.secretContext(row.getKey()));
                    update.setString(1, sealed.kekId());
                    update.setBytes(2, sealed.envelope());
                    update.setString(3, row.getKey());
                    update.addBatch();
                }
                update.executeBatch();
            }
        }
        try (Statement alter = connection.createStatement()) {
            alter.execute("alter table endpoints add constraint endpoints_no_plain_upstream_key "
                    + "check (upstream_api_key is null)");
        }
        LOG.infof("event=upstream_keys_sealed endpoints=%d", plain.size());
    }
}

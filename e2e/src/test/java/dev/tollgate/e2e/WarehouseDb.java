package dev.tollgate.e2e;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.LongPredicate;

/**
 * The local platform's warehouse database as a test reads it: plain JDBC queries of one number, and a wait until
 * such a number holds. A table the sink has not created yet reads as 0 rows.
 */
final class WarehouseDb implements AutoCloseable {

    private final Connection connection;

    WarehouseDb(int postgresPort) throws SQLException {
        this.connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgresPort + "/warehouse",
                "postgres", "postgres");
    }

    /** The first column of the first row of {@code sql} as a long; 0 when there is no row, NULL or no such table. */
    long number(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) { // undefined_table: the sink has not written yet
                return 0;
            }
            throw e;
        }
    }

    /** The first column of the first row of {@code sql} as text, or null. */
    String text(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /**
     * Waits until {@code sql}'s number satisfies {@code condition} and returns it.
     *
     * @throws AssertionError with the last value when it does not within {@code timeout}
     */
    long await(String sql, LongPredicate condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long value = number(sql);
        while (!condition.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("after " + timeout.toSeconds() + " s, " + sql + " is still " + value);
            }
            Thread.sleep(250);
            value = number(sql);
        }
        return value;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}

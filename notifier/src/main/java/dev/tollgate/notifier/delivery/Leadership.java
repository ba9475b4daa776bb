package dev.tollgate.notifier.delivery;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Which notifier replica dispatches: the one holding a PostgreSQL session-level advisory lock on a connection of its
 * own. Another replica (a rolling update, a second pod) keeps recording deliveries, which is idempotent, but does not
 * send until it gets the lock, when the holder's session ends.
 */
@Singleton
public class Leadership {

    private static final Logger LOG = Logger.getLogger(Leadership.class);
    /** The lock's key; any number unique to the notifier's database. */
    private static final long LOCK = 0x7011_6a7e_a1e7L;

    private final DataSource database;
    private Connection held;
    private boolean warned;

    @Inject
    Leadership(DataSource database) {
        this.database = database;
    }

    /** Whether this replica holds the lock, taking it if it is free. Called from the dispatcher thread only. */
    synchronized boolean hold() {
        try {
            if (held != null && held.isValid(2)) {
                return true;
            }
            release();
            Connection connection = database.getConnection();
            try (PreparedStatement lock = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
                lock.setLong(1, LOCK);
                try (ResultSet rs = lock.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        held = connection;
                        warned = false;
                        LOG.infof("event=dispatcher_leader");
                        return true;
                    }
                }
            }
            connection.close();
            if (!warned) {
                LOG.infof("event=dispatcher_standby reason=\"another notifier holds the dispatch lock\"");
                warned = true;
            }
            return false;
        } catch (SQLException e) {
            LOG.warnf("event=dispatcher_lock_failed reason=\"%s\"", e.getMessage());
            release();
            return false;
        }
    }

    /**
     * Gives the lock up. The connection goes back to a pool that keeps its session open, so the lock is released by
     * name first; a broken session has lost it already.
     */
    synchronized void release() {
        if (held != null) {
            try (PreparedStatement unlock = held.prepareStatement("select pg_advisory_unlock(?)")) {
                unlock.setLong(1, LOCK);
                unlock.execute();
            } catch (SQLException ignored) {
                // the session is broken: the lock went with it
            }
            try {
                held.close();
            } catch (SQLException ignored) {
                // nothing left to release
            }
            held = null;
        }
    }
}

package dev.tollgate.gateway.admin;

/**
 * Recognises a PostgreSQL unique violation (SQLSTATE 23505) however the reactive stack wraps it, so a race
 * between two admin calls that both passed the pre-check still answers 409 rather than 500.
 */
public final class UniqueViolation {

    private UniqueViolation() {
    }

    /** Whether {@code failure} or one of its causes is a unique violation. */
    public static boolean test(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState())) {
                return true;
            }
            if (t instanceof org.hibernate.exception.ConstraintViolationException c
                    && "23505".equals(c.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}

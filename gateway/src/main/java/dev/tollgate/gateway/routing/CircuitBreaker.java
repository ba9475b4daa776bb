package dev.tollgate.gateway.routing;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The circuit breaker of one endpoint: a small state machine rather than a library guard, because the router must
 * ask "may this endpoint take a request?" before choosing, and the outcome of a request is known only when its
 * exchange ends (see {@code docs/decisions/0003-own-circuit-breaker.md}).
 *
 * <ul>
 *   <li><b>closed</b>: requests flow. It opens after {@link Settings#consecutiveFailures()} failures in a row, or
 *       when at least {@link Settings#failureRatio()} of the last {@link Settings#window()} requests failed (once
 *       {@link Settings#minimumRequests()} were seen).</li>
 *   <li><b>open</b>: no request is let through for {@link Settings#coolDown()}.</li>
 *   <li><b>half-open</b>: after the cool-down, exactly one probe request is let through. Its success closes the
 *       breaker with a clean slate; its failure opens it for another cool-down.</li>
 * </ul>
 *
 * Thread-safe: every method synchronizes on the breaker, which is cheap since only the requests of one endpoint
 * contend. A {@link Permit} from {@link #acquire()} must be settled exactly once with {@link #succeeded},
 * {@link #failed} or {@link #released}; {@link Lease} does that.
 */
public final class CircuitBreaker {

    /** What the breaker currently lets through. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    /** The right to send one request, and whether it is the half-open probe. */
    public enum Permit { DENIED, CALL, PROBE }

    /**
     * When the breaker opens and for how long.
     *
     * @param consecutiveFailures failures in a row that open it, at least 1
     * @param failureRatio        share of failures in the window that opens it, in (0, 1]
     * @param window              outcomes the ratio is computed over, at least 1
     * @param minimumRequests     outcomes needed in the window before the ratio counts, in [1, window]
     * @param coolDown            time open before a probe is let through
     */
    public record Settings(int consecutiveFailures, double failureRatio, int window, int minimumRequests,
                           Duration coolDown) {
        public Settings {
            if (consecutiveFailures < 1 || window < 1 || minimumRequests < 1 || minimumRequests > window) {
                throw new IllegalArgumentException("breaker needs consecutiveFailures >= 1 and 1 <= minimumRequests"
                        + " <= window, not " + consecutiveFailures + ", " + minimumRequests + ", " + window);
            }
            if (!(failureRatio > 0 && failureRatio <= 1)) {
                throw new IllegalArgumentException("breaker failureRatio must be in (0, 1], not " + failureRatio);
            }
            if (coolDown.isNegative()) {
                throw new IllegalArgumentException("breaker coolDown must not be negative");
            }
        }

        static Settings of(RoutingConfig.Breaker config) {
            return new Settings(config.consecutiveFailures(), config.failureRatio(), config.window(),
                    config.minimumRequests(), config.coolDown());
        }
    }

    private final Settings settings;
    private final LongSupplier nanoClock;
    private final boolean[] failures;
    private State state = State.CLOSED;
    private int consecutive;
    private int recorded;
    private int next;
    private int failuresInWindow;
    private long openedAtNanos;
    private boolean probeInFlight;

    /**
     * @param settings  thresholds and cool-down
     * @param nanoClock monotonic time in nanoseconds; {@link System#nanoTime} outside tests
     */
    public CircuitBreaker(Settings settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.nanoClock = nanoClock;
        this.failures = new boolean[settings.window()];
    }

    /** The current state; an open breaker whose cool-down has passed reports half-open. */
    public synchronized State state() {
        coolDownElapsed();
        return state;
    }

    /** Whether {@link #acquire()} would grant a permit now, without taking it. */
    public synchronized boolean admits() {
        coolDownElapsed();
        return state == State.CLOSED || (state == State.HALF_OPEN && !probeInFlight);
    }

    /** Takes the right to send one request: a plain call when closed, the single probe when half-open. */
    public synchronized Permit acquire() {
        coolDownElapsed();
        if (state == State.CLOSED) {
            return Permit.CALL;
        }
        if (state == State.HALF_OPEN && !probeInFlight) {
            probeInFlight = true;
            return Permit.PROBE;
        }
        return Permit.DENIED;
    }

    /** The request behind {@code permit} was answered by the endpoint. */
    public synchronized void succeeded(Permit permit) {
        if (permit == Permit.PROBE) {
            close();
        } else if (permit == Permit.CALL && state == State.CLOSED) {
            consecutive = 0;
            record(false);
        }
    }

    /** The request behind {@code permit} failed because of the endpoint. */
    public synchronized void failed(Permit permit) {
        if (permit == Permit.PROBE) {
            probeInFlight = false;
            open();
        } else if (permit == Permit.CALL && state == State.CLOSED) {
            consecutive++;
            record(true);
            if (consecutive >= settings.consecutiveFailures()
                    || (recorded >= settings.minimumRequests()
                    && failuresInWindow >= settings.failureRatio() * recorded)) {
                open();
            }
        }
    }

    /** The request behind {@code permit} ended without telling anything about the endpoint (client gone). */
    public synchronized void released(Permit permit) {
        if (permit == Permit.PROBE) {
            probeInFlight = false;
        }
    }

    private void record(boolean failure) {
        if (recorded == failures.length) {
            if (failures[next]) {
                failuresInWindow--;
            }
        } else {
            recorded++;
        }
        failures[next] = failure;
        if (failure) {
            failuresInWindow++;
        }
        next = (next + 1) % failures.length;
    }

    private void open() {
        state = State.OPEN;
        openedAtNanos = nanoClock.getAsLong();
    }

    private void close() {
        state = State.CLOSED;
        probeInFlight = false;
        consecutive = 0;
        recorded = 0;
        next = 0;
        failuresInWindow = 0;
        java.util.Arrays.fill(failures, false);
    }

    private void coolDownElapsed() {
        if (state == State.OPEN && nanoClock.getAsLong() - openedAtNanos >= settings.coolDown().toNanos()) {
            state = State.HALF_OPEN;
            probeInFlight = false;
        }
    }
}

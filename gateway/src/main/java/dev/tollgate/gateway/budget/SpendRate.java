package dev.tollgate.gateway.budget;

/**
 * A replica's recent rate of admitted worst-case cost on one budget, per second: an exponentially decayed sum with a
 * one-second time constant, which at a steady rate converges to that rate and after a pause decays towards zero.
 * Guarded by its account's lock.
 */
final class SpendRate {

    private static final double TAU_NANOS = 1e9;

    private double perSecond;
    private long lastNanos;

    /** Adds {@code micros} admitted at {@code nowNanos}. */
    void add(long micros, long nowNanos) {
        decay(nowNanos);
        perSecond += micros;
    }

    /** The rate at {@code nowNanos}, micro-dollars per second. */
    double perSecond(long nowNanos) {
        decay(nowNanos);
        return perSecond;
    }

    private void decay(long nowNanos) {
        if (lastNanos != 0 && nowNanos > lastNanos) {
            perSecond *= Math.exp(-(nowNanos - lastNanos) / TAU_NANOS);
        }
        lastNanos = nowNanos;
    }
}

package dev.tollgate.streams.budgets;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A spend lease the owner of a hard budget granted to one gateway replica, as kept in the spend store with the
 * budget's spend (JSON; the field names are a storage contract: add fields, never rename them).
 *
 * <p>What a lease <i>holds</i> is what it may still turn out to have paid for that no usage event has counted yet:
 * <ul>
 *   <li>before it is returned, its grant less what usage naming it has counted;</li>
 *   <li>once returned, the bound its replica reported ({@code returned_micros}: finished spend, plus the worst
 *       case of requests still in flight unless the return was final) less what usage has counted.</li>
 * </ul>
 * Every admitted request's worst case was reserved from a lease, so a usage event naming a lease moves its cost
 * from the lease's hold to the budget's spend: spend plus holds does not grow, and grants keep it within the
 * limit.
 *
 * @param id             {@code <period start ms>-<request event id>}: unique, and it names the period it is for
 * @param replicaId      the replica it was granted to
 * @param grantedMicros  how much may be spent against it
 * @param countedMicros  the cost of the usage events naming it counted so far
 * @param returnedMicros null until returned; then the most it can have paid for, as its replica reported
 * @param finalReturn    whether the return was final: no request holds any of it any more
 * @param grantedAtMs    when it was granted (the owner's wall clock)
 * @param expiresAtMs    until when its replica may admit against it; unreturned, it is released a settle grace
 *                       later
 * @param returnedAtMs   when it was last returned, or 0
 */
public record BudgetLease(
        @JsonProperty("id") String id,
        @JsonProperty("replica_id") String replicaId,
        @JsonProperty("granted_micros") long grantedMicros,
        @JsonProperty("counted_micros") long countedMicros,
        @JsonProperty("returned_micros") Long returnedMicros,
        @JsonProperty("final") boolean finalReturn,
        @JsonProperty("granted_at_ms") long grantedAtMs,
        @JsonProperty("expires_at_ms") long expiresAtMs,
        @JsonProperty("returned_at_ms") long returnedAtMs) {

    /** A new lease of {@code grantedMicros}, nothing counted, not returned. */
    static BudgetLease granted(String id, String replicaId, long grantedMicros, long nowMs, long ttlMs) {
        return new BudgetLease(id, replicaId, grantedMicros, 0, null, false, nowMs, nowMs + ttlMs, 0);
    }

    /** What the lease may still have paid for that usage has not counted yet. */
    public long holdMicros() {
        long bound = returnedMicros == null ? grantedMicros : Math.min(returnedMicros, grantedMicros);
        return Math.max(0, bound - countedMicros);
    }

    /** Whether its replica has returned it: it admits nothing more against it. */
    public boolean returned() {
        return returnedMicros != null;
    }

    /** Whether it is done with: returned for good, and every usage event naming it counted. */
    boolean settled() {
        return finalReturn && returnedMicros != null && countedMicros >= returnedMicros;
    }

    /** This lease with {@code costMicros} more counted from a usage event naming it. */
    BudgetLease counted(long costMicros) {
        return new BudgetLease(id, replicaId, grantedMicros, Math.addExact(countedMicros, costMicros), returnedMicros,
                finalReturn, grantedAtMs, expiresAtMs, returnedAtMs);
    }

    /**
     * This lease returned with the bound {@code usedMicros}. Bounds only ever shrink: a later, final return names
     * the real spend of requests an earlier return still counted at their worst case.
     */
    BudgetLease returned(long usedMicros, boolean isFinal, long nowMs) {
        long bound = Math.max(0, returnedMicros == null ? usedMicros : Math.min(returnedMicros, usedMicros));
        return new BudgetLease(id, replicaId, grantedMicros, countedMicros, bound, finalReturn || isFinal, grantedAtMs,
                expiresAtMs, nowMs);
    }

    /** The period start a lease id names, or {@code Long.MIN_VALUE} when the id is not one of ours. */
    static long periodStartOf(String leaseId) {
        int dash = leaseId == null ? -1 : leaseId.indexOf('-');
        if (dash <= 0) {
            return Long.MIN_VALUE;
        }
        try {
            return Long.parseLong(leaseId.substring(0, dash));
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    /** The id of the lease granted for period {@code periodStartMs} in answer to request {@code requestId}. */
    static String idFor(long periodStartMs, String requestId) {
        return periodStartMs + "-" + requestId;
    }
}

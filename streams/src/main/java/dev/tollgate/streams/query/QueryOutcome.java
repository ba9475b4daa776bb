package dev.tollgate.streams.query;

/** What a totals query came to, before it is turned into an HTTP answer. */
public sealed interface QueryOutcome {

    /**
     * This instance owns the org and has totals for it.
     *
     * @param totals the totals
     */
    record Found(OrgUsageTotalsView totals) implements QueryOutcome {
    }

    /** This instance owns the org and has nothing for it. */
    record NotFound() implements QueryOutcome {
    }

    /**
     * Nobody can answer right now (starting, rebalancing, owner unreachable).
     *
     * @param reason why, for the client and the logs
     */
    record Unavailable(String reason) implements QueryOutcome {
    }

    /**
     * Another instance owns the org and answered; its answer is relayed as is.
     *
     * @param status the owner's HTTP status
     * @param body   the owner's JSON body
     */
    record Relayed(int status, String body) implements QueryOutcome {
    }
}

package dev.tollgate.streams.query;

/** What asking the instance that owns a key came to, before it is turned into an HTTP answer. */
public sealed interface QueryOutcome {

    /**
     * Nobody can answer right now (starting, rebalancing, owner unreachable).
     *
     * @param reason why, for the client and the logs
     */
    record Unavailable(String reason) implements QueryOutcome {
    }

    /**
     * Another instance owns the key and answered; its answer is relayed as is.
     *
     * @param status the owner's HTTP status
     * @param body   the owner's JSON body
     */
    record Relayed(int status, String body) implements QueryOutcome {
    }
}

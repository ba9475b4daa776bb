package dev.tollgate.gateway.console;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;

/**
 * One server-sent event of the live feed: the requests that arrived since the last one. A console gets at most one
 * batch per {@code tollgate.console.feed.batch-interval}, however busy the gateway is.
 *
 * @param type    {@code hello} (first, with the recent requests), {@code usage}, or {@code heartbeat} (nothing
 *                arrived for a while; it keeps proxies from closing the connection and lets the server notice a
 *                console that went away)
 * @param at      when the batch was sent
 * @param events  the requests, oldest first
 * @param dropped requests this console missed since the last batch because it fell behind
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record LiveBatch(String type, Instant at, List<LiveUsage> events, long dropped) {
}

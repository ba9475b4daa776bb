package dev.tollgate.streams.usage;

import java.util.List;

import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.streams.topology.StreamsApplication;

/**
 * The usage-totals sub-topology: running totals per org from the deduplicated usage stream.
 *
 * <pre>
 * deduplicated usage (org id, UsageEvent)   from the intake, shared with budgets and rollups
 *   usage-totals         [store usage-totals-by-org: timestamped key-value, org id -> OrgUsageTotals JSON]
 *                        written once per org and commit (OrgTotalsAggregator); the key already is the org id
 * </pre>
 *
 * The store name fixes the changelog topic ({@link #INTERNAL_TOPICS}), a deployment contract: renaming it abandons
 * its state.
 */
public final class UsageTotalsTopology {

    public static final String AGGREGATE = "usage-totals";

    /** Totals per org id, queried by the HTTP API. */
    public static final String TOTALS_STORE = "usage-totals-by-org";

    /** The internal topics this sub-topology makes Kafka Streams create: one changelog, no repartition topic. */
    public static final List<String> INTERNAL_TOPICS = List.of(StreamsApplication.changelogTopic(TOTALS_STORE));

    private UsageTotalsTopology() {
    }

    /**
     * Adds the totals to the topology of {@code usage}.
     *
     * @param usage the deduplicated usage stream, keyed by org id
     */
    public static void contribute(KStream<String, UsageEvent> usage) {
        usage.process(OrgTotalsAggregator.supplier(), Named.as(AGGREGATE));
    }
}

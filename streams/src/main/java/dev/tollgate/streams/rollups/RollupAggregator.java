package dev.tollgate.streams.rollups;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.jboss.logging.Logger;

/**
 * Adds each usage sample to the tumbling 1-minute, 1-hour and 1-day windows of each of its rollup keys in one
 * {@link RollupGroup}, and publishes every updated window.
 *
 * <p>Why a processor over window stores rather than three windowed DSL aggregations per key: the three org
 * dimensions would each need a re-key and so a repartition topic, although all three are already partitioned by
 * org. Here one processor, in the org's task, writes all of them, with grace applied the way the DSL does: an
 * event is dropped once the task's stream time is more than the grace past its window's end.
 */
public class RollupAggregator implements Processor<String, RollupSample, String, RollupView> {

    private static final Logger LOG = Logger.getLogger(RollupAggregator.class);

    private final RollupGroup group;
    private final Map<Granularity, Duration> grace;
    private final Map<Granularity, WindowStore<String, Rollup>> stores = new EnumMap<>(Granularity.class);
    private ProcessorContext<String, RollupView> context;

    /**
     * @param group the dimensions this processor rolls up
     * @param grace how late an event may be per window size
     */
    public RollupAggregator(RollupGroup group, Map<Granularity, Duration> grace) {
        this.group = group;
        this.grace = grace;
    }

    @Override
    public void init(ProcessorContext<String, RollupView> context) {
        this.context = context;
        for (Granularity granularity : Granularity.values()) {
            stores.put(granularity, context.getStateStore(group.storeName(granularity)));
        }
    }

    @Override
    public void process(Record<String, RollupSample> record) {
        long at = record.timestamp();
        long streamTime = context.currentStreamTimeMs();
        for (Granularity granularity : Granularity.values()) {
            long start = granularity.windowStart(at);
            long closesAt = start + granularity.size().toMillis() + grace.get(granularity).toMillis();
            if (streamTime >= closesAt) {
                LOG.debugf("event=rollup_late_event_dropped group=%s granularity=%s timestamp=%d stream_time=%d",
                        group, granularity.label(), at, streamTime);
                continue;
            }
            WindowStore<String, Rollup> store = stores.get(granularity);
            for (String key : group.keys(record.value())) {
                Rollup current = store.fetch(key, start);
                Rollup next = (current == null ? Rollup.empty() : current).add(record.value());
                store.put(key, next, start);
                context.forward(new Record<>(granularity.label() + "/" + start + "/" + key,
                        RollupView.of(granularity, key, start, next), at));
            }
        }
    }
}

package dev.tollgate.gateway.budget;

import dev.tollgate.events.v1.BudgetState;
import dev.tollgate.gateway.config.RegistryConfig;
import dev.tollgate.gateway.sync.FollowedTopics;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Feeds {@code tollgate.budget-state.v1} (compacted, keyed by budget id, written by the streams app) into the
 * {@link BudgetBook}. Every replica reads every partition from the beginning, without a consumer group: each
 * needs the state of every budget ({@link FollowedTopics.Bootstrap.Replay}). Readiness is DOWN until the replica has
 * read up to the end offsets it saw at start, so a fresh replica never admits against spend it has not seen yet.
 *
 * <p>It also measures what makes enforcement fresh: for each state read after that catch-up, the time from the
 * state's {@code as_of} (the completion of the newest usage counted, when its event was produced) to the moment
 * this replica enforces it, as the timer {@code tollgate.budget.state.freshness}.
 */
@ApplicationScoped
public class BudgetStateFollower {

    private static final Logger LOG = Logger.getLogger(BudgetStateFollower.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final BudgetBook book;
    private final Duration loadTimeout;
    private final Map<String, Object> consumerProps;
    private final String registryUrl;
    private final Timer freshness;
    /** Reads until stopped; after a failure it starts over from the beginning, which the book tolerates. */
    private final FollowedTopics<BudgetState> followed;

    @Inject
    BudgetStateFollower(BudgetBook book, BudgetConfig config, RegistryConfig registry, MeterRegistry metrics,
                        @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.book = book;
        this.loadTimeout = config.loadTimeout();
        this.registryUrl = registry.url();
        this.consumerProps = new HashMap<>(kafka);
        this.freshness = Timer.builder("tollgate.budget.state.freshness")
                .description("From the newest usage a budget state counts to this replica enforcing that state")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(metrics);
        this.followed = new FollowedTopics<>("tollgate-budget-state-follower", List.of(Topics.BUDGET_STATE),
                new FollowedTopics.Bootstrap.Replay(), this::createConsumer, this::apply, RETRY);
    }

    void start(@Observes StartupEvent ignored) throws InterruptedException {
        if (!followed.start(loadTimeout)) {
            LOG.warnf("budget states not loaded yet, not ready timeout=%s", loadTimeout);
        }
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        followed.stop();
    }

    /** Whether every budget state published before this replica started has been applied. */
    public boolean ready() {
        return followed.ready();
    }

    /** Applies one state; {@code live} once the replay of what was published before is over. */
    private void apply(ConsumerRecord<String, BudgetState> record, boolean live) {
        BudgetState state = record.value();
        if (state == null || record.key() == null) {
            return;
        }
        book.applyState(state);
        if (live) {
            long lagMs = System.currentTimeMillis() - state.getAsOf().toEpochMilli();
            freshness.record(Math.max(0, lagMs), TimeUnit.MILLISECONDS);
        }
    }

    private KafkaConsumer<String, BudgetState> createConsumer() {
        Map<String, Object> props = new HashMap<>(consumerProps);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "tollgate-gateway-budget-state");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        AvroKafkaDeserializer<BudgetState> values = new AvroKafkaDeserializer<>();
        values.configure(AvroSerdes.deserializerConfig(registryUrl), false);
        return new KafkaConsumer<>(props, new StringDeserializer(), values);
    }
}

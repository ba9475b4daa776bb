package dev.tollgate.streams.topology;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * Two commit cadences: short commits while a task's input is live, the app's {@code commit.interval.ms} while it
 * works off a backlog.
 *
 * <p><b>Why:</b> every commit writes each dirty budget, rollup window, total and sequence block once, and publishes
 * it (see {@link CommitFlush}); the shorter the interval, the more of those writes per event. Freshness needs short
 * commits only while events are recent: a budget state or rollup trails the usage it counts by up to one commit
 * interval, and the gateways' budget admission wants that under a second. A backlog (a start after downtime, a
 * replay, a burst the app fell behind on) is already late, and its events are counted sooner if each commit carries
 * more of them. Measured on the streams benchmark, a 1,000 ms interval instead of 100 ms worked off the backlog
 * 58 % faster (docs/benchmarks.md).
 *
 * <p><b>How:</b> Kafka Streams commits a thread's tasks every {@code commit.interval.ms} (the backlog cadence), and
 * at once when a task asks with {@code ProcessingContext#commit()}. A processor that counts live input creates one of
 * these in {@code init}, tells it of every record, and of every commit of its task from its commit hook
 * ({@link CommitFlush}); a wall-clock punctuation every {@link #INTERVAL_CONFIG} asks for a commit when a record seen
 * since the task's last commit was live (its timestamp, when the gateway published it, within
 * {@link #MAX_LAG_CONFIG} of the wall clock, or a record live by nature: a lease request) and that commit is at least
 * an interval old. Under {@code exactly_once_v2} a requested commit commits every task of the thread, so one live
 * input keeps the whole thread on the short cadence, and the other tasks, told of that commit, do not ask again
 * within the interval. (Without that, each task's punctuation asked on its own phase, and six tasks made the thread
 * commit about every 16 ms: the live lag rose instead of falling.)
 */
public final class LiveCommits {

    /** The live cadence, in ms (Kafka Streams config, {@code kafka-streams.} prefix in the app); 0 turns it off. */
    public static final String INTERVAL_CONFIG = "tollgate.live.commit.interval.ms";
    /** How far behind the wall clock a record may be and still count as live, in ms. */
    public static final String MAX_LAG_CONFIG = "tollgate.live.max.lag.ms";
    static final long DEFAULT_INTERVAL_MS = 100;
    static final long DEFAULT_MAX_LAG_MS = 2_000;

    private final ProcessingContext context;
    private final long intervalMs;
    private final long maxLagMs;
    private boolean liveSinceLastCommit;
    private long lastCommitMs = Long.MIN_VALUE;

    private LiveCommits(ProcessingContext context, Settings settings) {
        this.context = context;
        this.intervalMs = settings.intervalMs();
        this.maxLagMs = settings.maxLagMs();
    }

    /** The cadence's settings, read from the app's Kafka Streams configuration. */
    public record Settings(long intervalMs, long maxLagMs) {

        /**
         * Reads and checks the settings.
         *
         * @throws ConfigException when a value is not a whole number, is negative, or the lag is zero
         */
        public static Settings from(Map<String, ?> config) {
            long interval = millis(config, INTERVAL_CONFIG, DEFAULT_INTERVAL_MS);
            long lag = millis(config, MAX_LAG_CONFIG, DEFAULT_MAX_LAG_MS);
            if (lag == 0) {
                throw new ConfigException(MAX_LAG_CONFIG, lag, "must be positive: no record would ever count as live");
            }
            return new Settings(interval, lag);
        }

        private static long millis(Map<String, ?> config, String key, long fallback) {
            Object value = config.get(key);
            if (value == null) {
                return fallback;
            }
            try {
                long millis = Long.parseLong(value.toString().trim());
                if (millis < 0) {
                    throw new ConfigException(key, value, "must not be negative");
                }
                return millis;
            } catch (NumberFormatException e) {
                throw new ConfigException(key, value, "must be a whole number of milliseconds");
            }
        }
    }

    /**
     * The cadence of one processor's task, with its punctuation scheduled (none when the live interval is 0).
     *
     * @throws ConfigException when the app's settings are invalid (see {@link Settings#from(Map)})
     */
    public static LiveCommits schedule(ProcessingContext context) {
        Settings settings = Settings.from(context.appConfigs());
        LiveCommits cadence = new LiveCommits(context, settings);
        if (settings.intervalMs() > 0) {
            context.schedule(Duration.ofMillis(settings.intervalMs()), PunctuationType.WALL_CLOCK_TIME,
                    cadence::commitIfLive);
        }
        return cadence;
    }

    /** Tells of a record with this timestamp: live when it is within the lag of the wall clock. */
    public void saw(long recordTimestampMs) {
        if (!liveSinceLastCommit && context.currentSystemTimeMs() - recordTimestampMs <= maxLagMs) {
            liveSinceLastCommit = true;
        }
    }

    /** Tells of a record that is live whatever its timestamp (someone waits for its answer). */
    public void sawLive() {
        liveSinceLastCommit = true;
    }

    /**
     * Tells that the task committed (call it from the processor's commit hook): everything seen so far is committed,
     * and the next request waits an interval from now.
     */
    public void committed() {
        liveSinceLastCommit = false;
        lastCommitMs = context.currentSystemTimeMs();
    }

    private void commitIfLive(long now) {
        if (liveSinceLastCommit && (lastCommitMs == Long.MIN_VALUE || now - lastCommitMs >= intervalMs)) {
            liveSinceLastCommit = false;
            lastCommitMs = now;
            context.commit();
        }
    }
}

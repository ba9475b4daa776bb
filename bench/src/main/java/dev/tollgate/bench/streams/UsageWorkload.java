package dev.tollgate.bench.streams;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import dev.tollgate.events.v1.BudgetDefinition;
import dev.tollgate.events.v1.BudgetEnforcement;
import dev.tollgate.events.v1.BudgetPeriod;
import dev.tollgate.events.v1.BudgetScopeType;
import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.events.v1.UsageSource;

/**
 * Usage events that look like a gateway's traffic, deterministic for a seed: orgs of very different size (the
 * weight of org <i>i</i> is 1/(i+1), so a few orgs carry most of the traffic, as with real tenants), a handful of
 * keys per org, models served by two endpoints each, about 3 % failures (502 upstream errors and 429 rejections), a third of the calls
 * streamed (those have a time to first token), token counts and latencies that vary by two orders of magnitude,
 * and a small share of duplicate deliveries (same {@code event_id}, as after a producer retry).
 *
 * <p>Every event carries a producer stamp as the gateway sets it ({@code producer_id}, {@code producer_sequence}):
 * {@value #PRODUCERS} gateway replicas take the events in turn, each numbering its own from 1, so each partition of
 * the usage topic sees every producer with gaps in its numbers (the events of other orgs went to other partitions),
 * and a duplicate delivery keeps the stamp of its original, as a re-publish does. The stamps are assigned without
 * drawing from the random generator, so the events are otherwise the same as before they were stamped.
 *
 * <p>Why deterministic: two runs of the benchmark then process the same backlog, so their figures compare.
 */
public final class UsageWorkload {

    /** The gateway replicas the events come from. */
    public static final int PRODUCERS = 4;

    private static final String[] MODELS = {"llama-3-8b", "llama-3-70b", "mistral-7b", "qwen-2.5-32b",
        "gemma-2-9b", "phi-3-mini"};

    private final SplittableRandom random;
    private final int orgs;
    private final int keysPerOrg;
    private final double duplicateShare;
    private final double[] cumulativeOrgWeight;
    private final long[] sequences = new long[PRODUCERS];
    private long created;
    private UsageEvent previous;

    /**
     * @param seed           makes the sequence repeatable
     * @param orgs           number of orgs
     * @param keysPerOrg     API keys per org
     * @param duplicateShare share of events that are a second delivery of the previous event, e.g. 0.005
     */
    public UsageWorkload(long seed, int orgs, int keysPerOrg, double duplicateShare) {
        this.random = new SplittableRandom(seed);
        this.orgs = orgs;
        this.keysPerOrg = keysPerOrg;
        this.duplicateShare = duplicateShare;
        this.cumulativeOrgWeight = new double[orgs];
        double sum = 0;
        for (int i = 0; i < orgs; i++) {
            sum += 1.0 / (i + 1);
            cumulativeOrgWeight[i] = sum;
        }
        for (int i = 0; i < orgs; i++) {
            cumulativeOrgWeight[i] /= sum;
        }
    }

    /** The instance id of gateway replica {@code index}, fixed so that two runs stamp the same events alike. */
    public static String producer(int index) {
        return "00000000-0000-4000-8000-00000000000" + index;
    }

    /** The id of org {@code index}. */
    public static String org(int index) {
        return "org-" + index;
    }

    /**
     * The next event, completed at {@code completedAt}; sometimes a duplicate of the previous one (then it keeps
     * the previous event's times, as a re-delivery does).
     */
    public UsageEvent next(Instant completedAt) {
        if (previous != null && random.nextDouble() < duplicateShare) {
            UsageEvent duplicate = previous;
            previous = null;
            return duplicate;
        }
        int producerIndex = (int) (created++ % PRODUCERS);
        int orgIndex = pickOrg();
        int modelIndex = random.nextInt(MODELS.length);
        boolean streaming = random.nextInt(3) == 0;
        int roll = random.nextInt(100);
        RequestStatus status = roll < 2 ? RequestStatus.UPSTREAM_ERROR : roll < 3 ? RequestStatus.REJECTED
                : RequestStatus.OK;
        boolean ok = status == RequestStatus.OK;
        long prompt = ok ? 20 + random.nextInt(4_000) : 0;
        long completion = ok ? 1 + random.nextInt(800) : 0;
        long latency = status == RequestStatus.REJECTED ? 1 + random.nextInt(3)
                : 40 + (long) (Math.exp(random.nextDouble() * 4.5) * 20);
        UsageEvent event = UsageEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setRequestId("req-" + Long.toHexString(random.nextLong()))
                .setAttempt(1)
                .setOrgId(org(orgIndex))
                .setTeamId("team-" + orgIndex + "-" + random.nextInt(3))
                .setKeyId("key-" + orgIndex + "-" + random.nextInt(keysPerOrg))
                .setModel(MODELS[modelIndex])
                .setEndpointId(status == RequestStatus.REJECTED ? null
                        : "ep-" + MODELS[modelIndex] + "-" + random.nextInt(2))
                .setEnvironment("prod")
                .setPromptTokens(prompt)
                .setCompletionTokens(completion)
                .setTotalTokens(prompt + completion)
                .setUsageSource(UsageSource.PROVIDER)
                .setCostMicros(ok ? (prompt * (modelIndex + 1) + completion * 3L * (modelIndex + 1)) / 10 : 0)
                .setPriceVersion(1)
                .setStatus(status)
                .setHttpStatus(status == RequestStatus.OK ? 200 : status == RequestStatus.REJECTED ? 429 : 502)
                .setErrorCode(ok ? null : status == RequestStatus.REJECTED ? "rate_limited" : "upstream_error")
                .setStreaming(streaming)
                .setLatencyMs(latency)
                .setTtftMs(streaming && ok ? Math.max(1, latency / 8) : null)
                .setStartedAt(completedAt.minusMillis(latency))
                .setCompletedAt(completedAt)
                .setProducerId(producer(producerIndex))
                .setProducerSequence(++sequences[producerIndex])
                .build();
        previous = event;
        return event;
    }

    /**
     * Budget definitions: a monthly {@code ORG} budget for every org and a daily {@code KEY} budget for the first
     * key of every tenth org, with 50/80/100 % thresholds, large enough not to be exhausted by the backlog.
     */
    public List<BudgetDefinition> budgets(Instant updatedAt) {
        List<BudgetDefinition> budgets = new ArrayList<>();
        for (int i = 0; i < orgs; i++) {
            budgets.add(budget("budget-org-" + i, BudgetScopeType.ORG, org(i), org(i), BudgetPeriod.MONTHLY,
                    updatedAt));
            if (i % 10 == 0) {
                budgets.add(budget("budget-key-" + i, BudgetScopeType.KEY, "key-" + i + "-0", org(i),
                        BudgetPeriod.DAILY, updatedAt));
            }
        }
        return budgets;
    }

    private static BudgetDefinition budget(String id, BudgetScopeType scope, String scopeId, String org,
            BudgetPeriod period, Instant updatedAt) {
        return BudgetDefinition.newBuilder().setBudgetId(id).setScopeType(scope).setScopeId(scopeId)
                .setOrgId(org).setAmountMicros(1_000_000_000_000L).setPeriod(period).setTimeZone("UTC")
                .setThresholds(List.of(50, 80, 100)).setEnforcement(BudgetEnforcement.SOFT)
                .setUpdatedAt(updatedAt).build();
    }

    private int pickOrg() {
        double x = random.nextDouble();
        int low = 0;
        int high = orgs - 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (cumulativeOrgWeight[mid] < x) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}

package dev.tollgate.gateway.ratelimit;

import dev.tollgate.gateway.auth.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Requests-per-minute and tokens-per-minute limits per key and per org, answered from memory. Each limit is a
 * lock-free {@link TokenBucket}; looking one up is a {@link ConcurrentHashMap#get}, so the hot path takes no
 * lock. A request must fit every limit that applies to it (key RPM and TPM, org RPM and TPM); when one refuses,
 * the units already taken from the others are given back.
 *
 * <p>Tokens are charged up front at the request's maximum (see {@link #admit}) and settled when the request
 * ends with what it really used: the difference is refunded, or charged on top when the prompt made the real
 * count larger.
 */
public final class RateLimiter {

    private static final long NO_CAPACITY_RETRY_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** Whose limit refused a request. */
    public enum Scope { KEY, ORG }

    /** Which limit refused a request. */
    public enum Kind { REQUESTS, TOKENS }

    /**
     * How limits are resolved.
     *
     * @param replicaShare the fraction of each limit this replica enforces, in (0, 1]
     * @param orgLimits    the org limits of an org id; never null
     */
    public record Policy(double replicaShare, Function<String, Limits> orgLimits) {
        public Policy {
            if (!(replicaShare > 0 && replicaShare <= 1)) {
                throw new IllegalArgumentException("tollgate.ratelimit.replica-share must be in (0, 1]: " + replicaShare);
            }
        }
    }

    /**
     * A pair of per-minute limits.
     *
     * @param rpm requests per minute, or null for none
     * @param tpm tokens per minute, or null for none
     */
    public record Limits(Long rpm, Long tpm) {
        public static final Limits NONE = new Limits(null, null);
    }

    /** The answer to one request. */
    public sealed interface Decision permits Admitted, Limited {
        /** The header values to send with the answer. */
        Quota quota();
    }

    /**
     * The request may go ahead; settle its admission when it ends.
     *
     * @param admission what was charged
     * @param quota     the header values
     */
    public record Admitted(Admission admission, Quota quota) implements Decision {
    }

    /**
     * The request is over a limit; nothing was charged.
     *
     * @param scope           whose limit
     * @param kind            requests or tokens
     * @param limit           the limit this replica enforces
     * @param requested       units the request asked for
     * @param retryAfterNanos until the units would be available
     * @param quota           the header values
     */
    public record Limited(Scope scope, Kind kind, long limit, long requested, long retryAfterNanos, Quota quota)
            implements Decision {
    }

    /**
     * What an admitted request was charged, for settling it once it ends.
     *
     * @param tokenBuckets the token buckets charged
     * @param charged      tokens charged up front
     */
    public record Admission(List<TokenBucket> tokenBuckets, long charged) {
        static final Admission FREE = new Admission(List.of(), 0);
    }

    private record Limit(String id, Scope scope, Kind kind, long capacity) {
    }

    private final Policy policy;
    private final LongSupplier clock;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(Policy policy, LongSupplier nanoClock) {
        this.policy = policy;
        this.clock = nanoClock;
    }

    /**
     * Charges one request and {@code tokens} tokens against every limit of {@code principal}, or refuses it
     * and charges nothing.
     */
    public Decision admit(Principal principal, long tokens) {
        long now = clock.getAsLong();
        List<Limit> limits = limitsOf(principal);
        if (limits.isEmpty()) {
            return new Admitted(Admission.FREE, Quota.UNLIMITED);
        }
        List<TokenBucket> taken = new ArrayList<>(limits.size());
        List<Long> units = new ArrayList<>(limits.size());
        for (Limit limit : limits) {
            long want = limit.kind() == Kind.REQUESTS ? 1 : tokens;
            TokenBucket bucket = bucket(limit, now);
            TokenBucket.Take take = bucket == null ? null : bucket.tryAcquire(want, now);
            if (take == null || !take.acquired()) {
                for (int i = 0; i < taken.size(); i++) {
                    taken.get(i).adjust(units.get(i), now);
                }
                long retry = take == null ? NO_CAPACITY_RETRY_NANOS : take.retryAfterNanos();
                return new Limited(limit.scope(), limit.kind(), limit.capacity(), want, retry, quota(limits, now));
            }
            taken.add(bucket);
            units.add(want);
        }
        List<TokenBucket> tokenBuckets = new ArrayList<>(2);
        for (int i = 0; i < limits.size(); i++) {
            if (limits.get(i).kind() == Kind.TOKENS) {
                tokenBuckets.add(taken.get(i));
            }
        }
        return new Admitted(new Admission(List.copyOf(tokenBuckets), tokens), quota(limits, now));
    }

    /**
     * Settles an admitted request with the tokens it really used: refunds what was charged beyond that, or
     * charges what it used beyond the charge. Call once per admission.
     */
    public void settle(Admission admission, long usedTokens) {
        long delta = admission.charged() - usedTokens;
        if (delta == 0 || admission.tokenBuckets().isEmpty()) {
            return;
        }
        long now = clock.getAsLong();
        admission.tokenBuckets().forEach(b -> b.adjust(delta, now));
    }

    /** The current header values of {@code principal}'s limits, without charging anything. */
    public Quota peek(Principal principal) {
        List<Limit> limits = limitsOf(principal);
        return limits.isEmpty() ? Quota.UNLIMITED : quota(limits, clock.getAsLong());
    }

    /**
     * Drops every bucket that has refilled to its capacity, which is every bucket not charged for at least a
     * minute: a full bucket behaves exactly like the new one its next request creates, so this forgets nothing
     * but memory. Without it the map would keep a bucket of every key and org ever seen until restart.
     *
     * <p>A request that charges a bucket between its check and its removal is forgotten with it, so a client
     * idle for a minute may, at the instant of a sweep, get that request for free: at most the requests in
     * flight on that key in that instant, once per sweep. Likewise a request admitted over a minute before
     * (a long stream) that settles after its bucket was dropped settles against the dropped one: a refund is lost
     * harmlessly (the bucket was full), a charge beyond what it reserved is not counted.
     *
     * @return how many buckets were dropped
     */
    public int evictFull() {
        long now = clock.getAsLong();
        int evicted = 0;
        for (Map.Entry<String, TokenBucket> entry : buckets.entrySet()) {
            if (entry.getValue().isFull(now) && buckets.remove(entry.getKey(), entry.getValue())) {
                evicted++;
            }
        }
        return evicted;
    }

    /** Buckets held now, one per limit in use. */
    public int bucketCount() {
        return buckets.size();
    }

    /** The limit this replica enforces for a configured one: its share, rounded up so it never becomes 0. */
    long effective(long configured) {
        if (configured <= 0) {
            return 0;
        }
        return Math.max(1, (long) Math.ceil(configured * policy.replicaShare()));
    }

    private List<Limit> limitsOf(Principal principal) {
        Limits org = policy.orgLimits().apply(principal.orgId());
        List<Limit> limits = new ArrayList<>(4);
        add(limits, "k|" + principal.keyId() + "|r", Scope.KEY, Kind.REQUESTS, principal.rpm());
        add(limits, "k|" + principal.keyId() + "|t", Scope.KEY, Kind.TOKENS, principal.tpm());
        add(limits, "o|" + principal.orgId() + "|r", Scope.ORG, Kind.REQUESTS, org.rpm());
        add(limits, "o|" + principal.orgId() + "|t", Scope.ORG, Kind.TOKENS, org.tpm());
        return limits;
    }

    private void add(List<Limit> limits, String id, Scope scope, Kind kind, Long configured) {
        if (configured != null) {
            limits.add(new Limit(id, scope, kind, effective(configured)));
        }
    }

    /** The bucket of a limit, created on first use and replaced when the limit changed; null for a zero limit. */
    private TokenBucket bucket(Limit limit, long now) {
        if (limit.capacity() == 0) {
            return null;
        }
        TokenBucket bucket = buckets.get(limit.id());
        if (bucket != null && bucket.capacity() == limit.capacity()) {
            return bucket;
        }
        return buckets.compute(limit.id(), (id, old) -> old != null && old.capacity() == limit.capacity()
                ? old : new TokenBucket(limit.capacity(), now));
    }

    private Quota quota(List<Limit> limits, long now) {
        Long[] requests = binding(limits, Kind.REQUESTS, now);
        Long[] tokens = binding(limits, Kind.TOKENS, now);
        return new Quota(requests[0], requests[1], requests[2], tokens[0], tokens[1], tokens[2]);
    }

    /** limit, remaining and reset of the limit of {@code kind} with the fewest units left. */
    private Long[] binding(List<Limit> limits, Kind kind, long now) {
        Long[] best = {null, null, null};
        for (Limit limit : limits) {
            if (limit.kind() != kind) {
                continue;
            }
            TokenBucket bucket = bucket(limit, now);
            TokenBucket.Take state = bucket == null ? new TokenBucket.Take(false, 0, 0, 0) : bucket.peek(now);
            if (best[1] == null || state.remaining() < best[1]) {
                best = new Long[] {limit.capacity(), state.remaining(), state.resetNanos()};
            }
        }
        return best;
    }
}

package dev.tollgate.billing;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.events.v1.UsageSource;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Usage events for the billing tests: a deterministic mix over three calendar months (with events on both sides of
 * each month boundary, to the millisecond), orgs with and without teams, two price versions and unpriced
 * rejections, estimated usage, and re-deliveries of earlier events, as a producer retry or a gateway re-publish
 * makes them.
 */
final class BillingEvents {

    private static final String[] MODELS = {"llama-3-8b", "llama-3-70b", "mistral-7b"};
    private static final YearMonth FIRST_MONTH = YearMonth.of(2026, 9);

    private BillingEvents() {
    }

    /** One event, completed in September 2026. */
    static UsageEvent event(String id, String org, String team, Integer priceVersion, long costMicros) {
        Instant completed = Instant.parse("2026-09-15T10:00:00Z");
        return UsageEvent.newBuilder().setEventId(id).setRequestId("req-" + id).setOrgId(org).setTeamId(team)
                .setKeyId(org + "-key").setModel(MODELS[0]).setEndpointId(priceVersion == null ? null : "ep-1")
                .setUsageSource(UsageSource.PROVIDER).setStatus(priceVersion == null ? RequestStatus.REJECTED
                        : RequestStatus.OK).setHttpStatus(priceVersion == null ? 429 : 200)
                .setPromptTokens(10).setCompletionTokens(20).setTotalTokens(30).setCostMicros(costMicros)
                .setPriceVersion(priceVersion).setLatencyMs(100).setStartedAt(completed.minusMillis(100))
                .setCompletedAt(completed).build();
    }

    /**
     * {@code count} events in the order they are produced, of which about 2 % are second deliveries of an earlier
     * event (same event id, same fields).
     */
    static List<UsageEvent> stream(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        List<UsageEvent> events = new ArrayList<>(count);
        while (events.size() < count) {
            if (events.size() > 10 && random.nextInt(50) == 0) {
                events.add(events.get(events.size() - 1 - random.nextInt(Math.min(events.size(), 2_000))));
                continue;
            }
            events.add(next(random, events.size()));
        }
        return events;
    }

    private static UsageEvent next(SplittableRandom random, int index) {
        int org = random.nextInt(12);
        int monthIndex = random.nextInt(3);
        YearMonth month = FIRST_MONTH.plusMonths(monthIndex);
        Instant start = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant completed = switch (random.nextInt(20)) {
            case 0 -> start; // the first millisecond of the month
            case 1 -> end.minusMillis(1); // the last
            default -> start.plusMillis(random.nextLong(end.toEpochMilli() - start.toEpochMilli()));
        };
        boolean rejected = random.nextInt(30) == 0;
        boolean estimated = !rejected && random.nextInt(10) == 0;
        long prompt = rejected ? 0 : 1 + random.nextInt(4_000);
        long completion = rejected ? 0 : random.nextInt(800);
        return UsageEvent.newBuilder()
                .setEventId("evt-" + index + "-" + Long.toHexString(random.nextLong()))
                .setRequestId("req-" + index)
                .setOrgId("org-" + org)
                .setTeamId(org % 3 == 0 ? null : "team-" + org + "-" + random.nextInt(2))
                .setKeyId("key-" + org + "-" + random.nextInt(3))
                .setModel(MODELS[random.nextInt(MODELS.length)])
                .setEndpointId(rejected ? null : "ep-" + random.nextInt(2))
                .setUsageSource(estimated ? UsageSource.ESTIMATED : UsageSource.PROVIDER)
                .setStatus(rejected ? RequestStatus.REJECTED : RequestStatus.OK)
                .setHttpStatus(rejected ? 429 : 200)
                .setPromptTokens(prompt)
                .setCompletionTokens(completion)
                .setTotalTokens(prompt + completion)
                .setCachedTokens(rejected ? 0 : random.nextInt(64))
                .setCostMicros(rejected ? 0 : prompt / 2 + completion * 3)
                .setPriceVersion(rejected ? null : 1 + random.nextInt(2))
                .setLatencyMs(50 + random.nextInt(2_000))
                .setStartedAt(completed.minusMillis(50))
                .setCompletedAt(completed)
                .build();
    }
}

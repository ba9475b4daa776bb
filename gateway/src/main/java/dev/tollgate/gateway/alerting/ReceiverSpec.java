package dev.tollgate.gateway.alerting;

import dev.tollgate.gateway.admin.AdminException;
import dev.tollgate.gateway.admin.JsonBody;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A receiver as the admin API accepts it, validated field by field (400 naming the field). Grouping and repetition
 * follow Alertmanager's route settings and defaults, except {@code group_wait}, 10 s rather than 30 s, so that a
 * platform team hears of an incident within a minute of its {@code for}.
 *
 * @param type           {@code webhook} (Alertmanager's v4 payload) or {@code slack} (an incoming webhook)
 * @param url            where notifications are POSTed; a secret
 * @param groupBy        label names whose values make a group
 * @param groupWaitMs    wait before a new group's first notification
 * @param groupIntervalMs wait before a notified group is notified of new transitions
 * @param repeatIntervalMs wait before alerts still firing are notified again
 * @param sendResolved   whether resolved transitions are notified
 * @param maxPerSecond   the receiver's rate limit
 */
record ReceiverSpec(String type, String url, List<String> groupBy, long groupWaitMs, long groupIntervalMs,
                    long repeatIntervalMs, boolean sendResolved, double maxPerSecond) {

    static final Set<String> FIELDS = Set.of("id", "type", "url", "group_by", "group_wait", "group_interval",
            "repeat_interval", "send_resolved", "max_per_second");
    static final Set<String> TYPES = Set.of("webhook", "slack");
    private static final Pattern NO_SPACE = Pattern.compile("\\S{1,2048}");

    /** Reads and validates a whole receiver; {@code id} is read by the caller. */
    static ReceiverSpec parse(JsonBody body) {
        body.rejectUnknownFields(FIELDS);
        String type = body.optionalChoice("type", TYPES).orElseThrow(() -> AdminException.invalid("type",
                "'type' is required: webhook (Alertmanager's webhook payload) or slack (a Slack incoming webhook)."));
        String url = url(body);
        List<String> groupBy = body.has("group_by")
                ? body.optionalTextList("group_by", RuleSpec.LABEL_NAME, "a label name") : List.of("alertname");
        if (groupBy.size() > 10) {
            throw AdminException.invalid("group_by", "'group_by' may name at most 10 labels.");
        }
        long groupWait = body.optionalDuration("group_wait", Duration.ZERO, Duration.ofHours(1))
                .orElse(Duration.ofSeconds(10)).toMillis();
        long groupInterval = body.optionalDuration("group_interval", Duration.ofSeconds(1), Duration.ofHours(24))
                .orElse(Duration.ofMinutes(1)).toMillis();
        long repeat = body.optionalDuration("repeat_interval", Duration.ofMinutes(1), Duration.ofDays(7))
                .orElse(Duration.ofHours(4)).toMillis();
        boolean sendResolved = body.optionalBoolean("send_resolved").orElse(true);
        double perSecond = body.optionalDouble("max_per_second", 0, true, 100)
                .orElse(type.equals("slack") ? 1.0 : 10.0);
        return new ReceiverSpec(type, url, groupBy, groupWait, groupInterval, repeat, sendResolved, perSecond);
    }

    private static String url(JsonBody body) {
        String rule = "an http or https URL with a host, at most 2048 characters";
        String url = body.requiredText("url", NO_SPACE, rule);
        try {
            URI uri = URI.create(url);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw AdminException.invalid("url", "'url' must be " + rule + ".");
            }
        } catch (IllegalArgumentException e) {
            throw AdminException.invalid("url", "'url' must be " + rule + ".");
        }
        return url;
    }

    /** Writes the receiver onto {@code row}; its id, times and version are the caller's. */
    void applyTo(AlertReceiverEntity row) {
        row.type = type;
        row.url = url;
        row.groupByList(groupBy);
        row.groupWaitMs = groupWaitMs;
        row.groupIntervalMs = groupIntervalMs;
        row.repeatIntervalMs = repeatIntervalMs;
        row.sendResolved = sendResolved;
        row.maxPerSecond = maxPerSecond;
    }
}

package dev.tollgate.notifier.receivers;

import dev.tollgate.control.v1.AlertReceiver;
import java.util.List;

/**
 * A receiver as the notifier uses it. {@link #url()} is a secret: it is used to send and nowhere else, and
 * {@link #toString()} leaves it out.
 *
 * @param id               receiver id
 * @param type             {@code WEBHOOK}, {@code SLACK} or a later type this notifier does not know
 * @param url              where notifications are POSTed
 * @param groupBy          label names whose values make a group
 * @param groupWaitMs      wait before a new group's first notification
 * @param groupIntervalMs  wait before a notified group is notified of new transitions
 * @param repeatIntervalMs wait before alerts still firing are notified again
 * @param sendResolved     whether resolved transitions are notified
 * @param maxPerSecond     the rate limit
 * @param version          row version
 */
public record Receiver(String id, String type, String url, List<String> groupBy, long groupWaitMs,
                       long groupIntervalMs, long repeatIntervalMs, boolean sendResolved, double maxPerSecond,
                       long version) {

    static Receiver of(AlertReceiver r) {
        return new Receiver(r.getReceiverId(), r.getType().name(), r.getUrl(), List.copyOf(r.getGroupBy()),
                r.getGroupWaitMs(), r.getGroupIntervalMs(), r.getRepeatIntervalMs(), r.getSendResolved(),
                r.getMaxPerSecond(), r.getVersion());
    }

    @Override
    public String toString() {
        return "Receiver[id=" + id + ", type=" + type + ", version=" + version + "]";
    }
}

package dev.tollgate.notifier.delivery;

import dev.tollgate.notifier.config.NotifierConfig;
import dev.tollgate.notifier.payload.AlertItem;
import dev.tollgate.notifier.payload.Group;
import dev.tollgate.notifier.payload.Payloads;
import dev.tollgate.notifier.receivers.Receiver;
import dev.tollgate.notifier.receivers.ReceiverBook;
import dev.tollgate.notifier.silences.SilenceBook;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Turns recorded deliveries into notifications and sends them, the way Alertmanager groups and repeats:
 *
 * <ul>
 *   <li><b>Grouping:</b> a receiver's deliveries with the same values of its {@code group_by} labels form a group. A
 *       group without a firing alert notified is new: its first notification waits {@code group_wait} after its oldest
 *       delivery, to collect what else arrives. A notified group with firing alerts sends its new transitions at most
 *       every {@code group_interval}. Each notification carries the group's new transitions and the alerts of the group
 *       still firing, as Alertmanager's do.</li>
 *   <li><b>Repetition:</b> a group whose alerts still fire and that has not been notified for {@code repeat_interval}
 *       is notified again.</li>
 *   <li><b>Silences:</b> a delivery whose alert an active silence matches when it is grouped is marked silenced and
 *       never sent, and an alert muted now is left out of the alerts a notification lists as still firing. Once the
 *       silence ends, an alert still firing is listed again by its group's next notification (a repeat, or another
 *       alert's transition).</li>
 *   <li><b>Rate limit:</b> at most {@code max_per_second} notifications a second per receiver ({@link RateLimiter}); a
 *       notification over it waits for a later round, and is not counted as an attempt.</li>
 *   <li><b>Retries:</b> a failed POST is retried with exponential backoff ({@link Backoff}), after the receiver's
 *       {@code Retry-After} when it gave one. After {@code retry.max-attempts} (or at once for a 4xx that retrying
 *       cannot fix) it is recorded as failed, counted in {@code tollgate.notifier.notifications{outcome=failed}}, logged,
 *       and listed by {@code GET /v1/deliveries?status=failed}, where it can be retried by hand. Never dropped.</li>
 * </ul>
 *
 * <p><b>Exactly once per transition and receiver:</b> a delivery is recorded once (its idempotency key is its primary
 * key) and tied to one notification in the transaction that creates it; a notification is marked delivered once the
 * receiver answered 2xx. A crash between the receiver's answer and that mark sends the same notification again, with
 * the same body and the same {@code Idempotency-Key} header, which a receiver can use to drop it.
 *
 * <p><b>One dispatcher:</b> it runs only while it holds a PostgreSQL advisory lock, so a second notifier replica stands
 * by instead of notifying twice.
 */
@Singleton
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);
    private static final Duration PURGE_EVERY = Duration.ofHours(1);
    /** A delivery for a receiver that never appears is turned into a notification that fails, so it is seen. */
    private static final Duration UNKNOWN_RECEIVER_WAIT = Duration.ofMinutes(5);

    private final DeliveryStore store;
    private final ReceiverBook receivers;
    private final SilenceBook silences;
    private final HttpSender sender;
    private final NotifierConfig config;
    private final Leadership leadership;
    private final Clock clock;
    private final Backoff backoff;
    private final RateLimiter rateLimiter = new RateLimiter();
    private final MeterRegistry meters;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicLong failedTotal = new AtomicLong();
    private final AtomicLong pendingTotal = new AtomicLong();
    private final Counter silencedTotal;
    private ScheduledExecutorService loop;
    private ExecutorService senders;
    private Instant purgedAt = Instant.EPOCH;

    @Inject
    Dispatcher(DeliveryStore store, ReceiverBook receivers, SilenceBook silences, HttpSender sender,
               NotifierConfig config, Leadership leadership, MeterRegistry meters) {
        this.store = store;
        this.receivers = receivers;
        this.silences = silences;
        this.sender = sender;
        this.config = config;
        this.leadership = leadership;
        this.meters = meters;
        this.clock = Clock.systemUTC();
        this.backoff = new Backoff(config.retry().initialBackoff(), config.retry().maxBackoff());
        Gauge.builder("tollgate.notifier.failed", failedTotal, AtomicLong::get)
                .description("notifications given up and not retried by hand, kept for the retention").register(meters);
        this.silencedTotal = Counter.builder("tollgate.notifier.silenced")
                .description("deliveries not sent because an active silence matched their alert").register(meters);
        Gauge.builder("tollgate.notifier.backlog", pendingTotal, AtomicLong::get)
                .description("notifications waiting to be sent or retried").register(meters);
    }

    void start(@Observes StartupEvent ignored) {
        loop = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "tollgate-notifier-dispatch"));
        senders = Executors.newFixedThreadPool(4, r -> daemon(r, "tollgate-notifier-send"));
        long every = config.dispatchInterval().toMillis();
        loop.scheduleWithFixedDelay(this::round, every, every, TimeUnit.MILLISECONDS);
        LOG.infof("event=dispatcher_started interval=%s max_attempts=%d", config.dispatchInterval(),
                config.retry().maxAttempts());
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        if (loop != null) {
            loop.shutdownNow();
            senders.shutdown();
            senders.awaitTermination(5, TimeUnit.SECONDS);
        }
        leadership.release();
    }

    /** One round: group new deliveries, repeat what still fires, send what is due. Never throws. */
    void round() {
        try {
            if (!receivers.ready() || !silences.ready() || !leadership.hold()) {
                return;
            }
            Instant now = clock.instant();
            group(now);
            repeat(now);
            send(now);
            if (Duration.between(purgedAt, now).compareTo(PURGE_EVERY) >= 0) {
                int purged = store.purge(now.minus(config.retention()));
                purgedAt = now;
                LOG.debugf("event=deliveries_purged rows=%d", purged);
            }
            failedTotal.set(store.count("failed"));
            pendingTotal.set(store.count("pending"));
        } catch (RuntimeException e) {
            LOG.warnf("event=dispatch_round_failed reason=\"%s\"", e.getMessage());
        }
    }

    private void group(Instant now) {
        Map<String, Map<Group, List<DeliveryStore.Unsent>>> byReceiver = new LinkedHashMap<>();
        Map<String, Receiver> known = new LinkedHashMap<>();
        List<String> notSent = new ArrayList<>();
        List<String> silenced = new ArrayList<>();
        for (DeliveryStore.Unsent unsent : store.unsent()) {
            List<String> muting = silences.muting(unsent.alert().labels(), now);
            if (!muting.isEmpty()) {
                silenced.add(unsent.key());
                LOG.infof("event=delivery_silenced delivery=%s receiver=%s fingerprint=%s silences=%s", unsent.key(),
                        unsent.receiverId(), unsent.alert().fingerprint(), String.join(",", muting));
                continue;
            }
            Receiver receiver = receivers.get(unsent.receiverId()).orElse(null);
            if (receiver == null) {
                if (Duration.between(unsent.receivedAt(), now).compareTo(UNKNOWN_RECEIVER_WAIT) >= 0) {
                    Group group = new Group(unsent.receiverId(), Map.of());
                    create(unsent.receiverId(), group, "transitions", "", List.of(unsent.alert()),
                            List.of(unsent.key()), now);
                }
                continue;
            }
            if (!unsent.alert().firing() && !receiver.sendResolved()) {
                notSent.add(unsent.key());
                continue;
            }
            known.put(receiver.id(), receiver);
            Group group = Group.of(receiver.id(), receiver.groupBy(), unsent.alert().labels());
            byReceiver.computeIfAbsent(receiver.id(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(group, k -> new ArrayList<>()).add(unsent);
        }
        if (!notSent.isEmpty()) {
            store.markNotSent(notSent, DeliveryStore.NOT_SENT);
        }
        if (!silenced.isEmpty()) {
            store.markNotSent(silenced, DeliveryStore.SILENCED);
            silencedTotal.increment(silenced.size());
        }
        byReceiver.forEach((receiverId, groups) -> {
            Receiver receiver = known.get(receiverId);
            List<AlertItem> firing = unmuted(store.firing(receiverId), now);
            groups.forEach((group, unsent) -> {
                List<AlertItem> stillFiring = firing.stream()
                        .filter(a -> Group.of(receiverId, receiver.groupBy(), a.labels()).equals(group)).toList();
                if (due(receiver, group, unsent, !stillFiring.isEmpty(), now)) {
                    Map<String, AlertItem> alerts = new TreeMap<>();
                    stillFiring.forEach(a -> alerts.put(a.fingerprint(), a));
                    unsent.forEach(u -> alerts.put(u.alert().fingerprint(), u.alert()));
                    List<AlertItem> items = new ArrayList<>(alerts.values());
                    items.sort(Comparator.comparing((AlertItem a) -> !a.firing()).thenComparing(AlertItem::startsAt));
                    create(receiverId, group, "transitions", receiver.type(), items,
                            unsent.stream().map(DeliveryStore.Unsent::key).toList(), now);
                }
            });
        });
    }

    /** A new group waits group_wait after its oldest delivery; a notified group with firing alerts, group_interval. */
    private boolean due(Receiver receiver, Group group, List<DeliveryStore.Unsent> unsent, boolean hasFiring,
                        Instant now) {
        Instant oldest = unsent.stream().map(DeliveryStore.Unsent::receivedAt).min(Comparator.naturalOrder())
                .orElse(now);
        Instant last = hasFiring ? store.lastSent(receiver.id(), group.key()).orElse(null) : null;
        if (last == null) {
            return !now.isBefore(oldest.plusMillis(receiver.groupWaitMs()));
        }
        return !now.isBefore(last.plusMillis(receiver.groupIntervalMs()));
    }

    private void repeat(Instant now) {
        for (DeliveryStore.GroupSent sent : store.groups()) {
            Receiver receiver = receivers.get(sent.receiverId()).orElse(null);
            if (receiver == null || now.isBefore(sent.lastSentAt().plusMillis(receiver.repeatIntervalMs()))
                    || store.hasPending(receiver.id(), sent.groupKey())) {
                continue;
            }
            Group group = new Group(receiver.id(), sent.groupLabels());
            List<AlertItem> firing = unmuted(store.firing(receiver.id()), now).stream()
                    .filter(a -> Group.of(receiver.id(), receiver.groupBy(), a.labels()).equals(group)).toList();
            if (!firing.isEmpty()) {
                create(receiver.id(), group, "repeat", receiver.type(), firing, List.of(), now);
            }
        }
    }

    /** The alerts no silence mutes at {@code now}. */
    private List<AlertItem> unmuted(List<AlertItem> alerts, Instant now) {
        return alerts.stream().filter(a -> silences.muting(a.labels(), now).isEmpty()).toList();
    }

    private void create(String receiverId, Group group, String kind, String type, List<AlertItem> alerts,
                        List<String> deliveryKeys, Instant now) {
        String body = "SLACK".equals(type) ? Payloads.slack(group, alerts, config.externalUrl())
                : Payloads.webhook(receiverId, group, alerts, config.externalUrl());
        String id = notificationId(receiverId, group.key(), kind, deliveryKeys, now);
        store.create(new DeliveryStore.Notification(id, receiverId, group.key(), kind, body, alerts.size(), 0, now),
                deliveryKeys, group, now);
        LOG.infof("event=notification_created notification=%s receiver=%s group=%s kind=%s alerts=%d status=%s", id,
                receiverId, group.key(), kind, alerts.size(), Payloads.status(alerts));
    }

    /** Derived from what it carries, so that a notification made twice of the same deliveries has one id. */
    static String notificationId(String receiverId, String groupKey, String kind, List<String> deliveryKeys,
                                 Instant now) {
        StringBuilder text = new StringBuilder(receiverId).append('\n').append(groupKey).append('\n').append(kind);
        if (deliveryKeys.isEmpty()) {
            text.append('\n').append(now.toEpochMilli());
        }
        deliveryKeys.stream().sorted().forEach(k -> text.append('\n').append(k));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return "ntf_" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }

    private void send(Instant now) {
        for (DeliveryStore.Notification n : store.due(now)) {
            if (inFlight.contains(n.id())) {
                continue;
            }
            Receiver receiver = receivers.get(n.receiverId()).orElse(null);
            if (receiver == null) {
                store.failed(n.id(), n.attempts(), "the receiver '" + n.receiverId() + "' does not exist", null, now);
                counted(n.receiverId(), "failed");
                LOG.warnf("event=notification_failed notification=%s receiver=%s reason=unknown_receiver", n.id(),
                        n.receiverId());
                continue;
            }
            if (!rateLimiter.tryAcquire(receiver.id(), receiver.maxPerSecond(), System.nanoTime())) {
                continue;
            }
            inFlight.add(n.id());
            senders.execute(() -> {
                try {
                    attempt(receiver, n);
                } catch (RuntimeException e) {
                    LOG.warnf("event=notification_attempt_failed notification=%s reason=\"%s\"", n.id(),
                            e.getMessage());
                } finally {
                    inFlight.remove(n.id());
                }
            });
        }
    }

    private void attempt(Receiver receiver, DeliveryStore.Notification n) {
        HttpSender.Outcome outcome = sender.post(receiver, n.id(), n.body());
        Instant now = clock.instant();
        int attempts = n.attempts() + 1;
        if (outcome.delivered()) {
            store.delivered(n.id(), attempts, outcome.status(), now);
            counted(receiver.id(), "delivered");
            LOG.infof("event=notification_delivered notification=%s receiver=%s type=%s attempts=%d status=%d "
                    + "age_ms=%d", n.id(), receiver.id(), receiver.type(), attempts, outcome.status(),
                    Duration.between(n.createdAt(), now).toMillis());
        } else if (outcome.permanent() || attempts >= config.retry().maxAttempts()) {
            store.failed(n.id(), attempts, outcome.error(), outcome.status(), now);
            counted(receiver.id(), "failed");
            LOG.errorf("event=notification_failed notification=%s receiver=%s attempts=%d reason=\"%s\"", n.id(),
                    receiver.id(), attempts, outcome.error());
        } else {
            Duration wait = backoff.after(attempts);
            if (outcome.retryAfter().isPresent() && outcome.retryAfter().get().compareTo(wait) > 0) {
                wait = outcome.retryAfter().get();
            }
            store.retryLater(n.id(), attempts, now.plus(wait), outcome.error(), outcome.status());
            counted(receiver.id(), "retried");
            LOG.warnf("event=notification_retry notification=%s receiver=%s attempts=%d wait_ms=%d reason=\"%s\"",
                    n.id(), receiver.id(), attempts, wait.toMillis(), outcome.error());
        }
    }

    private void counted(String receiverId, String outcome) {
        Counter.builder("tollgate.notifier.notifications").tag("receiver", receiverId).tag("outcome", outcome)
                .description("notification attempts by outcome: delivered, retried, failed (given up)")
                .register(meters).increment();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}

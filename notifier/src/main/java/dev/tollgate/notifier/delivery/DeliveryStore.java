package dev.tollgate.notifier.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.notifier.payload.AlertItem;
import dev.tollgate.notifier.payload.Group;
import dev.tollgate.notifier.payload.Payloads;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The notifier's record in PostgreSQL: a delivery per transition and receiver (keyed by the idempotency key), the
 * notifications that carry them, and when each group was last notified. Plain JDBC: the notifier's threads block
 * anyway, and every method is one short statement or transaction.
 */
@ApplicationScoped
public class DeliveryStore {

    /** The notification id of a resolved transition not sent because its receiver does not want resolved ones. */
    public static final String NOT_SENT = "not-sent";
    /** The notification id of a delivery not sent because an active silence matched its alert. */
    public static final String SILENCED = "silenced";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource database;

    @Inject
    public DeliveryStore(DataSource database) {
        this.database = database;
    }

    /**
     * A transition to deliver to one receiver.
     *
     * @param key            the idempotency key: transition id, '/', receiver id
     * @param transitionId   the transition
     * @param receiverId     the receiver
     * @param fingerprint    the alert
     * @param alert          the alert as notifications carry it
     * @param transitionedAt when it happened
     */
    public record NewDelivery(String key, String transitionId, String receiverId, String fingerprint, AlertItem alert,
                              Instant transitionedAt) {
    }

    /**
     * A delivery not yet in a notification.
     *
     * @param key        idempotency key
     * @param receiverId the receiver
     * @param alert      the alert
     * @param receivedAt when the notifier recorded it
     */
    public record Unsent(String key, String receiverId, AlertItem alert, Instant receivedAt) {
    }

    /**
     * A notification to send.
     *
     * @param id            its id, sent as {@code Idempotency-Key}
     * @param receiverId    the receiver
     * @param groupKey      the group's key
     * @param kind          {@code transitions} or {@code repeat}
     * @param body          the body to POST
     * @param alerts        how many alerts it carries
     * @param attempts      attempts made so far
     * @param createdAt     when it was made
     */
    public record Notification(String id, String receiverId, String groupKey, String kind, String body, int alerts,
                               int attempts, Instant createdAt) {
    }

    /**
     * When a group was last notified.
     *
     * @param receiverId  the receiver
     * @param groupKey    the group's key
     * @param groupLabels the group's labels
     * @param lastSentAt  the last notification's creation
     */
    public record GroupSent(String receiverId, String groupKey, Map<String, String> groupLabels, Instant lastSentAt) {
    }

    /**
     * A notification as {@code GET /v1/deliveries} lists it: never the URL it went to.
     *
     * @param id          its id ({@code Idempotency-Key})
     * @param receiverId  the receiver
     * @param groupKey    the group
     * @param kind        {@code transitions} or {@code repeat}
     * @param status      {@code pending}, {@code delivered} or {@code failed}
     * @param alerts      how many alerts it carries
     * @param attempts    attempts made
     * @param lastError   why the last attempt failed
     * @param lastStatus  the receiver's last HTTP status
     * @param createdAt   when it was made
     * @param nextAttemptAt when it is tried next, while pending
     * @param deliveredAt when the receiver took it
     * @param failedAt    when it was given up
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record NotificationView(String id, String receiverId, String groupKey, String kind, String status,
                                   int alerts, int attempts, String lastError, Integer lastStatus, Instant createdAt,
                                   Instant nextAttemptAt, Instant deliveredAt, Instant failedAt) {
    }

    /** Records new deliveries in one transaction; one already recorded (same key) is left alone. */
    public int record(List<NewDelivery> deliveries, Instant receivedAt) {
        if (deliveries.isEmpty()) {
            return 0;
        }
        return inTransaction(c -> {
            try (PreparedStatement insert = c.prepareStatement("insert into alert_deliveries (idempotency_key, "
                    + "transition_id, receiver_id, fingerprint, state, alert, transitioned_at, received_at) "
                    + "values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (idempotency_key) do nothing")) {
                for (NewDelivery d : deliveries) {
                    insert.setString(1, d.key());
                    insert.setString(2, d.transitionId());
                    insert.setString(3, d.receiverId());
                    insert.setString(4, d.fingerprint());
                    insert.setString(5, d.alert().status());
                    insert.setString(6, Payloads.json(d.alert()));
                    insert.setTimestamp(7, Timestamp.from(d.transitionedAt()));
                    insert.setTimestamp(8, Timestamp.from(receivedAt));
                    insert.addBatch();
                }
                int added = 0;
                for (int count : insert.executeBatch()) {
                    added += Math.max(0, count);
                }
                return added;
            }
        });
    }

    /** Every delivery not yet in a notification, oldest first. */
    public List<Unsent> unsent() {
        return query("select idempotency_key, receiver_id, alert, received_at from alert_deliveries "
                + "where notification_id is null order by received_at, idempotency_key", ps -> {
        }, rs -> new Unsent(rs.getString(1), rs.getString(2), Payloads.item(rs.getString(3)),
                rs.getTimestamp(4).toInstant()));
    }

    /** The alerts of {@code receiverId} whose latest notified transition is firing. */
    public List<AlertItem> firing(String receiverId) {
        return query("select distinct on (fingerprint) fingerprint, state, alert from alert_deliveries "
                + "where receiver_id = ? and notification_id is not null and notification_id <> '" + NOT_SENT + "' "
                + "order by fingerprint, transitioned_at desc", ps -> ps.setString(1, receiverId),
                rs -> "firing".equals(rs.getString(2)) ? Payloads.item(rs.getString(3)) : null)
                .stream().filter(a -> a != null).toList();
    }

    /**
     * Marks deliveries that will not be sent, with {@code marker} as their notification id: {@link #NOT_SENT} (resolved,
     * for a receiver without {@code send_resolved}) or {@link #SILENCED}.
     */
    public void markNotSent(List<String> keys, String marker) {
        inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "update alert_deliveries set notification_id = ? where idempotency_key = ?")) {
                for (String key : keys) {
                    update.setString(1, marker);
                    update.setString(2, key);
                    update.addBatch();
                }
                update.executeBatch();
                return null;
            }
        });
    }

    /** When every group was last notified. */
    public List<GroupSent> groups() {
        return query("select receiver_id, group_key, group_labels, last_sent_at from alert_groups", ps -> {
        }, rs -> new GroupSent(rs.getString(1), rs.getString(2), labels(rs.getString(3)),
                rs.getTimestamp(4).toInstant()));
    }

    /** When the group was last notified, if ever. */
    public Optional<Instant> lastSent(String receiverId, String groupKey) {
        return query("select last_sent_at from alert_groups where receiver_id = ? and group_key = ?", ps -> {
            ps.setString(1, receiverId);
            ps.setString(2, groupKey);
        }, rs -> rs.getTimestamp(1).toInstant()).stream().findFirst();
    }

    /** Whether a notification of the group is still to be sent. */
    public boolean hasPending(String receiverId, String groupKey) {
        return !query("select 1 from alert_notifications where receiver_id = ? and group_key = ? and status = 'pending' "
                + "limit 1", ps -> {
            ps.setString(1, receiverId);
            ps.setString(2, groupKey);
        }, rs -> 1).isEmpty();
    }

    /**
     * Makes a notification, ties {@code deliveryKeys} to it and notes the group as notified now, in one transaction:
     * a delivery is in at most one notification.
     */
    public void create(Notification n, List<String> deliveryKeys, Group group, Instant now) {
        inTransaction(c -> {
            try (PreparedStatement insert = c.prepareStatement("insert into alert_notifications (id, receiver_id, "
                    + "group_key, kind, status, body, alerts, attempts, next_attempt_at, created_at) values "
                    + "(?, ?, ?, ?, 'pending', ?, ?, 0, ?, ?) on conflict (id) do nothing");
                 PreparedStatement tie = c.prepareStatement("update alert_deliveries set notification_id = ? "
                         + "where idempotency_key = ? and notification_id is null");
                 PreparedStatement sent = c.prepareStatement("insert into alert_groups (receiver_id, group_key, "
                         + "group_labels, last_sent_at) values (?, ?, ?, ?) on conflict (receiver_id, group_key) do "
                         + "update set last_sent_at = excluded.last_sent_at")) {
                insert.setString(1, n.id());
                insert.setString(2, n.receiverId());
                insert.setString(3, n.groupKey());
                insert.setString(4, n.kind());
                insert.setString(5, n.body());
                insert.setInt(6, n.alerts());
                insert.setTimestamp(7, Timestamp.from(now));
                insert.setTimestamp(8, Timestamp.from(now));
                insert.executeUpdate();
                for (String key : deliveryKeys) {
                    tie.setString(1, n.id());
                    tie.setString(2, key);
                    tie.addBatch();
                }
                tie.executeBatch();
                sent.setString(1, group.receiverId());
                sent.setString(2, group.key());
                sent.setString(3, json(group.groupLabels()));
                sent.setTimestamp(4, Timestamp.from(now));
                sent.executeUpdate();
                return null;
            }
        });
    }

    /** Notifications due to be sent now, oldest first. */
    public List<Notification> due(Instant now) {
        return query("select id, receiver_id, group_key, kind, body, alerts, attempts, created_at from "
                + "alert_notifications where status = 'pending' and next_attempt_at <= ? order by created_at limit 200",
                ps -> ps.setTimestamp(1, Timestamp.from(now)), rs -> new Notification(rs.getString(1),
                        rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6),
                        rs.getInt(7), rs.getTimestamp(8).toInstant()));
    }

    public void delivered(String id, int attempts, int status, Instant at) {
        update("update alert_notifications set status = 'delivered', attempts = ?, last_status = ?, delivered_at = ?, "
                + "last_error = null where id = ?", ps -> {
            ps.setInt(1, attempts);
            ps.setInt(2, status);
            ps.setTimestamp(3, Timestamp.from(at));
            ps.setString(4, id);
        });
    }

    public void retryLater(String id, int attempts, Instant next, String error, Integer status) {
        update("update alert_notifications set attempts = ?, next_attempt_at = ?, last_error = ?, last_status = ? "
                + "where id = ?", ps -> {
            ps.setInt(1, attempts);
            ps.setTimestamp(2, Timestamp.from(next));
            ps.setString(3, truncate(error));
            setStatus(ps, 4, status);
            ps.setString(5, id);
        });
    }

    public void failed(String id, int attempts, String error, Integer status, Instant at) {
        update("update alert_notifications set status = 'failed', attempts = ?, last_error = ?, last_status = ?, "
                + "failed_at = ? where id = ?", ps -> {
            ps.setInt(1, attempts);
            ps.setString(2, truncate(error));
            setStatus(ps, 3, status);
            ps.setTimestamp(4, Timestamp.from(at));
            ps.setString(5, id);
        });
    }

    /** A failed notification back to pending with a fresh count of attempts; false when there is no such one. */
    public boolean retry(String id, Instant now) {
        return update("update alert_notifications set status = 'pending', attempts = 0, next_attempt_at = ?, "
                + "failed_at = null where id = ? and status = 'failed'", ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, id);
        }) == 1;
    }

    /** Notifications, newest first, of one status and receiver when given. */
    public List<NotificationView> list(String status, String receiverId, int limit) {
        return query("select id, receiver_id, group_key, kind, status, alerts, attempts, last_error, last_status, "
                + "created_at, next_attempt_at, delivered_at, failed_at from alert_notifications where "
                + "(?::text is null or status = ?) and (?::text is null or receiver_id = ?) order by created_at desc, id "
                + "limit ?", ps -> {
            ps.setString(1, status);
            ps.setString(2, status);
            ps.setString(3, receiverId);
            ps.setString(4, receiverId);
            ps.setInt(5, limit);
        }, rs -> new NotificationView(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getInt(6), rs.getInt(7), rs.getString(8), (Integer) rs.getObject(9),
                instant(rs, 10), "pending".equals(rs.getString(5)) ? instant(rs, 11) : null, instant(rs, 12),
                instant(rs, 13)));
    }

    /** How many notifications have {@code status}. */
    public long count(String status) {
        return query("select count(*) from alert_notifications where status = ?", ps -> ps.setString(1, status),
                rs -> rs.getLong(1)).get(0);
    }

    /** Drops what is older than {@code before} and done with: delivered or failed notifications and their deliveries. */
    public int purge(Instant before) {
        return inTransaction(c -> {
            try (PreparedStatement deliveries = c.prepareStatement("delete from alert_deliveries d where "
                    + "d.received_at < ? and (d.notification_id in ('" + NOT_SENT + "', '" + SILENCED + "') or exists (select 1 from "
                    + "alert_notifications n where n.id = d.notification_id and n.status <> 'pending'))");
                 PreparedStatement notifications = c.prepareStatement("delete from alert_notifications where "
                         + "created_at < ? and status <> 'pending' and not exists (select 1 from alert_deliveries d "
                         + "where d.notification_id = alert_notifications.id)")) {
                deliveries.setTimestamp(1, Timestamp.from(before));
                notifications.setTimestamp(1, Timestamp.from(before));
                return deliveries.executeUpdate() + notifications.executeUpdate();
            }
        });
    }

    // --- JDBC plumbing ------------------------------------------------------------------------------------------

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> List<T> query(String sql, Binder binder, Reader<T> reader) {
        try (Connection c = database.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(reader.read(rs));
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("delivery store query failed: " + e.getMessage(), e);
        }
    }

    private int update(String sql, Binder binder) {
        try (Connection c = database.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("delivery store update failed: " + e.getMessage(), e);
        }
    }

    private <T> T inTransaction(Work<T> work) {
        try (Connection c = database.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("delivery store transaction failed: " + e.getMessage(), e);
        }
    }

    private static void setStatus(PreparedStatement ps, int index, Integer status) throws SQLException {
        if (status == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, status);
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 500 ? text : text.substring(0, 500);
    }

    private static String json(Map<String, String> map) {
        try {
            return JSON.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> labels(String json) {
        try {
            return JSON.readValue(json, new TypeReference<>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored group labels are not JSON", e);
        }
    }
}

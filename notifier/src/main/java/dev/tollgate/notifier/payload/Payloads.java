package dev.tollgate.notifier.payload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bodies POSTed to receivers.
 *
 * <ul>
 *   <li><b>webhook</b>: Alertmanager's webhook payload, version 4 (version, groupKey, truncatedAlerts, status,
 *       receiver, groupLabels, commonLabels, commonAnnotations, externalURL, alerts), which PagerDuty bridges,
 *       Alertmanager-compatible receivers and the tools built for them accept.</li>
 *   <li><b>slack</b>: a Slack incoming-webhook message: {@code text} (the notification's one line, for notifications and
 *       clients without blocks) and {@code blocks} (a header, then one section per alert with its summary and labels,
 *       at most {@value #SLACK_ALERTS} alerts, and a context line).</li>
 * </ul>
 */
public final class Payloads {

    /** Slack allows 50 blocks per message; a section per alert, a header and a context leave room for this many. */
    static final int SLACK_ALERTS = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Payloads() {
    }

    /**
     * The webhook body.
     *
     * @param receiverId  the receiver's id ({@code receiver})
     * @param group       the group notified
     * @param alerts      its alerts, firing and resolved
     * @param externalUrl where people look next
     */
    public static String webhook(String receiverId, Group group, List<AlertItem> alerts, String externalUrl) {
        ObjectNode body = JSON.createObjectNode();
        body.put("version", "4");
        body.put("groupKey", group.key());
        body.put("truncatedAlerts", 0);
        body.put("status", status(alerts));
        body.put("receiver", receiverId);
        body.set("groupLabels", JSON.valueToTree(group.groupLabels()));
        body.set("commonLabels", JSON.valueToTree(common(alerts.stream().map(AlertItem::labels).toList())));
        body.set("commonAnnotations", JSON.valueToTree(common(alerts.stream().map(AlertItem::annotations).toList())));
        body.put("externalURL", externalUrl);
        body.set("alerts", JSON.valueToTree(alerts));
        return write(body);
    }

    /**
     * The Slack body.
     *
     * @param group       the group notified
     * @param alerts      its alerts, firing and resolved
     * @param externalUrl where people look next
     */
    public static String slack(Group group, List<AlertItem> alerts, String externalUrl) {
        Map<String, String> common = common(alerts.stream().map(AlertItem::labels).toList());
        String title = title(group, alerts, common);
        ObjectNode body = JSON.createObjectNode();
        body.put("text", title);
        ArrayNode blocks = body.putArray("blocks");
        ObjectNode header = blocks.addObject();
        header.put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", truncate(title, 150));
        for (AlertItem alert : alerts.subList(0, Math.min(alerts.size(), SLACK_ALERTS))) {
            ObjectNode section = blocks.addObject();
            section.put("type", "section");
            section.putObject("text").put("type", "mrkdwn").put("text", truncate(describe(alert), 3000));
        }
        ObjectNode context = blocks.addObject();
        context.put("type", "context");
        String more = alerts.size() > SLACK_ALERTS ? (alerts.size() - SLACK_ALERTS) + " more alerts. " : "";
        context.putArray("elements").addObject().put("type", "mrkdwn")
                .put("text", truncate(more + "Tollgate alerting · " + externalUrl, 3000));
        return write(body);
    }

    /** {@code firing} when any alert fires, else {@code resolved}. */
    public static String status(List<AlertItem> alerts) {
        return alerts.stream().anyMatch(AlertItem::firing) ? "firing" : "resolved";
    }

    /** The labels (or annotations) every map has with the same value. */
    static Map<String, String> common(List<Map<String, String>> maps) {
        if (maps.isEmpty()) {
            return Map.of();
        }
        Map<String, String> common = new TreeMap<>(maps.get(0));
        for (Map<String, String> map : maps.subList(1, maps.size())) {
            common.entrySet().removeIf(e -> !e.getValue().equals(map.get(e.getKey())));
        }
        return common;
    }

    /** {@code [FIRING:2] EndpointDown (critical)}, as Alertmanager's default Slack title reads. */
    static String title(Group group, List<AlertItem> alerts, Map<String, String> common) {
        long firing = alerts.stream().filter(AlertItem::firing).count();
        String status = firing > 0 ? "FIRING:" + firing : "RESOLVED";
        String name = group.groupLabels().getOrDefault("alertname", common.getOrDefault("alertname", "alerts"));
        String severity = common.get("severity");
        return "[" + status + "] " + name + (severity == null ? "" : " (" + severity + ")");
    }

    private static String describe(AlertItem alert) {
        Map<String, String> shown = new LinkedHashMap<>(alert.labels());
        shown.keySet().removeAll(List.of("alertname", "severity", "rule_id"));
        StringBuilder text = new StringBuilder();
        text.append(alert.firing() ? "*Firing* since " + alert.startsAt() : "*Resolved* at " + alert.endsAt());
        String summary = alert.annotations().getOrDefault("summary", alert.labels().getOrDefault("alertname", ""));
        text.append("\n").append(escape(summary));
        String description = alert.annotations().get("description");
        if (description != null) {
            text.append("\n").append(escape(description));
        }
        if (!shown.isEmpty()) {
            text.append("\n");
            shown.forEach((name, value) -> text.append('`').append(escape(name)).append('=').append(escape(value))
                    .append("` "));
        }
        return text.toString().strip();
    }

    /** Slack's mrkdwn escapes: &, < and > only. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private static String write(ObjectNode body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a payload of strings is always JSON", e);
        }
    }

    /** Reads an alert item back from its stored JSON. */
    public static AlertItem item(String json) {
        try {
            return JSON.readValue(json, AlertItem.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored alert is not an alert item", e);
        }
    }

    /** An alert item as stored. */
    public static String json(AlertItem item) {
        try {
            return JSON.writeValueAsString(item);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an alert item is always JSON", e);
        }
    }
}

package dev.tollgate.notifier.payload;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A group of alerts notified together, as Alertmanager groups them: those of one receiver with the same values of
 * its {@code group_by} labels.
 *
 * @param receiverId  the receiver
 * @param groupLabels the {@code group_by} labels and the values the group's alerts share (absent labels left out)
 */
public record Group(String receiverId, Map<String, String> groupLabels) {

    /** The group of an alert with {@code labels} for a receiver that groups by {@code groupBy}. */
    public static Group of(String receiverId, List<String> groupBy, Map<String, String> labels) {
        Map<String, String> values = new TreeMap<>();
        for (String name : groupBy) {
            String value = labels.get(name);
            if (value != null) {
                values.put(name, value);
            }
        }
        return new Group(receiverId, values);
    }

    /**
     * Alertmanager's group key: the route's matchers (none here: {@code {}}), then the group labels,
     * {@code {}:{alertname="EndpointDown"}}; stable, so that receivers can thread notifications by it.
     */
    public String key() {
        StringBuilder key = new StringBuilder("{}:{");
        for (Iterator<Map.Entry<String, String>> it = groupLabels.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, String> label = it.next();
            key.append(label.getKey()).append("=\"").append(label.getValue().replace("\\", "\\\\")
                    .replace("\"", "\\\"")).append('"');
            if (it.hasNext()) {
                key.append(',');
            }
        }
        return key.append('}').toString();
    }
}

package dev.tollgate.streams.alerts;

import java.util.Locale;
import java.util.Map;

/**
 * What one alert is about: an org, a model (across orgs), an endpoint (across orgs) or a budget. Its {@link #id()} is
 * the key its inputs are partitioned by (the usage partials are re-keyed by it; health reports and load samples are
 * keyed by endpoint id, threshold events by budget id), so all the inputs of one subject, and its alerts, live in
 * one task; {@code GET /v1/alerts?endpoint=} routes to that task's instance by the same key.
 *
 * @param kind what kind of thing it is
 * @param id   its id
 */
public record Subject(Kind kind, String id) {

    /** The kinds of subject; the names are those of the admin API's {@code scope}. */
    public enum Kind {
        ORG, MODEL, ENDPOINT, BUDGET;

        /** The label that carries the subject's id on every alert about it. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The key of the subject in the stores: kind and id, separated by the first ':'. */
    public String key() {
        return kind.label() + ":" + id;
    }

    /** The subject of a store key written by {@link #key()}. */
    public static Subject ofKey(String key) {
        int colon = key.indexOf(':');
        return new Subject(Kind.valueOf(key.substring(0, colon).toUpperCase(Locale.ROOT)), key.substring(colon + 1));
    }

    /** The labels every alert about this subject carries: {@code endpoint=ep-1}. */
    public Map<String, String> labels() {
        return Map.of(kind.label(), id);
    }
}

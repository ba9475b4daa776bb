package dev.tollgate.bench;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The benchmarks' JSON reports, written without a JSON library: the bench JVM keeps its class path to the clients it
 * measures with, and a report is only maps, lists, numbers, booleans and strings.
 */
public final class ReportJson {

    private ReportJson() {
    }

    /** {@code value} rounded to {@code digits} decimals: more digits in a report are noise. */
    public static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    /** Maps, lists, numbers and booleans as themselves; anything else as an escaped string. */
    public static String toJson(Object value) {
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + toJson(e.getValue()))
                    .collect(Collectors.joining(",", "{", "}"));
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ReportJson::toJson).collect(Collectors.joining(",", "[", "]"));
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return "\"" + String.valueOf(value).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}

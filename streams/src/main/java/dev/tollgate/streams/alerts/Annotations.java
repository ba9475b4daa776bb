package dev.tollgate.streams.alerts;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills in a rule's annotations for one alert: {@code {{ $value }}} becomes the measured value, and
 * {@code {{ $labels.endpoint }}} the value of a label (empty when the alert has no such label), the two forms of
 * Prometheus' templates that alert texts use most. Anything else is left as written.
 */
final class Annotations {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*\\$(value|labels\\.([a-zA-Z_][a-zA-Z0-9_]*))\\s*}}");

    private Annotations() {
    }

    static Map<String, String> render(Map<String, String> templates, double value, Map<String, String> labels) {
        Map<String, String> rendered = new LinkedHashMap<>();
        templates.forEach((name, template) -> rendered.put(name, render(template, value, labels)));
        return rendered;
    }

    static String render(String template, double value, Map<String, String> labels) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String replacement = matcher.group(2) == null ? format(value) : labels.getOrDefault(matcher.group(2), "");
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** Four significant digits, without trailing zeros: 0.1234, 2500, 3. */
    static String format(double value) {
        if (!Double.isFinite(value)) {
            return String.valueOf(value);
        }
        return new BigDecimal(value).round(MathContext.DECIMAL32).round(new MathContext(4)).stripTrailingZeros()
                .toPlainString();
    }
}

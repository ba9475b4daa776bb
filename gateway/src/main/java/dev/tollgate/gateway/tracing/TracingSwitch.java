package dev.tollgate.gateway.tracing;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Turns Quarkus's OpenTelemetry SDK on exactly when {@code tollgate.tracing.endpoint} is set, so that one setting
 * switches tracing on and, without it, the SDK is never started: no tracer in Vert.x, no exporter thread, nothing
 * per request ({@code quarkus.otel.sdk.disabled=true}).
 *
 * <p>Its source sits above {@code application.properties} (ordinal 250) and below environment variables (300) and
 * system properties (400): an operator who sets {@code QUARKUS_OTEL_SDK_DISABLED} explicitly still wins.
 * Registered through {@code META-INF/services/io.smallrye.config.ConfigSourceFactory}.
 */
public final class TracingSwitch implements ConfigSourceFactory {

    static final String ENDPOINT = "tollgate.tracing.endpoint";
    static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";
    static final int ORDINAL = 275;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        return List.of(new PropertiesConfigSource(Map.of(SDK_DISABLED, Boolean.toString(!configured(context))),
                "tollgate-tracing-switch", ORDINAL));
    }

    private static boolean configured(ConfigSourceContext context) {
        ConfigValue endpoint = context.getValue(ENDPOINT);
        return endpoint != null && endpoint.getValue() != null && !endpoint.getValue().isBlank();
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}

package dev.tollgate.streams.rollups;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.smallrye.config.WithDefault;

class RollupConfigTest {

    @Test
    void defaultsAreTheDeployedDefaults() throws Exception {
        List<Method> settings = Arrays.stream(RollupConfig.class.getDeclaredMethods())
                .filter(method -> method.isAnnotationPresent(WithDefault.class)).toList();

        assertThat(settings).hasSize(6);
        for (Method setting : settings) {
            assertThat(setting.invoke(RollupConfig.DEFAULTS)).as(setting.getName())
                    .isEqualTo(Duration.parse(setting.getAnnotation(WithDefault.class).value()));
        }
    }
}

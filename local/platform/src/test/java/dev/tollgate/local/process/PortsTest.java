package dev.tollgate.local.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void neverHandsOutOnePortTwiceInOneRequest() {
        int[] ports = Ports.freePorts(64);

        assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(64);
        assertThat(Arrays.stream(ports).allMatch(Ports::isFree)).isTrue();
    }
}

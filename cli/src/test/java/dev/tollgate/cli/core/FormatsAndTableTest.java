package dev.tollgate.cli.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FormatsAndTableTest {

    @Test
    void showsMicroDollarsAsDollarsWithSixDecimals() {
        assertThat(Formats.usd(53)).isEqualTo("$0.000053");
        assertThat(Formats.usd(12_500_000)).isEqualTo("$12.500000");
        assertThat(Formats.usd(-1)).isEqualTo("-$0.000001");
    }

    @Test
    void readsDollarAmountsExactlyIntoMicroDollars() {
        assertThat(Formats.micros("25")).isEqualTo(25_000_000);
        assertThat(Formats.micros("$0.005")).isEqualTo(5_000);
        assertThat(Formats.micros("0.000001")).isEqualTo(1);
        assertThatThrownBy(() -> Formats.micros("0.0000001")).isInstanceOf(CliException.class)
                .hasMessageContaining("six decimals");
        assertThatThrownBy(() -> Formats.micros("-3")).isInstanceOf(CliException.class);
    }

    @Test
    void readsDurationsWithAUnit() {
        assertThat(Formats.duration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Formats.duration("24h")).isEqualTo(Duration.ofHours(24));
        assertThat(Formats.duration("2w")).isEqualTo(Duration.ofDays(14));
    }

    @Test
    void alignsColumnsAndRightAlignsNumbers() {
        StringWriter text = new StringWriter();
        Table.of("ID", "NAME", "COUNT>").row("a", "first", 5).row("bbbb", null, 12345).print(new PrintWriter(text));

        assertThat(text.toString().split("\n")).containsExactly(
                "ID    NAME   COUNT",
                "a     first      5",
                "bbbb  -      12345");
    }
}

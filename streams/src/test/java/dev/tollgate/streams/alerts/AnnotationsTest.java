package dev.tollgate.streams.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class AnnotationsTest {

    @Test
    void fillsInTheValueAndLabelsAndLeavesOtherTemplatesAsWritten() {
        String text = Annotations.render("{{ $labels.endpoint }} ({{$labels.model}}) errs {{ $value }} of the time; "
                + "{{ $labels.missing }}|{{ .Other }}", 0.123456, Map.of("endpoint", "ep-1", "model", "llama"));

        assertThat(text).isEqualTo("ep-1 (llama) errs 0.1235 of the time; |{{ .Other }}");
    }

    @Test
    void writesValuesWithFourSignificantDigitsAndNoTrailingZeros() {
        assertThat(Annotations.format(2500.0)).isEqualTo("2500");
        assertThat(Annotations.format(3)).isEqualTo("3");
        assertThat(Annotations.format(2.0 / 3)).isEqualTo("0.6667");
        assertThat(Annotations.format(123456)).isEqualTo("123500");
    }

    @Test
    void aReplacementWithDollarSignsIsTakenLiterally() {
        assertThat(Annotations.render("{{ $labels.org }}", 1, Map.of("org", "$1\\x"))).isEqualTo("$1\\x");
    }
}

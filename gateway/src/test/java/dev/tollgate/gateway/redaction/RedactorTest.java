package dev.tollgate.gateway.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.policy.Detectors;
import java.util.Arrays;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class RedactorTest {

    @Test
    void replacesEachFindingWithItsTypedPlaceholder() {
        String out = Redactor.ALL.redact("Mail jane@example.com, card 4111 1111 1111 1111, from 10.0.0.1, "
                + "key sk-proj-abcdefghijklmnopqrstuvwxyz123456, IBAN DE89 3704 0044 0532 0130 00, +1 415 555 2671");

        assertThat(out).isEqualTo("Mail [EMAIL], card [CARD], from [IP_ADDRESS], key [SECRET], IBAN [IBAN], [PHONE]");
    }

    @Test
    void runsOnlyTheChosenDetectors() {
        Redactor emailOnly = new Redactor(EnumSet.of(Detector.EMAIL));

        assertThat(emailOnly.redact("jane@example.com from 10.0.0.1")).isEqualTo("[EMAIL] from 10.0.0.1");
        assertThat(Redactor.NONE.redact("jane@example.com")).isEqualTo("jane@example.com");
    }

    @Test
    void refusesACardNumberWhoseLuhnSumIsWrong() {
        assertThat(Redactor.ALL.redact("4111 1111 1111 1112")).doesNotContain("[CARD]");
    }

    @Test
    void leavesTextWithoutFindingsAsTheSameString() {
        String text = "The capital of France is Paris; version 1.2.3 shipped on 2024-01-15.";

        assertThat(Redactor.ALL.redact(text)).isSameAs(text);
        assertThat(Redactor.ALL.redact(null)).isNull();
    }

    @Test
    void thePolicyApiOffersExactlyTheseDetectors() {
        assertThat(Detectors.NAMES).containsExactlyElementsOf(Arrays.stream(Detector.values())
                .map(Detector::wireName).toList());
    }
}

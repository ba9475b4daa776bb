package dev.tollgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PriceTest {

    @Test
    void chargesInputAndOutputTokensAtTheirOwnPrice() {
        Price price = new Price(2_000_000, 6_000_000, 1); // $2 and $6 per million tokens

        assertThat(price.costMicros(1_000_000, 500_000)).isEqualTo(5_000_000);
    }

    @Test
    void roundsAFractionOfAMicroDollarUp() {
        Price price = new Price(150_000, 600_000, 1); // $0.15 / $0.60 per million

        assertThat(price.costMicros(10, 5)).isEqualTo(5); // 1.5 + 3.0 = 4.5 micro-dollars
        assertThat(price.costMicros(0, 0)).isZero();
    }

    @Test
    void failsLoudlyOnOverflowRatherThanWrapping() {
        Price price = new Price(Long.MAX_VALUE / 2, 0, 1);

        assertThatThrownBy(() -> price.costMicros(10, 0)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void rejectsNegativePrices() {
        assertThatThrownBy(() -> new Price(-1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}

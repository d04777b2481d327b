package io.nbo.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RecencyTest {

    @Test
    void countsWeighHalfAfterEachHalfLife() {
        Recency recency = new Recency(3, 10);
        assertThat(recency.weight(0)).isEqualTo(1.0);
        assertThat(recency.weight(3)).isCloseTo(0.5, within(1e-12));
        assertThat(recency.weight(6)).isCloseTo(0.25, within(1e-12));
        assertThat(recency.weight(1)).isLessThan(1).isGreaterThan(recency.weight(2));
    }

    @Test
    void onlyTheMostRecentEpochsAreKept() {
        Recency recency = new Recency(3, 10);
        assertThat(recency.keeps(0)).isTrue();
        assertThat(recency.keeps(9)).isTrue();
        assertThat(recency.keeps(10)).isFalse();
        assertThat(recency.keeps(-1)).isFalse();  // an epoch after the current one
        assertThat(recency.weight(10)).isZero();
        assertThat(recency.weight(-1)).isZero();
    }

    @Test
    void rejectsSettingsThatKeepNothing() {
        assertThatThrownBy(() -> new Recency(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Recency(Double.NaN, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Recency(4, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Recency(Double.POSITIVE_INFINITY, 2).weight(1)).isEqualTo(1.0);
    }
}

package io.nbo.learning;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class BinsTest {

    @Test
    void numbersAreRoundedToThreeSignificantDigitsInPlainText() {
        assertThat(Bins.fine(4963.6)).isEqualTo("n:4960");
        assertThat(Bins.fine(0.634)).isEqualTo("n:0.634");
        assertThat(Bins.fine(56)).isEqualTo("n:56");
        assertThat(Bins.fine(56L)).isEqualTo("n:56");
        assertThat(Bins.fine(-36.4)).isEqualTo("n:-36.4");
        assertThat(Bins.fine(93.994)).isEqualTo("n:94");
        assertThat(Bins.fine(1.235)).isEqualTo("n:1.24");
        assertThat(Bins.fine(-1.235)).isEqualTo("n:-1.24");
        assertThat(Bins.fine(0.0001234)).isEqualTo("n:0.000123");
        assertThat(Bins.fine(123456789)).isEqualTo("n:123000000");
        assertThat(Bins.fine(0)).isEqualTo("n:0");
        assertThat(Bins.fine(-0.0)).isEqualTo("n:0");
        assertThat(Bins.fine(new BigDecimal("4.857"))).isEqualTo("n:4.86");
        assertThat(Bins.fine(1.5e25)).isEqualTo("n:1.5E+25");
    }

    @Test
    void textThatIsADecimalNumberIsTheSameNumber() {
        assertThat(Bins.fine("4963.6")).isEqualTo(Bins.fine(4963.6));
        assertThat(Bins.fine(" -36.4 ")).isEqualTo("n:-36.4");
        assertThat(Bins.fine("56")).isEqualTo("n:56");
        assertThat(Bins.fine("1e3")).isEqualTo("n:1000");
        assertThat(Bins.fine("5191.0")).isEqualTo("n:5190");
        // not plain decimals: kept as text
        assertThat(Bins.fine("NaN")).isEqualTo("s:NaN");
        assertThat(Bins.fine("0x10")).isEqualTo("s:0x10");
        assertThat(Bins.fine("1d")).isEqualTo("s:1d");
        assertThat(Bins.fine("1e99999999999")).isEqualTo("s:1e99999999999");
    }

    @Test
    void textAndBooleansAreSymbolsTrimmedAndCut() {
        assertThat(Bins.fine(" housemaid ")).isEqualTo("s:housemaid");
        assertThat(Bins.fine(true)).isEqualTo("s:true");
        assertThat(Bins.fine("x".repeat(100))).isEqualTo("s:" + "x".repeat(64));
        String emoji = "😀";
        String cutInsidePair = "x".repeat(63) + emoji;
        assertThat(Bins.fine(cutInsidePair)).isEqualTo("s:" + "x".repeat(63));
    }

    @Test
    void nullNanInfinityAndBlankAreMissing() {
        assertThat(Bins.fine(null)).isEqualTo(Bins.MISSING);
        assertThat(Bins.fine(Double.NaN)).isEqualTo(Bins.MISSING);
        assertThat(Bins.fine(Float.POSITIVE_INFINITY)).isEqualTo(Bins.MISSING);
        assertThat(Bins.fine("  ")).isEqualTo(Bins.MISSING);
        assertThat(Bins.fine("")).isEqualTo(Bins.MISSING);
    }

    @Test
    void numericReadsNumbersBackAndNothingElse() {
        assertThat(Bins.numeric(Bins.fine(-36.4))).isEqualTo(-36.4);
        assertThat(Bins.numeric(Bins.fine(1.5e25))).isEqualTo(1.5e25);
        assertThat(Bins.numeric("s:56")).isNaN();
        assertThat(Bins.numeric(Bins.MISSING)).isNaN();
        assertThat(Bins.numeric(null)).isNaN();
    }

    @Test
    void coarseningCutsSoThatCuttingTwiceIsCuttingOnce() {
        assertThat(Bins.coarser("n:0.125", 2)).isEqualTo("n:0.12");
        assertThat(Bins.coarser(Bins.coarser("n:4960", 2), 1)).isEqualTo(Bins.coarser("n:4960", 1)).isEqualTo("n:4000");
        assertThat(Bins.coarser("n:-36.4", 2)).isEqualTo("n:-36");
        assertThat(Bins.coarser("s:abc", 1)).isEqualTo("s:abc");
        assertThat(Bins.coarser("n:0.634", 3)).isEqualTo("n:0.634");
    }
}

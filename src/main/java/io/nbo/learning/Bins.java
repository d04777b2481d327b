package io.nbo.learning;

/** Placeholder until the contextual model's branch lands: a predictor value as the model keys it. */
public final class Bins {

    private Bins() {
    }

    /** Numbers to 3 significant digits ({@code n:4960}), text and flags as they are ({@code s:gold}), missing {@code m}. */
    public static String fine(Object value) {
        if (value == null) {
            return "m";
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                return "m";
            }
            return "n:" + new java.math.BigDecimal(d).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
        }
        String s = value.toString().trim();
        return s.isEmpty() ? "m" : "s:" + (s.length() > 64 ? s.substring(0, 64) : s);
    }
}

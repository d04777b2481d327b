package io.nbo.rules.sandbox;

/**
 * Number comparisons with Java's meaning, for compiled rules. The executable model compiles
 * {@code number("points") >= 750} into {@code EvaluationUtil.greaterOrEqualNumbers}, which compares with
 * {@code Double.compare}: there NaN is greater than every number, so a missing value (NaN, see
 * {@link io.nbo.model.Customer}) would pass every {@code >} and {@code >=}. The compiler points those calls
 * here instead ({@link ComparisonRewrite}), where any comparison with NaN or null is false, as in Java.
 */
public final class JavaComparisons {

    private JavaComparisons() {
    }

    public static boolean greaterThanNumbers(Number a, Number b) {
        return a != null && b != null && a.doubleValue() > b.doubleValue();
    }

    public static boolean greaterThanNumbers(Number a, Object b) {
        return b instanceof Number n && greaterThanNumbers(a, n);
    }

    public static boolean greaterThanNumbers(Long a, Long b) {
        return a != null && b != null && a > b;
    }

    public static boolean greaterOrEqualNumbers(Number a, Number b) {
        return a != null && b != null && a.doubleValue() >= b.doubleValue();
    }

    public static boolean greaterOrEqualNumbers(Long a, Long b) {
        return a != null && b != null && a >= b;
    }

    public static boolean lessThanNumbers(Number a, Number b) {
        return a != null && b != null && a.doubleValue() < b.doubleValue();
    }

    public static boolean lessThanNumbers(Number a, Object b) {
        return b instanceof Number n && lessThanNumbers(a, n);
    }

    public static boolean lessThanNumbers(Long a, Long b) {
        return a != null && b != null && a < b;
    }

    public static boolean lessOrEqualNumbers(Number a, Number b) {
        return a != null && b != null && a.doubleValue() <= b.doubleValue();
    }

    public static boolean lessOrEqualNumbers(Long a, Long b) {
        return a != null && b != null && a <= b;
    }
}

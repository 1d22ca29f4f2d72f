package dev.interproc.manager;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Python's {@code ==} on the values a pickle decodes to, for the server's comparisons ({@code list.index},
 * {@code count}, {@code remove}, a dict's compare-and-set): numbers are equal by value whatever their Java type
 * ({@code 1 == 1.0 == True}), tuples ({@code Object[]}) and lists element by element, {@code bytes} by content.
 * Dicts and sets compare with Java's {@code equals}, which holds for what one codec decodes (equal values decode to
 * equal Java values).
 */
final class PythonEquality {

    private PythonEquality() {}

    static boolean equal(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (isNumber(a) && isNumber(b)) {
            return numbersEqual(a, b);
        }
        if (a instanceof Object[] left && b instanceof Object[] right) {
            return sequencesEqual(Arrays.asList(left), Arrays.asList(right));
        }
        if (a instanceof List<?> left && b instanceof List<?> right) {
            return sequencesEqual(left, right);
        }
        if (a instanceof byte[] left && b instanceof byte[] right) {
            return Arrays.equals(left, right);
        }
        return Objects.equals(a, b);
    }

    private static boolean sequencesEqual(List<?> left, List<?> right) {
        if (left.size() != right.size()) {
            return false;
        }
        for (int i = 0; i < left.size(); i++) {
            if (!equal(left.get(i), right.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNumber(Object value) {
        return value instanceof Number || value instanceof Boolean;
    }

    private static boolean numbersEqual(Object a, Object b) {
        if (isFloat(a) || isFloat(b)) {
            if (!isFinite(a) || !isFinite(b)) {
                return isFloat(a) && isFloat(b) && toDouble(a) == toDouble(b); // NaN is equal to nothing
            }
            return exact(a).compareTo(exact(b)) == 0; // as Python: 2**53 + 1 != float(2**53)
        }
        return integer(a).equals(integer(b));
    }

    private static boolean isFinite(Object value) {
        return !isFloat(value) || Double.isFinite(toDouble(value));
    }

    private static boolean isFloat(Object value) {
        return value instanceof Double || value instanceof Float;
    }

    private static double toDouble(Object value) {
        return value instanceof Boolean bool ? (bool ? 1 : 0) : ((Number) value).doubleValue();
    }

    /** The exact value of a number: a float's own binary value, an int's integer. */
    private static BigDecimal exact(Object value) {
        return isFloat(value) ? new BigDecimal(toDouble(value)) : new BigDecimal(integer(value));
    }

    private static BigInteger integer(Object value) {
        return switch (value) {
            case Boolean bool -> bool ? BigInteger.ONE : BigInteger.ZERO;
            case BigInteger big -> big;
            case Number number -> BigInteger.valueOf(number.longValue());
            default -> throw new IllegalArgumentException(String.valueOf(value));
        };
    }
}

package dev.procpool.shared;

import java.math.BigInteger;

/**
 * Python's {@code array}/{@code ctypes} type codes as {@code Value} and {@code Array} use them, with
 * their sizes on 64-bit Linux ({@code l} and {@code L} are C {@code long}: 8 bytes). Values cross
 * into Java as {@link Long} (integers; {@link BigInteger} above {@code Long.MAX_VALUE} for the
 * unsigned 64-bit codes), {@link Double} ({@code f}, {@code d}), {@link Boolean} ({@code ?}) and a
 * one-character {@link String} ({@code c}: one byte, U+0000..U+00FF).
 */
public enum TypeCode {
    BYTE('b', 1, true, false),
    UNSIGNED_BYTE('B', 1, true, true),
    SHORT('h', 2, true, false),
    UNSIGNED_SHORT('H', 2, true, true),
    INT('i', 4, true, false),
    UNSIGNED_INT('I', 4, true, true),
    LONG('l', 8, true, false),
    UNSIGNED_LONG('L', 8, true, true),
    LONG_LONG('q', 8, true, false),
    UNSIGNED_LONG_LONG('Q', 8, true, true),
    FLOAT('f', 4, false, false),
    DOUBLE('d', 8, false, false),
    CHAR('c', 1, false, true),
    BOOL('?', 1, false, true);

    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    private final char code;
    private final int size;
    private final boolean integer;
    private final boolean unsigned;

    TypeCode(char code, int size, boolean integer, boolean unsigned) {
        this.code = code;
        this.size = size;
        this.integer = integer;
        this.unsigned = unsigned;
    }

    /** The type code for {@code code}, e.g. {@code "i"}. */
    public static TypeCode of(String code) {
        if (code != null && code.length() == 1) {
            for (TypeCode t : values()) {
                if (t.code == code.charAt(0)) {
                    return t;
                }
            }
        }
        throw new IllegalArgumentException("typecode must be one of b B h H i I l L q Q f d c ?, got " + code);
    }

    public char code() {
        return code;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** Whether the type holds integers (all but f, d, c and ?). */
    public boolean isInteger() {
        return integer;
    }

    /** The type's zero: 0, 0.0, false or the NUL character. */
    public Object zero() {
        return switch (this) {
            case FLOAT, DOUBLE -> 0.0;
            case BOOL -> false;
            case CHAR -> "\0";
            default -> 0L;
        };
    }

    /**
     * The raw bits that store {@code value} (a {@link Number}, {@link Boolean} or one-character
     * {@link String} as this type takes it), in the low {@link #size} bytes.
     *
     * @throws IllegalArgumentException when the value is of the wrong kind or out of range
     */
    public long toBits(Object value) {
        switch (this) {
            case FLOAT -> {
                return Float.floatToRawIntBits((float) number(value).doubleValue()) & 0xffffffffL;
            }
            case DOUBLE -> {
                return Double.doubleToRawLongBits(number(value).doubleValue());
            }
            case BOOL -> {
                if (!(value instanceof Boolean b)) {
                    throw new IllegalArgumentException("typecode '?' takes true or false, got " + describe(value));
                }
                return b ? 1 : 0;
            }
            case CHAR -> {
                if (!(value instanceof String s) || s.length() != 1 || s.charAt(0) > 0xff) {
                    throw new IllegalArgumentException("typecode 'c' takes a string of one character U+0000..U+00FF, got "
                            + describe(value));
                }
                return s.charAt(0);
            }
            default -> {
                if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                    return fromLong(((Number) value).longValue());
                }
                BigInteger v = integer(value);
                if (v.compareTo(min()) < 0 || v.compareTo(max()) > 0) {
                    throw new IllegalArgumentException(v + " is out of range for typecode '" + code + "' (" + min() + ".." + max() + ")");
                }
                return v.longValue();
            }
        }
    }

    /** The bits of an integer type holding {@code v}, checked against the type's range without boxing. */
    public long fromLong(long v) {
        if (!integer) {
            return toBits(this == BOOL || this == CHAR ? (Object) v : (Object) (double) v);
        }
        boolean fits = switch (size) {
            case 1 -> unsigned ? v >= 0 && v <= 0xff : v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE;
            case 2 -> unsigned ? v >= 0 && v <= 0xffff : v >= Short.MIN_VALUE && v <= Short.MAX_VALUE;
            case 4 -> unsigned ? v >= 0 && v <= 0xffffffffL : v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
            default -> !unsigned || v >= 0;
        };
        if (!fits) {
            throw new IllegalArgumentException(v + " is out of range for typecode '" + code + "' (" + min() + ".." + max() + ")");
        }
        return v;
    }

    /** An integer type's value as a long (unsigned 64-bit values above Long.MAX_VALUE come out negative). */
    public long toLong(long bits) {
        return switch (this) {
            case BYTE -> (byte) bits;
            case SHORT -> (short) bits;
            case INT -> (int) bits;
            case UNSIGNED_BYTE, CHAR, BOOL -> bits & 0xff;
            case UNSIGNED_SHORT -> bits & 0xffff;
            case UNSIGNED_INT -> bits & 0xffffffffL;
            case FLOAT -> (long) Float.intBitsToFloat((int) bits);
            case DOUBLE -> (long) Double.longBitsToDouble(bits);
            default -> bits;
        };
    }

    /** The value stored as {@code bits}: Long, BigInteger, Double, Boolean or String. */
    public Object fromBits(long bits) {
        return switch (this) {
            case BYTE -> (long) (byte) bits;
            case UNSIGNED_BYTE, CHAR -> this == CHAR ? String.valueOf((char) (bits & 0xff)) : bits & 0xff;
            case SHORT -> (long) (short) bits;
            case UNSIGNED_SHORT -> bits & 0xffff;
            case INT -> (long) (int) bits;
            case UNSIGNED_INT -> bits & 0xffffffffL;
            case LONG, LONG_LONG -> bits;
            case UNSIGNED_LONG, UNSIGNED_LONG_LONG -> bits >= 0 ? (Object) bits : BigInteger.valueOf(bits).add(TWO_TO_64);
            case FLOAT -> (double) Float.intBitsToFloat((int) bits);
            case DOUBLE -> Double.longBitsToDouble(bits);
            case BOOL -> (bits & 0xff) != 0;
        };
    }

    /**
     * {@code bits + delta} in this type, wrapping at its width as C does for integers; for
     * {@code f} and {@code d} a floating-point sum.
     */
    public long addBits(long bits, Object delta) {
        return switch (this) {
            case FLOAT -> Float.floatToRawIntBits(Float.intBitsToFloat((int) bits) + (float) number(delta).doubleValue()) & 0xffffffffL;
            case DOUBLE -> Double.doubleToRawLongBits(Double.longBitsToDouble(bits) + number(delta).doubleValue());
            case BOOL, CHAR -> throw new IllegalArgumentException("typecode '" + code + "' cannot be added to");
            default -> bits + integer(delta).longValue();
        };
    }

    private BigInteger min() {
        return unsigned ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(size * 8 - 1).negate();
    }

    private BigInteger max() {
        return unsigned ? BigInteger.ONE.shiftLeft(size * 8).subtract(BigInteger.ONE)
                : BigInteger.ONE.shiftLeft(size * 8 - 1).subtract(BigInteger.ONE);
    }

    private Number number(Object value) {
        if (value instanceof Number n) {
            return n;
        }
        throw new IllegalArgumentException("typecode '" + code + "' takes a number, got " + describe(value));
    }

    private BigInteger integer(Object value) {
        return switch (value) {
            case Long l -> BigInteger.valueOf(l);
            case Integer i -> BigInteger.valueOf(i);
            case Short s -> BigInteger.valueOf(s);
            case Byte b -> BigInteger.valueOf(b);
            case BigInteger b -> b;
            case null, default -> throw new IllegalArgumentException("typecode '" + code + "' takes an integer, got " + describe(value));
        };
    }

    private static String describe(Object value) {
        return value == null ? "null" : value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }
}

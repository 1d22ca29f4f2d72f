package dev.interproc.codec;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Python's {@code Connection.send}/{@code recv} encoding: pickle.
 *
 * <p><b>Writing</b> produces pickle protocol 4, Python 3.8-3.13's default, byte for byte as CPython writes these
 * values when they fit one 64 KiB frame (larger pickles use one big frame, which CPython reads just as well).
 * The Pyrolite library ({@code net.razorvine:pickle}) writes only protocol 2, which turns {@code byte[]} into
 * a Python {@code bytearray} and sets into a {@code set(...)} call, so this codec has its own small writer for
 * the types below. Java to Python: {@code null} to None, {@link Boolean} to bool, {@link Byte}, {@link Short},
 * {@link Integer}, {@link Long}, {@link BigInteger} to int, {@link Float} and {@link Double} to float,
 * {@link CharSequence} to str, {@code byte[]} to bytes, {@link List} to list, {@code Object[]} to tuple,
 * {@link Map} to dict ({@link java.util.LinkedHashMap} to {@code collections.OrderedDict}), {@link Set} to set,
 * and the types of the standard mapping below. Anything else is refused with an {@link IOException}.
 *
 * <p><b>Reading</b> uses Pyrolite's unpickler and accepts protocols 0 to 5. Python to Java: None is
 * {@code null}, bool {@link Boolean}, int {@link Integer}, {@link Long} or {@link BigInteger} by size, float
 * {@link Double}, str {@link String}, bytes {@code byte[]}, list {@link java.util.ArrayList}, tuple
 * {@code Object[]}, dict {@link java.util.HashMap}, set {@link java.util.HashSet}, frozenset an unmodifiable
 * {@link Set}. Pyrolite never runs code; still, accept pickles only from peers you trust (authenticate the
 * connection).
 *
 * <p><b>Other classes</b> travel both ways by a mapping, so that a value from Python comes back equal: the
 * standard one ({@code datetime}, {@code date}, {@code time} and {@code timezone} to {@code java.time}'s
 * {@code LocalDateTime}/{@code OffsetDateTime}, {@code LocalDate}, {@code LocalTime}/{@code OffsetTime} and
 * {@code ZoneOffset}; {@code timedelta} to {@link java.time.Duration}; {@code Decimal} to
 * {@link java.math.BigDecimal}; {@code complex} to {@link PythonComplex}; {@code OrderedDict} to
 * {@link java.util.LinkedHashMap}; {@code array.array} to primitive arrays; exceptions to Pyrolite's
 * {@code PythonException}), and the user's ({@link Builder#register}). A pickle holding an instance of any other
 * class is refused, where Pyrolite would silently make a dictionary of its state.
 *
 * <p><b>Limits</b> bound the work one pickle can cause, so that decoding takes time linear in its size and
 * never overflows the stack, whatever a peer sends; a pickle over a limit is refused with an
 * {@link IOException} naming the limit and the {@link Builder} method that sets it:
 *
 * <ul>
 *   <li>ints written as decimal text (protocol 0's INT and LONG) have at most {@value #DEFAULT_MAX_INT_DIGITS}
 *       digits, as in CPython 3.11 and later ({@code sys.set_int_max_str_digits}): parsing is quadratic;
 *   <li>containers nest at most {@value #DEFAULT_MAX_DEPTH} levels deep, as Python's default recursion limit
 *       (the writer refuses deeper values too): Java's {@code equals}, {@code hashCode} and {@code toString}
 *       recurse on them;
 *   <li>a list, dict or set is refused as a set element or dict key, as in CPython ("unhashable type");
 *   <li>a length inside the pickle larger than the bytes that follow it is refused before anything is allocated.
 * </ul>
 */
public final class PickleCodec implements Codec {

    /** The default most digits of an int written as text: CPython's {@code sys.get_int_max_str_digits()}. */
    public static final int DEFAULT_MAX_INT_DIGITS = 4300;

    /** The default deepest nesting of containers: Python's default recursion limit. */
    public static final int DEFAULT_MAX_DEPTH = 1000;

    /** The codec with the default limits. */
    public static final PickleCodec INSTANCE = builder().build();

    private final PickleLimits limits;
    private final PythonTypes types;

    private PickleCodec(PickleLimits limits, PythonTypes types) {
        this.limits = limits;
        this.types = types;
    }

    /**
     * Starts configuring a codec.
     *
     * @return a builder with the default limits, {@value #DEFAULT_MAX_INT_DIGITS} digits and depth
     *     {@value #DEFAULT_MAX_DEPTH}
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @throws IOException if the value holds a type this codec does not pickle, or nests too deep */
    @Override
    public byte[] encode(Object value) throws IOException {
        return new PickleWriter(limits.maxDepth(), types).write(value);
    }

    /** @throws IOException if the pickle is malformed, unsupported, or exceeds a limit (named in the message) */
    @Override
    public Object decode(byte[] payload) throws IOException {
        try {
            return new BoundedUnpickler(limits, types).decode(payload);
        } catch (RuntimeException e) {
            // Pyrolite reports malformed input with whatever its casts and collections throw, not only with
            // PickleException; the caller of a codec expects an IOException for any bad payload.
            throw new IOException("malformed or unsupported pickle: " + e.getMessage(), e);
        }
    }

    /** Configures a {@link PickleCodec}. Not thread-safe. */
    public static final class Builder {

        private int maxIntDigits = DEFAULT_MAX_INT_DIGITS;
        private int maxDepth = DEFAULT_MAX_DEPTH;
        private final List<PythonClass<?>> registered = new ArrayList<>();
        private final Set<PythonGlobal> globals = new HashSet<>();

        private Builder() {}

        /**
         * Maps a Python class to a Java type, both ways; it takes precedence over the standard mapping. Without
         * one, a pickle holding an instance of a class the codec does not know is refused.
         *
         * @param type the Python class and the Java type, with the conversions
         * @return this builder
         */
        public Builder register(PythonClass<?> type) {
            registered.add(Objects.requireNonNull(type, "type"));
            return this;
        }

        /**
         * Lets a pickle refer to a Python class or function by name without calling it, such as the proxy class
         * that {@code multiprocessing.managers.RebuildProxy} takes: it decodes as the {@link PythonGlobal} (which
         * always encodes as the global). A call of it is still refused, unless also mapped by {@link #register}.
         *
         * @param global the class or function
         * @return this builder
         */
        public Builder registerGlobal(PythonGlobal global) {
            globals.add(Objects.requireNonNull(global, "global"));
            return this;
        }

        /**
         * Sets the most decimal digits of an int written as text (protocol 0); {@value #DEFAULT_MAX_INT_DIGITS}
         * unless set. Parsing costs time quadratic in the digits: a million took 20 s.
         *
         * @param digits the maximum, positive
         * @return this builder
         * @throws IllegalArgumentException if {@code digits} is not positive
         */
        public Builder maxIntDigits(int digits) {
            this.maxIntDigits = positive(digits, "digits");
            return this;
        }

        /**
         * Sets the deepest nesting of containers decoded or encoded; {@value #DEFAULT_MAX_DEPTH} unless set.
         * Java recurses on nested collections ({@code equals}, {@code hashCode}, {@code toString}): a limit
         * much higher than this one lets a value overflow the stack of whoever uses it.
         *
         * @param depth the maximum, positive
         * @return this builder
         * @throws IllegalArgumentException if {@code depth} is not positive
         */
        public Builder maxDepth(int depth) {
            this.maxDepth = positive(depth, "depth");
            return this;
        }

        /** {@return the codec, immutable and thread-safe} */
        public PickleCodec build() {
            return new PickleCodec(new PickleLimits(maxIntDigits, maxDepth), new PythonTypes(registered, globals));
        }

        private static int positive(int value, String what) {
            if (value <= 0) {
                throw new IllegalArgumentException("maximum " + what + " must be positive, not " + value);
            }
            return value;
        }
    }
}

package dev.interproc.codec;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;

/**
 * The Python classes {@link PickleCodec} maps to Java types, both ways, so that a value from Python comes back
 * equal: the standard ones below, then those registered as {@link PythonClass}es (which take precedence).
 *
 * <table>
 *   <caption>Standard mapping</caption>
 *   <tr><th>Python</th><th>Java</th></tr>
 *   <tr><td>datetime.datetime, naive / with a fixed-offset timezone</td><td>LocalDateTime / OffsetDateTime</td></tr>
 *   <tr><td>datetime.date</td><td>LocalDate</td></tr>
 *   <tr><td>datetime.time, naive / with a fixed-offset timezone</td><td>LocalTime / OffsetTime</td></tr>
 *   <tr><td>datetime.timedelta</td><td>Duration</td></tr>
 *   <tr><td>datetime.timezone</td><td>ZoneOffset</td></tr>
 *   <tr><td>decimal.Decimal</td><td>BigDecimal</td></tr>
 *   <tr><td>complex</td><td>{@link PythonComplex}</td></tr>
 *   <tr><td>collections.OrderedDict</td><td>LinkedHashMap (written by the pickler itself)</td></tr>
 *   <tr><td>array.array</td><td>primitive arrays ({@link PythonArrays})</td></tr>
 * </table>
 *
 * Java values Python cannot hold exactly (nanoseconds, offsets in fractions of a minute beyond Python's range,
 * years outside 1-9999) are refused rather than rounded.
 */
final class PythonTypes {

    /**
     * A Python call that makes a value: {@code module.name(*arguments)}; or, {@code byState}, the class's
     * {@code __new__} and then {@code __setstate__(arguments)} ({@link PythonClass#byState()}).
     */
    record Call(String module, String name, boolean byState, Object... arguments) {
        Call(String module, String name, Object... arguments) {
            this(module, name, false, arguments);
        }
    }

    /**
     * What NEWOBJ of a class mapped {@link PythonClass#byState() by state} makes: the object whose state BUILD then
     * sets, which makes the Java value ({@link #build}).
     */
    static final class Pending {
        private final PythonClass<?> type;
        private Object built;

        Pending(PythonClass<?> type) {
            this.type = type;
        }

        /** {@return the Java value for {@code state}: a tuple's items are the arguments, else the state is one} */
        Object build(Object state) {
            if (built != null) {
                throw new PickleException("the state of a " + type.module() + "." + type.name() + " is set twice");
            }
            built = type.fromArguments().apply(state instanceof Object[] tuple ? tuple : new Object[] {state});
            return built;
        }

        @Override
        public String toString() {
            return type.module() + "." + type.name();
        }

        /** {@return the value built, or null if BUILD has not come yet} */
        Object built() {
            return built;
        }
    }

    private static final Map<String, IObjectConstructor> STANDARD_DECODERS = Map.ofEntries(
            Map.entry("datetime.datetime", PythonTypes::dateTime),
            Map.entry("datetime.date", arguments -> date(bytes(arguments[0], 4), 0)),
            Map.entry("datetime.time", PythonTypes::time),
            Map.entry("datetime.timedelta", PythonTypes::timedelta),
            Map.entry("datetime.timezone", PythonTypes::timezone),
            Map.entry("decimal.Decimal", PythonTypes::decimal),
            Map.entry("builtins.complex", PythonTypes::complex),
            Map.entry("__builtin__.complex", PythonTypes::complex),
            Map.entry("collections.OrderedDict", arguments -> new LinkedHashMap<>()), // items follow as SETITEMS
            Map.entry("array.array", PythonArrays::fromList),
            Map.entry("array._array_reconstructor", PythonArrays::reconstruct));

    private static final Map<Class<?>, Function<Object, Call>> STANDARD_ENCODERS = Map.of(
            LocalDateTime.class, value -> new Call("datetime", "datetime", dateTimeBytes((LocalDateTime) value)),
            OffsetDateTime.class,
                    value -> new Call(
                            "datetime",
                            "datetime",
                            dateTimeBytes(((OffsetDateTime) value).toLocalDateTime()),
                            ((OffsetDateTime) value).getOffset()),
            LocalDate.class, value -> new Call("datetime", "date", dateBytes((LocalDate) value, new byte[4])),
            LocalTime.class, value -> new Call("datetime", "time", timeBytes((LocalTime) value, new byte[6], 0)),
            OffsetTime.class,
                    value -> new Call(
                            "datetime",
                            "time",
                            timeBytes(((OffsetTime) value).toLocalTime(), new byte[6], 0),
                            ((OffsetTime) value).getOffset()),
            Duration.class, value -> timedeltaCall((Duration) value),
            ZoneOffset.class,
                    value -> new Call(
                            "datetime", "timezone", Duration.ofSeconds(((ZoneOffset) value).getTotalSeconds())),
            BigDecimal.class, value -> new Call("decimal", "Decimal", value.toString()),
            PythonComplex.class,
                    value -> new Call(
                            "builtins",
                            "complex",
                            ((PythonComplex) value).real(),
                            ((PythonComplex) value).imaginary()));

    private final List<PythonClass<?>> registered;
    private final Set<PythonGlobal> globals;
    /** The registered mapping of each class encoded so far: of the class itself, else the first it is of. */
    private final ClassValue<Optional<PythonClass<?>>> mappingOf = new ClassValue<>() {
        @Override
        protected Optional<PythonClass<?>> computeValue(Class<?> javaClass) {
            for (PythonClass<?> type : registered) {
                if (type.javaType() == javaClass) {
                    return Optional.of(type);
                }
            }
            return registered.stream()
                    .filter(type -> type.javaType().isAssignableFrom(javaClass))
                    .findFirst();
        }
    };

    /**
     * @param registered the user's mappings, which take precedence over the standard ones
     * @param globals the globals a pickle may refer to as values ({@link PythonGlobal})
     */
    PythonTypes(List<PythonClass<?>> registered, Set<PythonGlobal> globals) {
        this.registered = List.copyOf(registered);
        this.globals = Set.copyOf(globals);
    }

    /**
     * {@return what makes the Java value of a call of {@code module.name}, a {@link PythonGlobal} if it is a
     * registered global, or null if neither mapping knows it}
     */
    Object decoder(String module, String name) {
        for (PythonClass<?> type : registered) {
            if (type.module().equals(module) && type.name().equals(name)) {
                return type.byState()
                        ? (IObjectConstructor) arguments -> new Pending(type)
                        : (IObjectConstructor) arguments -> type.fromArguments().apply(arguments);
            }
        }
        PythonGlobal global = new PythonGlobal(module, name);
        if (globals.contains(global)) {
            return global;
        }
        return STANDARD_DECODERS.get(module + "." + name);
    }

    /** {@return the call that makes {@code value} if its class is registered (or a {@link PythonCall}); else null} */
    Call encodeRegistered(Object value) {
        if (value instanceof PythonCall call) {
            return new Call(call.module(), call.name(), call.arguments());
        }
        return mappingOf
                .get(value.getClass())
                .map(type -> new Call(type.module(), type.name(), type.byState(), type.arguments(value)))
                .orElse(null);
    }

    /** {@return the Python call that makes {@code value}; null if it is not of a mapped type} */
    Call encode(Object value) {
        Call registeredCall = encodeRegistered(value);
        if (registeredCall != null) {
            return registeredCall;
        }
        Function<Object, Call> standard = STANDARD_ENCODERS.get(value.getClass());
        return standard != null ? standard.apply(value) : PythonArrays.encode(value);
    }

    private static Object dateTime(Object[] arguments) {
        byte[] state = bytes(arguments[0], 10);
        LocalDateTime local = LocalDateTime.of(date(state, 0), time(state, 4));
        return arguments.length > 1 && arguments[1] != null ? OffsetDateTime.of(local, offset(arguments[1])) : local;
    }

    private static Object time(Object[] arguments) {
        LocalTime local = time(bytes(arguments[0], 6), 0);
        return arguments.length > 1 && arguments[1] != null ? OffsetTime.of(local, offset(arguments[1])) : local;
    }

    /** year (2 bytes, big-endian), month, day; CPython keeps datetime's fold in the month's high bit. */
    private static LocalDate date(byte[] state, int at) {
        return LocalDate.of((state[at] & 0xff) << 8 | state[at + 1] & 0xff, state[at + 2] & 0x7f, state[at + 3]);
    }

    /** hour (time's fold in its high bit), minute, second, microseconds (3 bytes, big-endian). */
    private static LocalTime time(byte[] state, int at) {
        int micros = (state[at + 3] & 0xff) << 16 | (state[at + 4] & 0xff) << 8 | state[at + 5] & 0xff;
        return LocalTime.of(state[at] & 0x7f, state[at + 1], state[at + 2], micros * 1000);
    }

    private static byte[] dateTimeBytes(LocalDateTime value) {
        return timeBytes(value.toLocalTime(), dateBytes(value.toLocalDate(), new byte[10]), 4);
    }

    private static byte[] dateBytes(LocalDate value, byte[] state) {
        if (value.getYear() < 1 || value.getYear() > 9999) {
            throw new IllegalArgumentException("Python's date holds years 1 to 9999, not " + value.getYear());
        }
        state[0] = (byte) (value.getYear() >> 8);
        state[1] = (byte) value.getYear();
        state[2] = (byte) value.getMonthValue();
        state[3] = (byte) value.getDayOfMonth();
        return state;
    }

    private static byte[] timeBytes(LocalTime value, byte[] state, int at) {
        int micros = exactMicros(value.getNano(), value);
        state[at] = (byte) value.getHour();
        state[at + 1] = (byte) value.getMinute();
        state[at + 2] = (byte) value.getSecond();
        state[at + 3] = (byte) (micros >> 16);
        state[at + 4] = (byte) (micros >> 8);
        state[at + 5] = (byte) micros;
        return state;
    }

    private static Object timedelta(Object[] arguments) {
        return Duration.ofDays(((Number) arguments[0]).longValue())
                .plusSeconds(((Number) arguments[1]).longValue())
                .plusNanos(((Number) arguments[2]).longValue() * 1000);
    }

    /** timedelta(days, seconds, microseconds), normalized as Python keeps it: 0 <= seconds < 86400. */
    private static Call timedeltaCall(Duration value) {
        int micros = exactMicros(value.getNano(), value);
        long days = Math.floorDiv(value.getSeconds(), 86_400);
        if (Math.abs(days) > 999_999_999) {
            throw new IllegalArgumentException("Python's timedelta holds up to 999999999 days, not " + value);
        }
        return new Call("datetime", "timedelta", days, Math.floorMod(value.getSeconds(), 86_400), micros);
    }

    private static Object timezone(Object[] arguments) {
        Duration offset = (Duration) arguments[0];
        if (offset.getNano() != 0 || Math.abs(offset.getSeconds()) > 18 * 3600) {
            throw new PickleException(
                    "a timezone offset of " + offset + " has no ZoneOffset (whole seconds," + " at most 18 hours)");
        }
        return ZoneOffset.ofTotalSeconds((int) offset.getSeconds());
    }

    private static ZoneOffset offset(Object tzinfo) {
        if (tzinfo instanceof ZoneOffset offset) {
            return offset;
        }
        throw new PickleException("a datetime's tzinfo must be a datetime.timezone (a fixed offset), not " + tzinfo);
    }

    private static Object decimal(Object[] arguments) {
        try {
            return new BigDecimal((String) arguments[0]);
        } catch (NumberFormatException e) {
            throw new PickleException("Decimal('" + arguments[0] + "') has no BigDecimal (NaN and Infinity have none)");
        }
    }

    private static Object complex(Object[] arguments) {
        double real = arguments.length > 0 ? ((Number) arguments[0]).doubleValue() : 0;
        return new PythonComplex(real, arguments.length > 1 ? ((Number) arguments[1]).doubleValue() : 0);
    }

    private static byte[] bytes(Object state, int length) {
        if (state instanceof byte[] bytes && bytes.length == length) {
            return bytes;
        }
        throw new PickleException("expected the " + length + "-byte state of a datetime value, not " + state);
    }

    private static int exactMicros(int nanos, Object value) {
        if (nanos % 1000 != 0) {
            throw new IllegalArgumentException(value + " has nanoseconds; Python's datetime types hold microseconds");
        }
        return nanos / 1000;
    }
}

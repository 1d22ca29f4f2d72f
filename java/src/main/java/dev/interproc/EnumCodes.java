package dev.interproc;

import dev.interproc.internal.ffm.RegionLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The codes of one enum's constants (ordinals, or {@link CodedEnum#code()}), the lookup from code to
 * constant, and the descriptor recorded in an enum slot:
 * {@code "enum <binary class name>\n"} then {@code "<NAME>=<code>\n"} per constant, in code order.
 */
final class EnumCodes<E extends Enum<E>> {

    private static final int DENSE_LIMIT = 1024;

    private static final ClassValue<EnumCodes<?>> CACHE = new ClassValue<>() {
        @Override
        protected EnumCodes<?> computeValue(Class<?> type) {
            return build(type.asSubclass(Enum.class));
        }
    };

    private final Class<E> type;
    private final int[] codeByOrdinal;
    private final E[] denseByCode;
    private final Map<Integer, E> sparseByCode;
    private final byte[] descriptor;

    private EnumCodes(
            Class<E> type, int[] codeByOrdinal, E[] denseByCode, Map<Integer, E> sparseByCode, byte[] descriptor) {
        this.type = type;
        this.codeByOrdinal = codeByOrdinal;
        this.denseByCode = denseByCode;
        this.sparseByCode = sparseByCode;
        this.descriptor = descriptor;
    }

    @SuppressWarnings("unchecked")
    static <E extends Enum<E>> EnumCodes<E> of(Class<E> type) {
        if (type == null || !type.isEnum()) {
            throw new IllegalArgumentException("SharedEnum needs an enum class, got " + type);
        }
        return (EnumCodes<E>) CACHE.get(type);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static EnumCodes<?> build(Class<? extends Enum> rawType) {
        Class type = rawType;
        Enum[] constants = (Enum[]) type.getEnumConstants();
        if (constants.length == 0) {
            throw new IllegalArgumentException("enum " + type.getName() + " has no constants to store");
        }
        int[] codes = new int[constants.length];
        Map<Integer, Enum> byCode = new HashMap<>();
        for (Enum constant : constants) {
            int code = constant instanceof CodedEnum coded ? coded.code() : constant.ordinal();
            Enum previous = byCode.putIfAbsent(code, constant);
            if (previous != null) {
                throw new IllegalArgumentException("enum " + type.getName() + " gives code " + code + " to both "
                        + previous.name() + " and " + constant.name() + ": CodedEnum codes must be unique");
            }
            codes[constant.ordinal()] = code;
        }
        int min = Arrays.stream(codes).min().orElseThrow();
        int max = Arrays.stream(codes).max().orElseThrow();
        Enum[] dense = null;
        if (min >= 0 && max < DENSE_LIMIT) {
            dense = (Enum[]) java.lang.reflect.Array.newInstance(type, max + 1);
            for (Enum constant : constants) {
                dense[codes[constant.ordinal()]] = constant;
            }
        }
        StringBuilder text = new StringBuilder("enum ").append(type.getName()).append('\n');
        byCode.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> text.append(
                        entry.getValue().name())
                .append('=')
                .append(entry.getKey())
                .append('\n'));
        byte[] descriptor = text.toString().getBytes(StandardCharsets.UTF_8);
        if (descriptor.length > RegionLayout.SLOT_META_MAX) {
            throw new IllegalArgumentException(
                    "enum " + type.getName() + " has too many constants to record in a slot (" + descriptor.length
                            + " bytes of names and codes, at most " + RegionLayout.SLOT_META_MAX + ")");
        }
        return new EnumCodes(type, codes, dense, dense == null ? Map.copyOf(byCode) : null, descriptor);
    }

    Class<E> type() {
        return type;
    }

    byte[] descriptor() {
        return descriptor.clone();
    }

    /** The stored code of a constant; refuses null and constants of other enums (raw types) by name. */
    int codeOf(Object value) {
        if (value == null) {
            throw new NullPointerException("a SharedEnum of " + type.getSimpleName() + " cannot hold null");
        }
        if (!(value instanceof Enum<?> constant) || constant.getDeclaringClass() != type) {
            String what = value instanceof Enum<?> other
                    ? other.getDeclaringClass().getName() + "." + other.name()
                    : value.getClass().getName() + " " + value;
            throw new IllegalArgumentException("cannot store " + what + " in a SharedEnum of " + type.getName()
                    + ": it is not a constant of that enum");
        }
        return codeByOrdinal[constant.ordinal()];
    }

    /** The constant of a stored code, or an exception naming the code and the known ones. */
    E constantOf(int code, String slot) {
        E constant = denseByCode != null
                ? (code >= 0 && code < denseByCode.length ? denseByCode[code] : null)
                : sparseByCode.get(code);
        if (constant == null) {
            throw new IncompatibleSlotException(
                    "SharedEnum '" + slot + "' holds code " + code + ", which enum " + type.getName()
                            + " does not define (its codes: " + codesText() + "); a process with another version of"
                            + " the enum, or a stray write, put it there",
                    RegionLayout.E_SLOTMETA);
        }
        return constant;
    }

    /** The constant called name, or an exception listing the valid names. */
    E constantNamed(String name) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(name)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("enum " + type.getName() + " has no constant '" + name + "'; valid names: "
                + Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", ")));
    }

    private String codesText() {
        return Arrays.stream(type.getEnumConstants())
                .map(c -> c.name() + "=" + codeByOrdinal[c.ordinal()])
                .collect(Collectors.joining(", "));
    }

    /**
     * A descriptor as read back from a slot: the enum's class name ("?" if missing) and its constants' codes, in
     * the stored order. Lines that name no code (a damaged descriptor) are left out.
     */
    record Stored(String className, Map<String, Integer> codes) {

        static Stored parse(String descriptor) {
            String[] lines = descriptor.split("\n");
            String className = lines.length > 0 && lines[0].startsWith("enum ") ? lines[0].substring(5) : "?";
            Map<String, Integer> codes = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int equals = lines[i].lastIndexOf('=');
                if (equals > 0) {
                    try {
                        codes.put(lines[i].substring(0, equals), Integer.parseInt(lines[i].substring(equals + 1)));
                    } catch (NumberFormatException damaged) {
                        // not a NAME=code line
                    }
                }
            }
            return new Stored(className, codes);
        }
    }

    /** What differs between a descriptor stored in a slot and this enum, for an error message. */
    String differencesFrom(String descriptor) {
        Stored stored = Stored.parse(descriptor);
        String storedClass = stored.className();
        Map<String, Integer> storedCodes = stored.codes();
        List<String> differences = new ArrayList<>();
        if (!storedClass.equals(type.getName())) {
            differences.add("the region holds enum " + storedClass + ", this process uses " + type.getName());
        }
        for (E constant : type.getEnumConstants()) {
            Integer storedCode = storedCodes.get(constant.name());
            int code = codeByOrdinal[constant.ordinal()];
            if (storedCode == null) {
                differences.add(constant.name() + "=" + code + " exists only here");
            } else if (storedCode != code) {
                differences.add(constant.name() + " has code " + storedCode + " in the region but " + code + " here");
            }
        }
        for (Map.Entry<String, Integer> entry : storedCodes.entrySet()) {
            if (Arrays.stream(type.getEnumConstants()).noneMatch(c -> c.name().equals(entry.getKey()))) {
                differences.add(entry.getKey() + "=" + entry.getValue() + " exists only in the region");
            }
        }
        return String.join("; ", differences);
    }
}

package dev.interproc.codec;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import net.razorvine.pickle.PickleException;

/**
 * The work one pickle may cause, and the checks that hold a pickle to it.
 *
 * @param maxIntDigits the most decimal digits of an int written as text (the INT and LONG opcodes)
 * @param maxDepth the deepest nesting of containers (lists, tuples, dicts, sets, frozensets) in a value
 */
record PickleLimits(int maxIntDigits, int maxDepth) {

    /**
     * Parses an int written in decimal, as the INT and LONG opcodes carry it. Parsing decimal text costs time
     * quadratic in its length (a million digits took 20 s), so the digits are counted first, as CPython 3.11+
     * does ({@code sys.set_int_max_str_digits}).
     *
     * @param text the digits, with an optional sign
     * @return the value
     * @throws PickleException if there are more digits than {@link #maxIntDigits}, or the text is not a number
     */
    BigInteger parseInteger(String text) {
        int digits = text.length() - (text.startsWith("-") || text.startsWith("+") ? 1 : 0);
        if (digits > maxIntDigits) {
            throw new PickleException("an int of " + digits + " digits exceeds the limit of " + maxIntDigits
                    + " digits for text ints (PickleCodec.builder().maxIntDigits(...) sets it, as Python's"
                    + " sys.set_int_max_str_digits)");
        }
        try {
            return new BigInteger(text);
        } catch (NumberFormatException e) {
            throw new PickleException("invalid literal for int: '" + text + "'", e);
        }
    }

    /** {@return the exception for a value nested {@code depth} levels deep} */
    PickleException tooDeep(long depth) {
        return new PickleException("a value nested " + depth + " levels deep exceeds the limit of " + maxDepth
                + " levels (PickleCodec.builder().maxDepth(...) sets it)");
    }

    /**
     * Refuses a decoded value whose containers nest deeper than {@link #maxDepth}: Java's {@code equals},
     * {@code hashCode} and {@code toString} recurse on them and would overflow the stack. The walk is itself
     * iterative, visits each container once (so its time is linear in the value's size, shared parts and
     * cycles included) and stops as soon as it has gone too deep. A cycle (a list holding itself, which Python
     * allows) adds no depth.
     *
     * @param value a decoded value
     * @param shared the containers the pickle refers to more than once (memo GETs, DUP): only these can be
     *     reached twice or form a cycle, so only their heights are remembered, which keeps the common pickle
     *     without shared containers free of identity hashing
     * @throws PickleException naming the limit if the value nests too deep
     */
    void checkDepth(Object value, Set<Object> shared) {
        if (!isContainer(value)) {
            return;
        }
        Map<Object, Integer> heights = new IdentityHashMap<>();
        Deque<Level> path = new ArrayDeque<>();
        path.push(new Level(value, 1));
        while (!path.isEmpty()) {
            Level level = path.peek();
            if (!level.children.hasNext()) {
                path.pop();
                if (isShared(level.container, shared)) {
                    heights.put(level.container, level.height);
                }
                if (!path.isEmpty()) {
                    path.peek().grow(level.height + 1);
                }
                continue;
            }
            Object child = level.children.next();
            if (!isContainer(child)) {
                continue;
            }
            Integer known = isShared(child, shared) ? heights.get(child) : null;
            if (known != null) {
                level.grow(known + 1); // 0 while the child is on the path: a cycle
            } else if (level.depth == maxDepth) {
                throw tooDeep(level.depth + 1L);
            } else {
                if (isShared(child, shared)) {
                    heights.put(child, 0);
                }
                path.push(new Level(child, level.depth + 1));
            }
        }
    }

    private static boolean isShared(Object container, Set<Object> shared) {
        return !shared.isEmpty() && shared.contains(container);
    }

    static boolean isContainer(Object value) {
        return value instanceof Collection || value instanceof Map || value instanceof Object[];
    }

    /** {@return the items of a container, keys and values for a map} */
    static Iterator<?> children(Object container) {
        return switch (container) {
            case Collection<?> collection -> collection.iterator();
            case Object[] tuple -> Arrays.asList(tuple).iterator();
            default -> new KeysAndValues(((Map<?, ?>) container).entrySet().iterator());
        };
    }

    /** A map's keys and values, alternately: what the walk descends into. */
    private static final class KeysAndValues implements Iterator<Object> {
        private final Iterator<? extends Map.Entry<?, ?>> entries;
        private Map.Entry<?, ?> entry;

        KeysAndValues(Iterator<? extends Map.Entry<?, ?>> entries) {
            this.entries = entries;
        }

        @Override
        public boolean hasNext() {
            return entry != null || entries.hasNext();
        }

        @Override
        public Object next() {
            if (entry != null) {
                Object value = entry.getValue();
                entry = null;
                return value;
            }
            entry = entries.next();
            return entry.getKey();
        }
    }

    /** A container on the walk's path: how deep it sits, how tall what is below it is so far. */
    private final class Level {
        final Object container;
        final Iterator<?> children;
        final int depth;
        int height = 1;

        Level(Object container, int depth) {
            this.container = container;
            this.children = children(container);
            this.depth = depth;
        }

        void grow(int height) {
            this.height = Math.max(this.height, height);
            if (depth - 1L + this.height > maxDepth) {
                throw tooDeep(depth - 1L + this.height);
            }
        }
    }
}

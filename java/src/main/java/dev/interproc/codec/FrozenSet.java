package dev.interproc.codec;

import java.io.IOException;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import net.razorvine.pickle.PickleException;

/**
 * Python's frozenset as the unpickler builds it: an unmodifiable {@link Set} whose hash is computed once, as
 * CPython caches it. A {@link HashSet} recomputes its hash from all its elements at every call, so frozensets
 * nested in frozensets cost time quadratic in the depth, and exponential when each level holds two sets that
 * share the next (the pickle form of Java serialization's nested-HashSet bomb). Equal to any set with the same
 * elements, as the {@link Set} contract requires.
 *
 * <p>That contract makes the hash the sum of the elements' hashes, so a peer can send many different
 * frozensets with one hash ({1, 999}, {2, 998}, ...), and as they are not {@link Comparable}, Java's hash
 * tables compare each new one with all before it: quadratic time (20,000 took 90 s). So while a pickle is
 * decoded, the comparisons of frozensets are counted against a budget that grows with the pickle's size.
 */
final class FrozenSet extends AbstractSet<Object> {

    /** The comparisons the decoding on this thread may still make; not set outside decoding. */
    private static final ThreadLocal<long[]> COMPARISONS_LEFT = new ThreadLocal<>();

    private final Set<Object> items;
    private final int hash;

    /** How many frozensets nest in this one, itself included: what {@link PickleLimits#maxDepth} bounds. */
    final int height;

    /**
     * @param items the elements, each already known to be hashable
     * @param limits the depth limit, checked before anything is hashed
     */
    FrozenSet(Collection<?> items, PickleLimits limits) {
        int below = 0;
        for (Object item : items) {
            if (item instanceof FrozenSet inner) {
                below = Math.max(below, inner.height);
            }
        }
        this.height = below + 1;
        if (height > limits.maxDepth()) {
            throw limits.tooDeep(height);
        }
        this.items = Collections.unmodifiableSet(new HashSet<>(items));
        this.hash = this.items.hashCode();
    }

    @Override
    public Iterator<Object> iterator() {
        return items.iterator();
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public boolean contains(Object item) {
        return items.contains(item);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object other) {
        if (other == this) {
            return true;
        }
        if (other instanceof FrozenSet frozen && frozen.hash != hash) {
            return false;
        }
        long[] left = COMPARISONS_LEFT.get();
        if (left != null && --left[0] < 0) {
            throw new PickleException("a hash-collision flood: more comparisons of frozensets with equal hashes"
                    + " than 100,000 plus the pickle's length");
        }
        return super.equals(other);
    }

    /**
     * Runs {@code decoding} on this thread, with as many frozenset comparisons allowed as {@code budget}.
     *
     * @throws PickleException from a comparison over the budget
     */
    static <T> T withComparisonBudget(long budget, Decoding<T> decoding) throws IOException {
        COMPARISONS_LEFT.set(new long[] {budget});
        try {
            return decoding.run();
        } finally {
            COMPARISONS_LEFT.remove();
        }
    }

    /** A decoding, which may fail with an {@link IOException}. */
    @FunctionalInterface
    interface Decoding<T> {
        T run() throws IOException;
    }
}

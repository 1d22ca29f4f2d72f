package dev.interproc.testing;

import java.util.HashSet;
import java.util.Set;

/** Values built to make a decoder work far beyond their size, for the tests of the codecs and the listener. */
public final class HostilePayloads {

    private HostilePayloads() {}

    /**
     * The nested-{@code HashSet} bomb, of allow-listed classes only: {@code depth} levels of two sets that each
     * hold both sets of the next level. Serialized it is a few kilobytes; rebuilt, it takes some 2<sup>depth</sup>
     * {@code hashCode} calls.
     *
     * @param depth the levels of nesting
     * @return the root set
     */
    public static Set<Object> nestedHashSetBomb(int depth) {
        Set<Object> root = new HashSet<>();
        Set<Object> left = root;
        Set<Object> right = new HashSet<>();
        for (int level = 0; level < depth; level++) {
            Set<Object> nextLeft = new HashSet<>();
            Set<Object> nextRight = new HashSet<>();
            nextLeft.add("x");
            left.add(nextLeft);
            left.add(nextRight);
            right.add(nextLeft);
            right.add(nextRight);
            left = nextLeft;
            right = nextRight;
        }
        return root;
    }
}

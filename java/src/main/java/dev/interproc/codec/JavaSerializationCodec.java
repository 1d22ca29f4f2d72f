package dev.interproc.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Java serialization between JVMs, made safe enough for authenticated peers: every class in a received stream is
 * checked by an {@link ObjectInputFilter} <em>before</em> it is initialized or instantiated, and only classes on
 * the allow-list pass; the object graph's depth, reference count and size are bounded.
 *
 * <p>The limits, all settable through the {@link Builder}, bound the work a message can cause, not only its
 * size: depth {@value #DEFAULT_MAX_DEPTH} ({@link #DEFAULT_MAX_DEPTH} says why so low: it is what stops the
 * nested-{@code HashSet} bomb), {@value #DEFAULT_MAX_REFERENCES} references, 64 MiB of stream
 * ({@link #DEFAULT_MAX_BYTES}) and arrays of 16 Mi elements ({@link #DEFAULT_MAX_ARRAY_LENGTH}). A message over a
 * limit is refused with an {@link InvalidClassException} naming the limit, when the filter first sees it.
 *
 * <p>The default allow-list, {@link #DEFAULT_ALLOWED}, holds JDK value types: the boxed primitives, String,
 * BigInteger and BigDecimal, the {@code java.util} collections and {@code java.time} values, and arrays of
 * these and of primitives. Add your own classes or packages with {@link Builder#allow(String...)}, in
 * {@link ObjectInputFilter.Config#createFilter} pattern syntax ({@code com.example.Order},
 * {@code com.example.model.*}, {@code com.example.**}).
 *
 * <p>This codec {@linkplain #requiresAuthenticatedPeer() requires an authenticated connection}: deserializing
 * what an anonymous peer sent is how remote code execution happens, allow-list or not.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class JavaSerializationCodec implements Codec {

    /** The default allow-list, in {@link ObjectInputFilter.Config#createFilter} pattern syntax. */
    public static final List<String> DEFAULT_ALLOWED = List.of(
            "java.lang.Boolean",
            "java.lang.Byte",
            "java.lang.Short",
            "java.lang.Integer",
            "java.lang.Long",
            "java.lang.Float",
            "java.lang.Double",
            "java.lang.Character",
            "java.lang.String",
            "java.lang.Number",
            // Object itself cannot be deserialized; allowing it lets Object[] fields (as in List.of) through.
            "java.lang.Object",
            "java.lang.Enum",
            "java.math.BigInteger",
            "java.math.BigDecimal",
            "java.util.*",
            "java.time.*");

    /**
     * The default deepest nesting of objects, as the JDK's RMI registry filter ({@code maxdepth=20}). Depth is
     * what makes the nested-{@code HashSet} bomb exponential: a set of two sets, each holding the two sets of the
     * next level, costs about 2<sup>depth</sup> {@code hashCode} calls to rebuild, seconds at depth 25 and
     * years at depth 40, from a stream of a kilobyte of allow-listed classes. Depth 20 bounds that to some
     * 10<sup>6</sup> calls (tens of milliseconds) and still admits the usual records, maps of lists and the like.
     */
    public static final int DEFAULT_MAX_DEPTH = 20;

    /** The default most object references (new objects and back-references) in one message. */
    public static final long DEFAULT_MAX_REFERENCES = 100_000;

    /** The default longest stream, in bytes: 64 MiB. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    /** The default longest array, in elements: 16 Mi. */
    public static final long DEFAULT_MAX_ARRAY_LENGTH = 16L << 20;

    private final ObjectInputFilter classFilter;
    private final String allowList;
    private final int maxDepth;
    private final long maxReferences;
    private final long maxBytes;
    private final long maxArrayLength;

    private JavaSerializationCodec(Builder builder) {
        List<String> patterns = new ArrayList<>(builder.allowed);
        patterns.add("!*");
        this.allowList = String.join(";", patterns);
        // Every pattern allows, so "*" allows every class whatever else is listed. Its filter is made here rather
        // than by Config.createFilter, whose class initialisation looks up a System.Logger: a service lookup that
        // opens every JAR of the class path, tens of milliseconds that a starting pool worker would pay before its
        // first message instead of at its first decoding.
        this.classFilter = builder.allowed.contains("*")
                ? JavaSerializationCodec::allowEveryClass
                : ObjectInputFilter.Config.createFilter(allowList);
        this.maxDepth = builder.maxDepth;
        this.maxReferences = builder.maxReferences;
        this.maxBytes = builder.maxBytes;
        this.maxArrayLength = builder.maxArrayLength;
    }

    /** The class filter of the allow-list {@code *}, as {@link ObjectInputFilter.Config#createFilter} makes it. */
    private static ObjectInputFilter.Status allowEveryClass(ObjectInputFilter.FilterInfo info) {
        Class<?> type = info.serialClass();
        if (type == null) {
            return ObjectInputFilter.Status.UNDECIDED;
        }
        while (type.isArray()) {
            type = type.getComponentType();
        }
        return type.isPrimitive() ? ObjectInputFilter.Status.UNDECIDED : ObjectInputFilter.Status.ALLOWED;
    }

    /** {@return a codec with the default allow-list and limits} */
    public static JavaSerializationCodec standard() {
        return builder().build();
    }

    /**
     * Starts configuring a codec.
     *
     * @return a builder with the default allow-list and limits: depth {@value #DEFAULT_MAX_DEPTH}, 100,000
     *     references, 64 MiB, arrays of 16 Mi elements
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Always true: never decode Java serialization from a peer that did not prove the key. */
    @Override
    public boolean requiresAuthenticatedPeer() {
        return true;
    }

    /** @throws NotSerializableException if part of {@code value} is not serializable */
    @Override
    public byte[] encode(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    /**
     * @throws InvalidClassException naming the class when the stream holds a class that is not allowed, or naming
     *     the limit (and the builder method that sets it) when the stream exceeds one; nothing of that class, or
     *     beyond that limit, was initialized or created
     */
    @Override
    public Object decode(byte[] payload) throws IOException {
        String[] refusal = new String[1];
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(payload))) {
            in.setObjectInputFilter(info -> {
                refusal[0] = exceededLimit(info);
                if (refusal[0] != null) {
                    return ObjectInputFilter.Status.REJECTED;
                }
                ObjectInputFilter.Status status = classFilter.checkInput(info);
                if (status == ObjectInputFilter.Status.REJECTED) {
                    refusal[0] = "class " + info.serialClass().getName() + ", which is not on the allow-list "
                            + allowList + "; if the class is trusted, add it with"
                            + " JavaSerializationCodec.builder().allow(...)";
                }
                return status;
            });
            try {
                return in.readObject();
            } catch (InvalidClassException e) {
                InvalidClassException refused = new InvalidClassException(
                        e.classname, "refused " + (refusal[0] == null ? "by the filter" : refusal[0]));
                refused.initCause(e);
                throw refused;
            } catch (ClassNotFoundException e) {
                throw new IOException(
                        "the peer sent an object of class " + e.getMessage() + ", which is not on this"
                                + " JVM's class path",
                        e);
            }
        }
    }

    /** {@return which limit {@code info} exceeds, with the builder method that raises it; null if none} */
    private String exceededLimit(ObjectInputFilter.FilterInfo info) {
        if (info.depth() > maxDepth) {
            return exceeded("depth", info.depth(), maxDepth, "maxDepth");
        }
        if (info.references() > maxReferences) {
            return exceeded("references", info.references(), maxReferences, "maxReferences");
        }
        if (info.streamBytes() > maxBytes) {
            return exceeded("stream bytes", info.streamBytes(), maxBytes, "maxBytes");
        }
        if (info.arrayLength() > maxArrayLength) {
            return exceeded("array length", info.arrayLength(), maxArrayLength, "maxArrayLength");
        }
        return null;
    }

    private static String exceeded(String what, long value, long limit, String setter) {
        return "a stream over the limit: " + what + " " + value + " exceeds the maximum " + limit
                + " (JavaSerializationCodec.builder()." + setter + "(...) sets it)";
    }

    /** Configures a {@link JavaSerializationCodec}. Not thread-safe. */
    public static final class Builder {

        private final List<String> allowed = new ArrayList<>(DEFAULT_ALLOWED);
        private int maxDepth = DEFAULT_MAX_DEPTH;
        private long maxReferences = DEFAULT_MAX_REFERENCES;
        private long maxBytes = DEFAULT_MAX_BYTES;
        private long maxArrayLength = DEFAULT_MAX_ARRAY_LENGTH;

        private Builder() {}

        /**
         * Adds allowed classes or packages.
         *
         * @param patterns {@code com.example.Type}, {@code com.example.*} (the package) or {@code com.example.**}
         *     (the package and its subpackages)
         * @return this builder
         * @throws IllegalArgumentException if a pattern is blank or is a filter of another kind (a rejection, a limit)
         */
        public Builder allow(String... patterns) {
            for (String pattern : patterns) {
                Objects.requireNonNull(pattern, "pattern");
                if (pattern.isBlank() || pattern.contains(";") || pattern.startsWith("!") || pattern.contains("=")) {
                    throw new IllegalArgumentException("allow() takes class or package patterns such as com.example.*,"
                            + " not '" + pattern + "'");
                }
                allowed.add(pattern);
            }
            return this;
        }

        /**
         * Sets the deepest nesting of objects accepted; {@value #DEFAULT_MAX_DEPTH} unless set. Every level of
         * nested hashed collections can double the work of rebuilding them: raise with care.
         *
         * @param depth the maximum depth, positive
         * @return this builder
         * @throws IllegalArgumentException if {@code depth} is not positive
         */
        public Builder maxDepth(int depth) {
            this.maxDepth = positive(depth, "depth");
            return this;
        }

        /**
         * Sets the most object references in one message; {@value #DEFAULT_MAX_REFERENCES} unless set.
         *
         * @param references the maximum, positive
         * @return this builder
         * @throws IllegalArgumentException if {@code references} is not positive
         */
        public Builder maxReferences(long references) {
            this.maxReferences = positive(references, "references");
            return this;
        }

        /**
         * Sets the longest serialized stream accepted; {@link #DEFAULT_MAX_BYTES} unless set.
         *
         * @param bytes the maximum, positive
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is not positive
         */
        public Builder maxBytes(long bytes) {
            this.maxBytes = positive(bytes, "bytes");
            return this;
        }

        /**
         * Sets the longest array accepted; {@link #DEFAULT_MAX_ARRAY_LENGTH} unless set.
         *
         * @param length the maximum number of elements, positive
         * @return this builder
         * @throws IllegalArgumentException if {@code length} is not positive
         */
        public Builder maxArrayLength(long length) {
            this.maxArrayLength = positive(length, "array length");
            return this;
        }

        /** {@return the codec, immutable and thread-safe} */
        public JavaSerializationCodec build() {
            return new JavaSerializationCodec(this);
        }

        private static <T extends Number> T positive(T value, String what) {
            if (value.longValue() <= 0) {
                throw new IllegalArgumentException("maximum " + what + " must be positive, not " + value);
            }
            return value;
        }
    }
}

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

    private final ObjectInputFilter filter;
    private final String filterText;

    private JavaSerializationCodec(Builder builder) {
        List<String> patterns = new ArrayList<>();
        patterns.add("maxdepth=" + builder.maxDepth);
        patterns.add("maxrefs=" + builder.maxReferences);
        patterns.add("maxbytes=" + builder.maxBytes);
        patterns.add("maxarray=" + builder.maxArrayLength);
        patterns.addAll(builder.allowed);
        patterns.add("!*");
        this.filterText = String.join(";", patterns);
        this.filter = ObjectInputFilter.Config.createFilter(filterText);
    }

    /** {@return a codec with the default allow-list and limits} */
    public static JavaSerializationCodec standard() {
        return builder().build();
    }

    /**
     * Starts configuring a codec.
     *
     * @return a builder with the default allow-list, depth 100, 100,000 references, 64 MiB, arrays of 16 Mi
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
     * @throws InvalidClassException naming the class (and the filter) when the stream holds a class that is not
     *         allowed or exceeds a limit; nothing of that class was initialized or created
     */
    @Override
    public Object decode(byte[] payload) throws IOException {
        String[] refusal = new String[1];
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(payload))) {
            in.setObjectInputFilter(info -> {
                ObjectInputFilter.Status status = filter.checkInput(info);
                if (status == ObjectInputFilter.Status.REJECTED) {
                    refusal[0] = describe(info);
                }
                return status;
            });
            try {
                return in.readObject();
            } catch (InvalidClassException e) {
                InvalidClassException refused = new InvalidClassException(
                        e.classname,
                        "refused "
                                + (refusal[0] == null ? "by the filter" : refusal[0])
                                + "; the allow-list and limits are "
                                + filterText
                                + "; if the class is trusted, add it with JavaSerializationCodec.builder().allow(...)");
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

    private static String describe(ObjectInputFilter.FilterInfo info) {
        if (info.serialClass() != null) {
            return "class " + info.serialClass().getName()
                    + (info.arrayLength() >= 0 ? " (array of " + info.arrayLength() + ")" : "");
        }
        return "a stream at depth " + info.depth() + " with " + info.references() + " references and "
                + info.streamBytes() + " bytes";
    }

    /** Configures a {@link JavaSerializationCodec}. Not thread-safe. */
    public static final class Builder {

        private final List<String> allowed = new ArrayList<>(DEFAULT_ALLOWED);
        private int maxDepth = 100;
        private long maxReferences = 100_000;
        private long maxBytes = 64L << 20;
        private long maxArrayLength = 16L << 20;

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
         * Sets the deepest nesting of objects accepted.
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
         * Sets the most object references in one message.
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
         * Sets the longest serialized stream accepted.
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
         * Sets the longest array accepted.
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

package dev.interproc.pool;

import dev.interproc.codec.Codec;
import dev.interproc.codec.JavaSerializationCodec;
import dev.interproc.connection.Connection;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The messages between a parent and its worker JVMs, and their encoding: Java serialization, every class allowed.
 * Allowing every class is safe here, unlike on a connection from a peer: the pipes are private to a parent and
 * the child it started with its own class path, so a message can only hold what the parent's own code put in it.
 * For the same reason the limits are those of Java itself, not the codec's defaults against hostile peers: a
 * {@code map} chunk of a million boxed numbers is a million references, an exception's chain of causes is deep.
 */
final class Wire {

    /** Every class; the limits are what a Java array and the thread stack allow. */
    static final JavaSerializationCodec CODEC = JavaSerializationCodec.builder()
            .allow("*")
            .maxDepth(Integer.MAX_VALUE)
            .maxReferences(Long.MAX_VALUE)
            .maxBytes(Codec.MAX_PAYLOAD_LENGTH)
            .maxArrayLength(Codec.MAX_PAYLOAD_LENGTH)
            .build();

    /**
     * Lifts a connection's limit on a received message to the longest a Java array can hold, as for the codec.
     *
     * @param connection a connection between a parent and its worker
     * @return the connection
     */
    static Connection unlimited(Connection connection) {
        connection.setMaxMessageLength(Connection.MAX_ARRAY_LENGTH);
        return connection;
    }

    private Wire() {}

    /**
     * What a worker sends as it starts a job, before its outcome: an empty message (an outcome has at least 9
     * bytes). A worker that dies before it has sent this for a job never ran any of it.
     */
    static final byte[] STARTED = new byte[0];

    /**
     * The worker's first message: who it is and what code it runs.
     *
     * @param pid the worker's pid
     * @param classPathHash {@link ClassPathHash#current()} in the worker
     */
    record Hello(long pid, String classPathHash) implements Serializable {}

    /**
     * A task for a worker: a function and, for a {@code map} chunk, its items. Encoded by hand ({@link #encode()}),
     * not by Java serialization, which would cost a stream header and class descriptors per message.
     *
     * @param id the task's number, echoed in its {@link Outcome}
     * @param last whether the worker exits after this task (with 0, or 1 if the task failed), as a
     *     {@link ChildTask}'s does
     * @param functionKey 0, or a key under which the worker may keep the decoded function and reuse it for later
     *     jobs with the same key instead of decoding it again: {@link #statelessKey} for a function that holds no
     *     state, or one key per {@code map} call (so a {@code map}'s function is decoded once per worker)
     * @param function the {@link SerializableCallable}, or for a chunk the {@link SerializableFunction}, encoded on
     *     its own so that a worker that cannot decode it still knows which task failed
     * @param items a chunk's items ({@link Values}), or null for a callable
     */
    record Job(long id, boolean last, long functionKey, byte[] function, byte[] items) {

        /** {@return the job's message} */
        byte[] encode() {
            int itemsLength = items == null ? -1 : items.length;
            ByteBuffer buffer = ByteBuffer.allocate(25 + function.length + Math.max(0, itemsLength));
            buffer.putLong(id).put((byte) (last ? 1 : 0)).putLong(functionKey);
            buffer.putInt(function.length).put(function).putInt(itemsLength);
            if (items != null) {
                buffer.put(items);
            }
            return buffer.array();
        }

        /**
         * Reads a job's message.
         *
         * @param message what {@link #encode()} made
         * @return the job
         * @throws IOException if the message is damaged
         */
        static Job decode(byte[] message) throws IOException {
            try {
                ByteBuffer buffer = ByteBuffer.wrap(message);
                long id = buffer.getLong();
                boolean last = buffer.get() != 0;
                long key = buffer.getLong();
                byte[] function = new byte[buffer.getInt()];
                buffer.get(function);
                int itemsLength = buffer.getInt();
                byte[] items = itemsLength < 0 ? null : new byte[itemsLength];
                if (items != null) {
                    buffer.get(items);
                }
                return new Job(id, last, key, function, items);
            } catch (RuntimeException damaged) {
                throw new StreamCorruptedException("a damaged job message of " + message.length + " bytes: " + damaged);
            }
        }
    }

    /**
     * What a task came to. Encoded by hand ({@link #encode()}): the value as {@link Values}, a failure by Java
     * serialization.
     *
     * @param id the task's number
     * @param value the task's result, when it succeeded
     * @param failure what it threw, or a {@link RemoteTaskException} in its place; null when it succeeded
     */
    record Outcome(long id, Object value, Throwable failure) {

        /**
         * {@return the outcome's message}
         *
         * @throws IOException if the value or failure cannot be serialized
         */
        byte[] encode() throws IOException {
            byte[] payload = failure == null ? Values.encode(value) : CODEC.encode(failure);
            return ByteBuffer.allocate(9 + payload.length)
                    .putLong(id)
                    .put((byte) (failure == null ? 0 : 1))
                    .put(payload)
                    .array();
        }

        /**
         * Reads an outcome's message.
         *
         * @param message what {@link #encode()} made
         * @return the outcome
         * @throws IOException if the message is damaged or holds a class this JVM lacks
         */
        static Outcome decode(byte[] message) throws IOException {
            if (message.length < 9) {
                throw new StreamCorruptedException("an outcome message of " + message.length + " bytes");
            }
            long id = ByteBuffer.wrap(message).getLong();
            byte[] payload = Arrays.copyOfRange(message, 9, message.length);
            return message[8] == 0
                    ? new Outcome(id, Values.decode(payload), null)
                    : new Outcome(id, null, (Throwable) CODEC.decode(payload));
        }
    }

    private static final AtomicLong KEYS = new AtomicLong();

    /**
     * For a class that holds no state, where the encoding of its instances (all alike) is kept once made; empty for
     * other classes. A {@link ClassValue}, so that a class can still be unloaded.
     */
    private static final ClassValue<Optional<AtomicReference<Encoded>>> STATELESS = new ClassValue<>() {
        @Override
        protected Optional<AtomicReference<Encoded>> computeValue(Class<?> type) {
            return holdsNoState(type) ? Optional.of(new AtomicReference<>()) : Optional.empty();
        }
    };

    /**
     * A task or function encoded, and the key under which a worker may keep it decoded (0: it may not).
     *
     * @param key the {@link Job#functionKey()}
     * @param bytes the encoding
     */
    record Encoded(long key, byte[] bytes) {}

    /** {@return a new key, unique in this JVM, for a {@link Job#functionKey()}} */
    static long newKey() {
        return KEYS.incrementAndGet();
    }

    /**
     * Encodes a task or function; one of a class that holds no state (a lambda or method reference that captures
     * nothing, a class without instance fields) is encoded once per class, and may be kept decoded by a worker.
     *
     * @param task the task
     * @return its encoding and key
     * @throws IllegalArgumentException if the task cannot be serialized, naming the captured value or field that is
     *     not serializable
     */
    static Encoded encodeFunction(Object task) {
        Optional<AtomicReference<Encoded>> stateless = STATELESS.get(task.getClass());
        if (stateless.isEmpty()) {
            return new Encoded(0, encodeTask(task));
        }
        Encoded known = stateless.get().get();
        if (known == null) {
            known = new Encoded(newKey(), encodeTask(task));
            stateless.get().compareAndSet(null, known);
        }
        return known;
    }

    /**
     * Whether every instance of a class encodes alike, so that a worker may keep one decoded: a lambda or method
     * reference that captures nothing (a hidden class without instance fields), or a class without instance fields
     * in its hierarchy that does not write itself ({@code writeObject}, {@code writeReplace}).
     */
    private static boolean holdsNoState(Class<?> type) {
        if (!Serializable.class.isAssignableFrom(type)) {
            return false;
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers())) {
                    return false;
                }
            }
            if (!type.isHidden() && (declares(c, "writeObject") || declares(c, "writeReplace"))) {
                return false;
            }
        }
        return true;
    }

    private static boolean declares(Class<?> type, String method) {
        return Arrays.stream(type.getDeclaredMethods())
                .anyMatch(m -> m.getName().equals(method));
    }

    /**
     * Encodes a task, or explains why it cannot be sent.
     *
     * @param task the task
     * @return its encoding
     * @throws IllegalArgumentException if the task cannot be serialized, naming the captured value or field that is
     *     not serializable
     */
    static byte[] encodeTask(Object task) {
        try {
            return CODEC.encode(task);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException(
                    "the task " + task + " cannot be sent to a worker JVM: " + culprit(task) + " is not serializable ("
                            + e.getMessage() + ")",
                    e);
        } catch (IOException e) {
            throw new IllegalArgumentException("the task " + task + " cannot be sent to a worker JVM: " + e, e);
        }
    }

    /** {@return which captured value or field of {@code task} cannot be serialized, in words} */
    static String culprit(Object task) {
        if (!(task instanceof Serializable)) {
            return "the task itself, of " + task.getClass() + " (a lambda must target a Serializable* interface)";
        }
        SerializedLambda lambda = serializedLambda(task);
        if (lambda != null) {
            for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
                Object captured = lambda.getCapturedArg(i);
                if (!serializes(captured)) {
                    return "captured value #" + i + " of the lambda "
                            + lambda.getImplClass().replace('/', '.') + "." + lambda.getImplMethodName() + ", "
                            + describe(captured);
                }
            }
            return "a value the lambda captured";
        }
        for (Class<?> type = task.getClass(); type != null; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers) || !field.trySetAccessible()) {
                    continue;
                }
                try {
                    Object value = field.get(task);
                    if (!serializes(value)) {
                        return "field " + type.getName() + "." + field.getName() + ", " + describe(value);
                    }
                } catch (IllegalAccessException e) {
                    throw new AssertionError("accessible after trySetAccessible", e);
                }
            }
        }
        return "a value the task holds";
    }

    private static SerializedLambda serializedLambda(Object task) {
        try {
            Method writeReplace = task.getClass().getDeclaredMethod("writeReplace");
            if (!writeReplace.trySetAccessible()) {
                return null;
            }
            return writeReplace.invoke(task) instanceof SerializedLambda lambda ? lambda : null;
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static boolean serializes(Object value) {
        try {
            CODEC.encode(value);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String describe(Object value) {
        String text = String.valueOf(value);
        return "of " + value.getClass() + " (" + (text.length() > 80 ? text.substring(0, 80) + "..." : text) + ")";
    }

    /**
     * The failure to send, in place of {@code failure} when it cannot be serialized: a {@link RemoteTaskException}
     * with its class, message and stack trace.
     *
     * @param failure what the task threw
     * @param where the worker, for the message
     * @return {@code failure} if it serializes, else its stand-in
     */
    static Throwable sendable(Throwable failure, String where) {
        if (serializes(failure)) {
            return failure;
        }
        return new RemoteTaskException(
                failure + " (not serializable, so only its text is carried) in " + where,
                Arrays.copyOf(failure.getStackTrace(), failure.getStackTrace().length));
    }
}

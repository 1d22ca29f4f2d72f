package dev.interproc.pool;

import dev.interproc.codec.Codec;
import dev.interproc.codec.JavaSerializationCodec;
import dev.interproc.connection.Connection;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;

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
     * The worker's first message: who it is and what code it runs.
     *
     * @param pid the worker's pid
     * @param classPathHash {@link ClassPathHash#current()} in the worker
     */
    record Hello(long pid, String classPathHash) implements Serializable {}

    /**
     * A task for a worker.
     *
     * @param id the task's number, echoed in its {@link Outcome}
     * @param task the {@link SerializableCallable}, encoded on its own so that a worker that cannot decode it
     *     still knows which task failed
     * @param last whether the worker exits after this task (with 0, or 1 if the task failed), as a
     *     {@link ChildTask}'s does
     */
    record Job(long id, byte[] task, boolean last) implements Serializable {}

    /**
     * What a task came to.
     *
     * @param id the task's number
     * @param value the task's result, when it succeeded
     * @param failure what it threw, or a {@link RemoteTaskException} in its place; null when it succeeded
     */
    record Outcome(long id, Object value, Throwable failure) implements Serializable {}

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

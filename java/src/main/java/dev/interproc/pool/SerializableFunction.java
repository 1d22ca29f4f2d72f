package dev.interproc.pool;

import java.io.Serializable;
import java.util.function.Function;

/**
 * A {@link Function} that can be sent to another JVM, for a pool's {@code map} and its kin: a serializable lambda,
 * method reference or class whose captured values are serializable too.
 *
 * @param <T> the argument type
 * @param <R> the result type, which must be serializable as well
 */
@FunctionalInterface
public interface SerializableFunction<T, R> extends Function<T, R>, Serializable {}

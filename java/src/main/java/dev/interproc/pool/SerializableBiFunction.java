package dev.interproc.pool;

import java.io.Serializable;
import java.util.function.BiFunction;

/**
 * A {@link BiFunction} that can be sent to another JVM, for a pool's {@code starmap}: a serializable lambda, method
 * reference or class whose captured values are serializable too.
 *
 * @param <A> the first argument's type
 * @param <B> the second argument's type
 * @param <R> the result type, which must be serializable as well
 */
@FunctionalInterface
public interface SerializableBiFunction<A, B, R> extends BiFunction<A, B, R>, Serializable {}

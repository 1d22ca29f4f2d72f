package dev.interproc.pool;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A {@link Callable} that can be sent to another JVM: a serializable lambda, method reference or class whose
 * captured values are serializable too. A lambda becomes one when its target type is this interface.
 *
 * @param <T> the result type, which must be serializable as well
 */
@FunctionalInterface
public interface SerializableCallable<T> extends Callable<T>, Serializable {}

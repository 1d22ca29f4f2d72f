package dev.interproc.pool;

import java.io.Serializable;

/** A {@link Runnable} that can be sent to another JVM, as {@link SerializableCallable} with no result. */
@FunctionalInterface
public interface SerializableRunnable extends Runnable, Serializable {}

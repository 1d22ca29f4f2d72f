/**
 * Child JVM processes: {@link dev.interproc.process.JavaProcess} starts a class's {@code main} in a new
 * JVM with this JVM's class path, collects its output and can kill it with SIGKILL.
 */
package dev.interproc.process;

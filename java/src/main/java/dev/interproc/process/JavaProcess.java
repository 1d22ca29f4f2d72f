package dev.interproc.process;

import dev.interproc.internal.wait.Uninterruptibly;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A child JVM running the {@code main} method of a class, started with this JVM's own {@code java}
 * binary, class path and module path, and native access enabled.
 *
 * <p>Its standard output and standard error are read as they come, line by line, by two daemon
 * threads: {@link #awaitLine} waits for a line (the handshake a test or a coordinator uses instead of
 * sleeping), {@link #output()} and {@link #errorOutput()} return everything read so far. Standard input
 * stays open for {@link #sendLine}. Standard input and output can be redirected instead
 * ({@link Builder#redirectInput}, {@link Builder#redirectOutput}, as {@code Pipe.startChild} does to carry a
 * connection over them); standard error is always read.
 *
 * <p>{@link #kill()} sends SIGKILL, the way a crashing or OOM-killed process ends: no shutdown hook,
 * no finally block runs in the child. {@link #close()} kills the child if it is still alive, so a
 * try-with-resources block never leaks a process.
 *
 * <p>Instances are safe for use by several threads.
 */
public final class JavaProcess implements AutoCloseable {

    /** How long {@link #waitFor} waits at least for the output of a child that has exited to reach its end. */
    private static final long STREAM_END_GRACE_MILLIS = 1000;

    private final Process process;
    private final String description;
    private final ProcessOutput streams;
    private final boolean inputRedirected;

    private JavaProcess(Process process, String description, boolean inputRedirected, boolean outputRedirected) {
        this.process = process;
        this.description = description;
        this.inputRedirected = inputRedirected;
        this.streams = new ProcessOutput(process, description, outputRedirected);
    }

    /**
     * Starts building a child JVM that runs {@code mainClass.main(args)}.
     *
     * @param mainClass the class whose {@code main} the child runs; it must be on this JVM's class path or module path
     * @return a new builder with no options or arguments
     */
    public static Builder builder(Class<?> mainClass) {
        return new Builder(mainClass.getName());
    }

    /**
     * Starts building a child JVM that runs the {@code main} method of the named class.
     *
     * @param mainClassName the binary name of the class whose {@code main} the child runs
     * @return a new builder with no options or arguments
     * @throws NullPointerException if {@code mainClassName} is null
     */
    public static Builder builder(String mainClassName) {
        return new Builder(Objects.requireNonNull(mainClassName, "mainClassName"));
    }

    /**
     * The operating-system process id of the child.
     *
     * @return the pid
     */
    public long pid() {
        return process.pid();
    }

    /**
     * Whether the child is still running.
     *
     * @return {@code true} if the child has not exited yet
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * The underlying {@link Process}.
     *
     * @return the process, for what this class does not offer
     */
    public Process process() {
        return process;
    }

    /** Kills the child with SIGKILL and returns at once (use {@link #waitFor} to reap it). */
    public void kill() {
        process.destroyForcibly();
    }

    /**
     * Waits for the child to exit and for its standard output and error to be read to the end, so that
     * {@link #output()} and {@link #errorOutput()} then hold everything it wrote, and returns its exit code
     * (128 + signal number when a signal killed it).
     *
     * @param timeout how long the whole wait may take: the child's exit and the reading of its last output,
     *     which gets at least {@value #STREAM_END_GRACE_MILLIS} ms after the exit however little of the timeout
     *     is left
     * @return the exit code
     * @throws TimeoutException if the child is still running after the timeout (it is left running), or it
     *     exited but a stream did not reach end of file within the timeout (a process it started may hold the
     *     stream open)
     * @throws InterruptedException if this thread is interrupted while waiting
     */
    public int waitFor(Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new TimeoutException(description + " (pid " + pid() + ") still runs after " + timeout
                    + "; its output so far:\n" + transcript());
        }
        streams.awaitEnd(deadline, STREAM_END_GRACE_MILLIS, timeout);
        return process.exitValue();
    }

    /**
     * A future that completes with the child's exit code once it has exited and its standard output and error
     * have been read to the end, as after {@link #waitFor}, so that {@link #output()} then holds everything it
     * wrote: for reacting to a child's end without a thread that waits, e.g.
     * {@code child.onExit().thenAccept(code -> ...)}. It never completes exceptionally; if a process the child
     * started holds one of its streams open, it completes when that stream closes. Actions chained without an
     * executor may run on the thread that completes it, which must not be blocked for long.
     *
     * @return a new future of the exit code
     */
    public CompletableFuture<Integer> onExit() {
        return process.onExit().thenCombine(streams.end(), (exited, read) -> exited.exitValue());
    }

    /**
     * Waits until the child writes a line to standard output that matches, and returns it. Lines read
     * by an earlier call are searched too: no line is missed because it came before the call.
     *
     * @param matcher tested on each line, from the first the child wrote, in order
     * @param timeout the longest time to wait
     * @return the first line that matches
     * @throws TimeoutException if no such line came within the timeout, or the child exited without one
     * @throws InterruptedException if this thread is interrupted while waiting
     * @throws IllegalStateException if standard output is {@linkplain Builder#redirectOutput redirected}
     */
    public String awaitLine(Predicate<String> matcher, Duration timeout) throws InterruptedException, TimeoutException {
        return streams.awaitLine(matcher, timeout);
    }

    /**
     * As {@link #awaitLine(Predicate, Duration)}, on standard error.
     *
     * @param matcher tested on each line, from the first the child wrote, in order
     * @param timeout the longest time to wait
     * @return the first line that matches
     * @throws TimeoutException if no such line came within the timeout, or the child's standard error ended without one
     * @throws InterruptedException if this thread is interrupted while waiting
     */
    public String awaitErrorLine(Predicate<String> matcher, Duration timeout)
            throws InterruptedException, TimeoutException {
        return streams.awaitErrorLine(matcher, timeout);
    }

    /**
     * Writes one line to the child's standard input and flushes it.
     *
     * @param line the line, without its line separator; written as UTF-8
     * @throws IllegalStateException if standard input is {@linkplain Builder#redirectInput redirected}
     * @throws java.io.UncheckedIOException if the write fails, for example because the child has exited
     */
    public void sendLine(String line) {
        if (inputRedirected) {
            throw new IllegalStateException("the standard input of " + description + " is redirected");
        }
        try {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the standard input of " + description, e);
        }
    }

    /**
     * Everything the child wrote to standard output so far, one string per line; empty when it is redirected.
     *
     * @return an immutable copy of the lines read so far
     */
    public List<String> output() {
        return streams.output();
    }

    /**
     * Everything the child wrote to standard error so far, one string per line.
     *
     * @return an immutable copy of the lines read so far
     */
    public List<String> errorOutput() {
        return streams.errorOutput();
    }

    /**
     * Standard output and standard error so far, labelled, for failure messages.
     *
     * @return every line read so far, each prefixed with {@code [out]} or {@code [err]}
     */
    public String transcript() {
        return streams.transcript();
    }

    /** Kills the child if it is still alive and waits for it to end. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        Uninterruptibly.await(process::waitFor);
    }

    @Override
    public String toString() {
        return description + " (pid " + pid() + ")";
    }

    /** Configures and starts a {@link JavaProcess}. Not thread-safe. */
    public static final class Builder {

        private final String mainClassName;
        private final List<String> jvmOptions = new ArrayList<>();
        private final List<String> arguments = new ArrayList<>();
        private final List<Path> classPathPrefix = new ArrayList<>();
        private final List<String> launcher = new ArrayList<>();
        private Path workingDirectory;
        private ProcessBuilder.Redirect input = ProcessBuilder.Redirect.PIPE;
        private ProcessBuilder.Redirect output = ProcessBuilder.Redirect.PIPE;
        private boolean rawStreams;

        private Builder(String mainClassName) {
            this.mainClassName = mainClassName;
        }

        /**
         * Adds options for the child JVM, such as {@code -Xmx256m} or {@code -Dkey=value}.
         *
         * @param options the options, in order, before the main class
         * @return this builder
         */
        public Builder jvmOptions(String... options) {
            jvmOptions.addAll(List.of(options));
            return this;
        }

        /**
         * Adds a system property of the child JVM.
         *
         * @param key the property name
         * @param value its value
         * @return this builder
         */
        public Builder systemProperty(String key, String value) {
            jvmOptions.add("-D" + key + "=" + value);
            return this;
        }

        /**
         * Adds arguments passed to the child's {@code main}.
         *
         * @param values the arguments, in order
         * @return this builder
         */
        public Builder args(String... values) {
            arguments.addAll(List.of(values));
            return this;
        }

        /**
         * Puts these directories or JARs on the child's class path before this JVM's own class path, so
         * that their classes win: for example another release of a class, compiled elsewhere.
         *
         * @param entries the directories or JARs, in order
         * @return this builder
         * @throws NullPointerException if an entry is null
         */
        public Builder classPathPrefix(Path... entries) {
            for (Path entry : entries) {
                classPathPrefix.add(Objects.requireNonNull(entry, "class path entry"));
            }
            return this;
        }

        /**
         * Runs the child in this directory instead of the current one.
         *
         * @param directory the working directory; {@code null} for this JVM's
         * @return this builder
         */
        public Builder workingDirectory(Path directory) {
            this.workingDirectory = directory;
            return this;
        }

        /**
         * Where the child's standard input comes from instead of a pipe for {@link JavaProcess#sendLine}, which
         * then throws. See {@link ProcessBuilder#redirectInput(ProcessBuilder.Redirect)}.
         *
         * @param source where standard input comes from
         * @return this builder
         */
        public Builder redirectInput(ProcessBuilder.Redirect source) {
            this.input = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Where the child's standard output goes instead of being read as lines: {@link JavaProcess#awaitLine}
         * then throws and {@link JavaProcess#output()} is empty. See
         * {@link ProcessBuilder#redirectOutput(ProcessBuilder.Redirect)}.
         *
         * @param destination where standard output goes
         * @return this builder
         */
        public Builder redirectOutput(ProcessBuilder.Redirect destination) {
            this.output = Objects.requireNonNull(destination, "destination");
            return this;
        }

        /**
         * Leaves the child's standard input and output pipes to the caller as bytes, {@link Process#getOutputStream()}
         * and {@link Process#getInputStream()} of {@link JavaProcess#process()}, instead of lines: standard output
         * is not read ({@link JavaProcess#awaitLine} throws, {@link JavaProcess#output()} is empty) and
         * {@link JavaProcess#sendLine} throws, as when they are redirected; standard error is read as lines still.
         * For a connection over them ({@code Pipe.startChildBlocking}).
         *
         * @return this builder
         */
        public Builder rawStandardStreams() {
            this.rawStreams = true;
            return this;
        }

        /**
         * Starts the child's JVM through a launcher that executes the rest of its command line in its own process,
         * as {@code nice -n 10}, {@code taskset -c 1} or {@code /bin/sh -c 'SCRIPT "$@"' sh} do, so that the
         * child's pid stays the JVM's (a launcher that forks the JVM instead leaves {@link JavaProcess#pid()}
         * naming the launcher). Replaces the launcher set before.
         *
         * @param command the launcher and its arguments; none for no launcher (the default)
         * @return this builder
         * @throws NullPointerException if an element is null
         */
        public Builder launcher(String... command) {
            List<String> given = List.of(command);
            launcher.clear();
            launcher.addAll(given);
            return this;
        }

        /**
         * Puts {@code command} before the launcher set, if any: it runs first and must execute the rest of its command
         * line (the launcher set, then the JVM) in its own process, as {@link #launcher} says.
         *
         * @param command the outer launcher and its arguments
         * @return this builder
         * @throws NullPointerException if an element is null
         */
        public Builder launcherFirst(String... command) {
            launcher.addAll(0, List.of(command));
            return this;
        }

        /**
         * A builder with the same settings, independent of this one: for a caller that adds to it without changing
         * what this one starts.
         *
         * @return the copy
         */
        public Builder copy() {
            Builder copy = new Builder(mainClassName);
            copy.jvmOptions.addAll(jvmOptions);
            copy.arguments.addAll(arguments);
            copy.classPathPrefix.addAll(classPathPrefix);
            copy.launcher.addAll(launcher);
            copy.workingDirectory = workingDirectory;
            copy.input = input;
            copy.output = output;
            copy.rawStreams = rawStreams;
            return copy;
        }

        /**
         * The full command line the child is started with.
         *
         * @return a new list: the {@linkplain #launcher launcher} if any, then the {@code java} binary, its options,
         *     the class path, the main class and the arguments
         */
        public List<String> command() {
            List<String> command = new ArrayList<>(launcher);
            command.addAll(JavaCommandLine.of(mainClassName, jvmOptions, classPathPrefix, arguments));
            return command;
        }

        /**
         * Starts the child.
         *
         * @return the running child
         * @throws java.io.UncheckedIOException if the process cannot be started
         */
        public JavaProcess start() {
            ProcessBuilder builder =
                    new ProcessBuilder(command()).redirectInput(input).redirectOutput(output);
            if (workingDirectory != null) {
                builder.directory(workingDirectory.toFile());
            }
            String simpleName = mainClassName.substring(mainClassName.lastIndexOf('.') + 1);
            try {
                return new JavaProcess(
                        builder.start(),
                        "child JVM " + simpleName,
                        rawStreams || input.type() != ProcessBuilder.Redirect.Type.PIPE,
                        rawStreams || output.type() != ProcessBuilder.Redirect.Type.PIPE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start a child JVM: " + String.join(" ", command()), e);
            }
        }
    }
}

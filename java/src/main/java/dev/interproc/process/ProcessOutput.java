package dev.interproc.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * What a {@link JavaProcess} writes: its standard output (unless redirected) and its standard error, each read
 * line by line by a daemon thread as it comes, kept for the life of the child, and waited for. Failures name the
 * child and show its transcript. Safe for use by several threads.
 */
final class ProcessOutput {

    private final Process process;
    private final String description;
    /** Reads standard output, or null when it is redirected. */
    private final LineCollector out;

    private final LineCollector err;

    /**
     * Starts reading the child's streams.
     *
     * @param process the child
     * @param description how messages and thread names call the child, such as "child JVM Worker"
     * @param outputRedirected whether standard output goes elsewhere, so that only standard error is read
     */
    ProcessOutput(Process process, String description, boolean outputRedirected) {
        this.process = process;
        this.description = description;
        this.out = outputRedirected ? null : new LineCollector(process.getInputStream(), description, "stdout");
        this.err = new LineCollector(process.getErrorStream(), description, "stderr");
    }

    /**
     * Waits for a line on standard output that matches; see {@link JavaProcess#awaitLine}.
     *
     * @param matcher tested on each line, from the first the child wrote, in order
     * @param timeout the longest time to wait
     * @return the first line that matches
     * @throws TimeoutException if no such line came within the timeout, or the child exited without one
     * @throws InterruptedException if this thread is interrupted while waiting
     * @throws IllegalStateException if standard output is redirected
     */
    String awaitLine(Predicate<String> matcher, Duration timeout) throws InterruptedException, TimeoutException {
        if (out == null) {
            throw new IllegalStateException("the standard output of " + description + " is redirected, not read as"
                    + " lines; wait for a line on standard error with awaitErrorLine");
        }
        String line = out.await(matcher, timeout);
        if (line == null) {
            throw new TimeoutException(child() + " wrote no matching line within " + timeout
                    + (process.isAlive() ? "" : " and exited with " + process.exitValue())
                    + "; its output:\n" + transcript());
        }
        return line;
    }

    /**
     * Waits for a line on standard error that matches; see {@link JavaProcess#awaitErrorLine}.
     *
     * @param matcher tested on each line, from the first the child wrote, in order
     * @param timeout the longest time to wait
     * @return the first line that matches
     * @throws TimeoutException if no such line came within the timeout, or the child's standard error ended without one
     * @throws InterruptedException if this thread is interrupted while waiting
     */
    String awaitErrorLine(Predicate<String> matcher, Duration timeout) throws InterruptedException, TimeoutException {
        String line = err.await(matcher, timeout);
        if (line == null) {
            throw new TimeoutException(
                    child() + " wrote no matching line to stderr within " + timeout + "; its output:\n" + transcript());
        }
        return line;
    }

    /**
     * Waits, once the child has exited, until every stream read here has reached its end of file.
     *
     * @param deadline the {@link System#nanoTime()} by which the streams should have ended
     * @param graceMillis how long each stream gets at least, however close the deadline
     * @param timeout the caller's whole timeout, for the failure message
     * @throws TimeoutException if a stream did not end in time (a process the child started may hold it open)
     * @throws InterruptedException if this thread is interrupted while waiting
     */
    void awaitEnd(long deadline, long graceMillis, Duration timeout) throws InterruptedException, TimeoutException {
        for (LineCollector collector : collectors()) {
            long left = Math.max(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(graceMillis));
            if (!collector.awaitEnd(left)) {
                throw new TimeoutException(child() + " exited with " + process.exitValue() + ", but its "
                        + collector.name + " did not reach end of file within " + timeout + " (or " + graceMillis
                        + " ms after the exit)"
                        + " (does a process it started still hold it open?); its output so far:\n" + transcript());
            }
        }
    }

    /**
     * A future that completes once every stream read here has reached its end of file; it never completes
     * exceptionally.
     *
     * @return a new future
     */
    CompletableFuture<Void> end() {
        return CompletableFuture.allOf(
                collectors().stream().map(collector -> collector.end).toArray(CompletableFuture<?>[]::new));
    }

    /**
     * The lines read from standard output so far; empty when it is redirected.
     *
     * @return an immutable copy
     */
    List<String> output() {
        return out == null ? List.of() : out.lines();
    }

    /**
     * The lines read from standard error so far.
     *
     * @return an immutable copy
     */
    List<String> errorOutput() {
        return err.lines();
    }

    /**
     * Standard output and standard error so far, labelled, for failure messages.
     *
     * @return every line read so far, each prefixed with {@code [out]} or {@code [err]}
     */
    String transcript() {
        StringBuilder text = new StringBuilder();
        output().forEach(line -> text.append("  [out] ").append(line).append('\n'));
        errorOutput().forEach(line -> text.append("  [err] ").append(line).append('\n'));
        return text.toString();
    }

    private List<LineCollector> collectors() {
        return out == null ? List.of(err) : List.of(out, err);
    }

    private String child() {
        return description + " (pid " + process.pid() + ")";
    }

    /** Reads one stream of the child line by line and lets threads wait for a line. */
    private static final class LineCollector {

        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final List<String> lines = new ArrayList<>();
        /** The stream this reads: "stdout" or "stderr". */
        final String name;
        /** Completes when the stream has been read to its end. */
        final CompletableFuture<Void> end = new CompletableFuture<>();

        private boolean ended;

        LineCollector(InputStream stream, String description, String name) {
            this.name = name;
            Thread.ofPlatform().daemon().name(description + " " + name).start(() -> read(stream));
        }

        private void read(InputStream stream) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lock.lock();
                    try {
                        lines.add(line);
                        changed.signalAll();
                    } finally {
                        lock.unlock();
                    }
                }
            } catch (IOException e) {
                // The stream closes when the child dies; what was read stays available.
            } finally {
                lock.lock();
                try {
                    ended = true;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
                end.complete(null);
            }
        }

        String await(Predicate<String> matcher, Duration timeout) throws InterruptedException {
            long remaining = timeout.toNanos();
            int searched = 0;
            lock.lock();
            try {
                while (true) {
                    for (; searched < lines.size(); searched++) {
                        if (matcher.test(lines.get(searched))) {
                            return lines.get(searched);
                        }
                    }
                    if (ended || remaining <= 0) {
                        return null;
                    }
                    remaining = changed.awaitNanos(remaining);
                }
            } finally {
                lock.unlock();
            }
        }

        /** Waits up to {@code nanos} for the end of the stream; returns whether it came. */
        boolean awaitEnd(long nanos) throws InterruptedException {
            long remaining = nanos;
            lock.lock();
            try {
                while (!ended && remaining > 0) {
                    remaining = changed.awaitNanos(remaining);
                }
                return ended;
            } finally {
                lock.unlock();
            }
        }

        List<String> lines() {
            lock.lock();
            try {
                return List.copyOf(lines);
            } finally {
                lock.unlock();
            }
        }
    }
}

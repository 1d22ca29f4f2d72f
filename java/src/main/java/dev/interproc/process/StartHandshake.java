package dev.interproc.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The start-up handshake between a parent and its child JVMs, so that children that take a while to start (JIT,
 * opening shared memory) begin their work together: a child prints {@value #READY} on standard output once it is
 * set up and then waits for {@value #GO} on standard input; the parent waits for every child's {@code READY}
 * before it sends {@code GO} to each. A child that runs several rounds tags its {@code READY} with the round
 * ({@code READY 3}), so the parent cannot mistake an earlier round's line for this one's.
 *
 * <p>The child's side ({@link #signalReady()}, {@link #awaitGo}) runs in the child JVM; the parent's side
 * ({@link #awaitReady}, {@link #go}, {@link #startTogether}) works on {@link JavaProcess}es that read the child's
 * standard output and write its standard input (neither redirected).
 */
public final class StartHandshake {

    /** The line a child prints when it is ready to start. */
    public static final String READY = "READY";

    /** The line the parent sends to start a ready child. */
    public static final String GO = "GO";

    private StartHandshake() {}

    /** Child side: prints {@value #READY} on standard output and flushes it. Does not block. */
    public static void signalReady() {
        System.out.println(READY);
        System.out.flush();
    }

    /**
     * Child side: prints {@code READY round} on standard output and flushes it, for children that run rounds.
     * Does not block.
     *
     * @param round the round this child is ready for
     */
    public static void signalReady(int round) {
        System.out.println(readyLine(round));
        System.out.flush();
    }

    /**
     * Child side: blocks, without a timeout, until the next line of {@code standardInput} arrives, and checks that
     * it is {@value #GO}. There is no timeout because the parent bounds the wait: it kills a child it gives up on.
     * Pass the one reader the child keeps over {@code System.in}, so that lines after {@code GO} are not lost in
     * a second reader's buffer.
     *
     * @param standardInput the child's one reader over {@code System.in}
     * @throws IllegalStateException if the line is something else, or standard input ended first
     * @throws IOException if standard input cannot be read
     */
    public static void awaitGo(BufferedReader standardInput) throws IOException {
        String line = standardInput.readLine();
        if (line == null) {
            throw new IllegalStateException("standard input ended before " + GO + ": the parent closed it or died;"
                    + " this child has nothing to start and should exit");
        }
        if (!GO.equals(line)) {
            throw new IllegalStateException("expected " + GO + " on standard input, got " + line + ": the parent"
                    + " speaks another start-up protocol; start this child with StartHandshake.go");
        }
    }

    /**
     * Parent side: blocks until {@code child} has printed {@value #READY}, or a line it printed earlier was that.
     *
     * @param child the child JVM
     * @param timeout how long to wait
     * @throws TimeoutException if it did not within {@code timeout}, or exited first; the message holds its output
     * @throws InterruptedException if this thread is interrupted while waiting
     */
    public static void awaitReady(JavaProcess child, Duration timeout) throws InterruptedException, TimeoutException {
        child.awaitLine(READY::equals, timeout);
    }

    /**
     * Parent side: as {@link #awaitReady(JavaProcess, Duration)}, for the {@code READY round} line of a round.
     *
     * @param child the child JVM
     * @param round the round to wait for
     * @param timeout how long to wait
     * @throws TimeoutException if it did not within {@code timeout}, or exited first; the message holds its output
     * @throws InterruptedException if this thread is interrupted while waiting
     */
    public static void awaitReady(JavaProcess child, int round, Duration timeout)
            throws InterruptedException, TimeoutException {
        child.awaitLine(readyLine(round)::equals, timeout);
    }

    /**
     * Parent side: sends {@value #GO} to a ready child. Does not block beyond writing the line.
     *
     * @param child the ready child JVM
     * @throws java.io.UncheckedIOException if the child's standard input is closed
     */
    public static void go(JavaProcess child) {
        child.sendLine(GO);
    }

    /**
     * Parent side: waits for every child's {@value #READY}, one after another with {@code timeout} each, then sends
     * {@code GO} to all of them, so that none starts before the slowest is ready.
     *
     * @param children the child JVMs
     * @param timeout how long to wait for each
     * @throws TimeoutException if a child was not ready within {@code timeout}; then no child was sent {@code GO}
     * @throws InterruptedException if this thread is interrupted while waiting
     */
    public static void startTogether(List<JavaProcess> children, Duration timeout)
            throws InterruptedException, TimeoutException {
        startTogether(children, READY, timeout);
    }

    /**
     * Parent side: as {@link #startTogether(List, Duration)}, for the {@code READY round} lines of a round.
     *
     * @param children the child JVMs
     * @param round the round they must all be ready for
     * @param timeout how long to wait for each
     * @throws TimeoutException if a child was not ready within {@code timeout}; then no child was sent {@code GO}
     * @throws InterruptedException if this thread is interrupted while waiting
     */
    public static void startTogether(List<JavaProcess> children, int round, Duration timeout)
            throws InterruptedException, TimeoutException {
        startTogether(children, readyLine(round), timeout);
    }

    private static void startTogether(List<JavaProcess> children, String readyLine, Duration timeout)
            throws InterruptedException, TimeoutException {
        for (JavaProcess child : children) {
            child.awaitLine(readyLine::equals, timeout);
        }
        children.forEach(StartHandshake::go);
    }

    private static String readyLine(int round) {
        return READY + " " + round;
    }
}

package dev.interproc.connection;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Two pipes as an end of blocking calls through the JDK's own streams, for processes that must start fast: unlike
 * {@link PipeEnd} it links no C function, which costs a JVM tens to hundreds of milliseconds at start-up. In a
 * parent, the standard input and output of a child, as the JDK's {@link Process} streams
 * ({@link Pipe#startChildBlocking}); in a child, its own standard input and output ({@link Pipe#toParentBlocking()}),
 * taken over as follows. Both pipes are reopened through {@code /proc/self/fd}
 * (a new open file description of the same pipe, as {@link PipeEnd} does); then descriptors 0 and 1, for
 * {@code System.out}, native code and child processes alike, become copies of descriptor 2 ({@link
 * StandardStreams#redirect}: standard output goes to standard error, and a read of standard input fails), and
 * {@code System.in} reads nothing ({@code System.out} is {@code System.err} at once). The redirection of the
 * descriptors runs in the background, and the first read waits for it. Reads and writes block without a timeout; an
 * interrupt does not end them (nor close the end, as it would a {@code FileChannel}); closing does not wake a blocked
 * read (the peer's end does: closing the output makes a worker exit). For one reading thread and one writing thread
 * at a time.
 */
final class StreamEnd implements Endpoint {

    private final InputStream in;
    private final OutputStream out;
    private static final String TIMEOUTS_REFUSED = "a connection made by Pipe.toParentBlocking() or"
            + " Pipe.startChildBlocking() cannot wait with a timeout; use Pipe.toParent() or Pipe.startChild()";

    /** Used by the reading thread only. */
    private byte[] readBuffer = new byte[8192];

    /** Used by the writing thread only. */
    private byte[] writeBuffer = new byte[8192];

    /**
     * Makes descriptors 0 and 1 copies of standard error ({@link StandardStreams#redirect()}) in the background,
     * while the caller goes on to send its first messages: linking {@code dup2} takes a starting JVM tens of
     * milliseconds. The first receive waits for it, so that no message, and so no task, is acted on before.
     */
    private final CompletableFuture<Void> redirected;

    /**
     * The descriptors a launcher moved the pipes to, which the reopened streams leave open ({@code null} for none):
     * {@link #close()} releases them, so that the parent sees end of file while this process runs on.
     */
    private final StandardStreams.Descriptors moved;

    private StreamEnd(
            InputStream in, OutputStream out, CompletableFuture<Void> redirected, StandardStreams.Descriptors moved) {
        this.in = in;
        this.out = out;
        this.redirected = redirected;
        this.moved = moved;
    }

    /**
     * A child's standard output and input, as its {@link Process} gives them.
     *
     * @param in the child's standard output, read
     * @param out the child's standard input, written (and flushed after each write)
     */
    static StreamEnd ofChild(InputStream in, OutputStream out) {
        return new StreamEnd(in, out, CompletableFuture.completedFuture(null), null);
    }

    /**
     * Takes this process's standard input and output, once per process (shared with {@link PipeEnd#ofStandardStreams}).
     *
     * @throws IOException if standard input or output is not a pipe, or cannot be reopened
     * @throws IllegalStateException if they were taken before
     */
    static StreamEnd ofStandardStreams() throws IOException {
        StandardStreams.Descriptors descriptors = StandardStreams.take();
        FileInputStream in = new FileInputStream("/proc/self/fd/" + descriptors.input());
        FileOutputStream out;
        try {
            out = new FileOutputStream("/proc/self/fd/" + descriptors.output());
        } catch (IOException e) {
            in.close();
            throw e;
        }
        System.setIn(InputStream.nullInputStream());
        System.setOut(System.err); // at once; descriptor 1 itself follows in the background, if it must
        if (!descriptors.redirectionNeeded()) {
            return new StreamEnd(in, out, CompletableFuture.completedFuture(null), descriptors);
        }
        CompletableFuture<Void> redirected = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("standard streams redirection").start(() -> {
            try {
                StandardStreams.redirect();
                redirected.complete(null);
            } catch (Throwable e) {
                redirected.completeExceptionally(e);
            }
        });
        return new StreamEnd(in, out, redirected, null);
    }

    @Override
    public int read(ByteBuffer dst, long deadline) throws IOException {
        if (deadline != NO_DEADLINE) {
            throw new UnsupportedOperationException(TIMEOUTS_REFUSED);
        }
        if (redirectionPending()) {
            awaitRedirection();
        }
        return readAtMost(dst, dst.remaining());
    }

    /**
     * Reads what the pipe holds ({@code FIONREAD}, through {@link InputStream#available()}), never blocking; nothing
     * before the redirection of the standard streams is done, so that the blocking read waits for it.
     */
    @Override
    public int readNow(ByteBuffer dst) throws IOException {
        if (redirectionPending()) {
            return 0;
        }
        int ready = Math.min(in.available(), dst.remaining());
        if (ready <= 0) {
            return 0;
        }
        return readAtMost(dst, ready);
    }

    /** Reads up to {@code max} bytes (at most {@code dst.remaining()}) into {@code dst}, blocking until one arrives. */
    private int readAtMost(ByteBuffer dst, int max) throws IOException {
        if (readBuffer.length < max) {
            readBuffer = new byte[Math.min(max, 1 << 20)];
        }
        int n = in.read(readBuffer, 0, Math.min(max, readBuffer.length));
        if (n > 0) {
            dst.put(readBuffer, 0, n);
        }
        return n;
    }

    /** {@return whether descriptors 0 and 1 are not yet known to be copies of standard error} */
    private boolean redirectionPending() {
        return !redirected.isDone() || redirected.isCompletedExceptionally();
    }

    private void awaitRedirection() throws IOException {
        boolean interrupted = false;
        while (true) {
            try {
                redirected.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                throw new IOException(
                        "cannot take standard input and output away from this process: " + e.getCause(), e.getCause());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void writeFully(ByteBuffer src) throws IOException {
        if (src.hasArray()) {
            out.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
            src.position(src.limit());
            out.flush();
            return;
        }
        while (src.hasRemaining()) {
            int n = Math.min(src.remaining(), 1 << 20);
            if (writeBuffer.length < n) {
                writeBuffer = new byte[n];
            }
            byte[] chunk = writeBuffer;
            src.get(chunk, 0, n);
            out.write(chunk, 0, n);
        }
        out.flush();
    }

    /** Answers at once only: whether bytes are ready ({@code FIONREAD}) when the deadline has passed already. */
    @Override
    public boolean awaitReadable(long deadline) throws IOException {
        if (deadline != NO_DEADLINE && deadline - System.nanoTime() <= 0) {
            return in.available() > 0;
        }
        throw new UnsupportedOperationException(TIMEOUTS_REFUSED);
    }

    @Override
    public void close() throws IOException {
        try {
            out.close(); // first: the peer sees end of file even if closing the input waits
        } finally {
            try {
                in.close();
            } finally {
                if (moved != null) {
                    StandardStreams.release(moved);
                }
            }
        }
    }
}

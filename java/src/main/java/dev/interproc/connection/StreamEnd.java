package dev.interproc.connection;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * This process's standard input and output as an end of blocking calls through the JDK's own file streams, for a
 * child that must start fast ({@link Pipe#toParentBlocking()}): unlike {@link PipeEnd} it links no C function, which
 * costs a JVM tens to hundreds of milliseconds at start-up. Both pipes are reopened through {@code /proc/self/fd}
 * (a new open file description of the same pipe, as {@link PipeEnd} does); then descriptors 0 and 1, for
 * {@code System.out}, native code and child processes alike, become copies of descriptor 2 ({@link
 * StandardStreams#redirect}: standard output goes to standard error, and a read of standard input fails), and
 * {@code System.in} reads nothing ({@code System.out} is {@code System.err} at once). The redirection of the
 * descriptors runs in the background, and the first read waits for it. Reads and writes block without a timeout; an
 * interrupt does not end them (nor close the end, as it would a {@code FileChannel}); closing does not wake a blocked
 * read. For one reading thread and one writing thread at a time, as a worker's main thread is.
 */
final class StreamEnd implements Endpoint {

    private final FileInputStream in;
    private final FileOutputStream out;
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

    private StreamEnd(FileInputStream in, FileOutputStream out, CompletableFuture<Void> redirected) {
        this.in = in;
        this.out = out;
        this.redirected = redirected;
    }

    /**
     * Takes this process's standard input and output, once per process (shared with {@link PipeEnd#ofStandardStreams}).
     *
     * @throws IOException if standard input or output is not a pipe, or cannot be reopened
     * @throws IllegalStateException if they were taken before
     */
    static StreamEnd ofStandardStreams() throws IOException {
        StandardStreams.take();
        FileInputStream in = new FileInputStream("/proc/self/fd/0");
        FileOutputStream out;
        try {
            out = new FileOutputStream("/proc/self/fd/1");
        } catch (IOException e) {
            in.close();
            throw e;
        }
        System.setIn(InputStream.nullInputStream());
        System.setOut(System.err); // at once; descriptor 1 itself follows in the background
        CompletableFuture<Void> redirected = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("standard streams redirection").start(() -> {
            try {
                StandardStreams.redirect();
                redirected.complete(null);
            } catch (Throwable e) {
                redirected.completeExceptionally(e);
            }
        });
        return new StreamEnd(in, out, redirected);
    }

    @Override
    public int read(ByteBuffer dst, long deadline) throws IOException {
        if (deadline != NO_DEADLINE) {
            throw new UnsupportedOperationException(
                    "a connection made by Pipe.toParentBlocking() cannot wait with a timeout; use Pipe.toParent()");
        }
        if (!redirected.isDone() || redirected.isCompletedExceptionally()) {
            awaitRedirection();
        }
        if (readBuffer.length < dst.remaining()) {
            readBuffer = new byte[Math.min(dst.remaining(), 1 << 20)];
        }
        int n = in.read(readBuffer, 0, Math.min(dst.remaining(), readBuffer.length));
        if (n > 0) {
            dst.put(readBuffer, 0, n);
        }
        return n;
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
    }

    /** Answers at once only: whether bytes are ready ({@code FIONREAD}) when the deadline has passed already. */
    @Override
    public boolean awaitReadable(long deadline) throws IOException {
        if (deadline != NO_DEADLINE && deadline - System.nanoTime() <= 0) {
            return in.available() > 0;
        }
        throw new UnsupportedOperationException(
                "a connection made by Pipe.toParentBlocking() cannot wait with a timeout; use Pipe.toParent()");
    }

    @Override
    public void close() throws IOException {
        try {
            in.close();
        } finally {
            out.close();
        }
    }
}

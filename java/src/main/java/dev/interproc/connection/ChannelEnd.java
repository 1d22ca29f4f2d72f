package dev.interproc.connection;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.TimeUnit;

/**
 * One selectable channel (a socket, or one end of an OS pipe) used in blocking mode, which costs one system
 * call per read or write, and switched to non-blocking mode only while some thread waits for readiness with a
 * timeout (poll, wait, a handshake deadline).
 *
 * <p>A channel registered with a selector must be non-blocking, and the mode belongs to the channel, so it is
 * shared by the reading and the writing thread: a counter of the threads that currently need non-blocking mode
 * decides when to switch, and a read or write that returns 0 (because another thread made the channel
 * non-blocking) waits for readiness itself instead of spinning. Switching to non-blocking mode waits for a
 * blocking read or write in progress on another thread to return (the JDK takes the channel's locks).
 *
 * <p>{@link #readNow} cannot switch modes for the same reason (a receive would wait on a send stuck on a full
 * buffer), so it asks a socket channel how many bytes have arrived ({@code FIONREAD}, through the JDK's socket
 * input stream's {@link InputStream#available()}, which takes neither of the channel's locks) and reads only when
 * some have; a pipe channel cannot tell, and its {@code readNow} always says nothing has arrived.
 */
final class ChannelEnd implements Endpoint {

    private final SelectableChannel channel;
    private final Object modeLock = new Object();
    private int nonBlockingUsers;
    private Selector readSelector;
    private Selector writeSelector;

    /** Says how many bytes a socket channel has received; null for other channels. */
    private final InputStream arrived;

    ChannelEnd(SelectableChannel channel) throws IOException {
        this.channel = channel;
        this.arrived = channel instanceof SocketChannel socket ? Channels.newInputStream(socket) : null;
        channel.configureBlocking(true);
    }

    @Override
    public int read(ByteBuffer dst, long deadline) throws IOException {
        ReadableByteChannel in = (ReadableByteChannel) channel;
        while (true) {
            if (deadline != NO_DEADLINE && !awaitReady(SelectionKey.OP_READ, deadline)) {
                throw Endpoint.timedOut();
            }
            int n = in.read(dst);
            if (n != 0) {
                return n;
            }
            if (deadline == NO_DEADLINE) {
                awaitReady(SelectionKey.OP_READ, NO_DEADLINE);
            }
        }
    }

    /** Reads only when bytes have arrived, so the read cannot block; 0 at end of file (see the class description). */
    @Override
    public int readNow(ByteBuffer dst) throws IOException {
        if (arrived == null || arrived.available() == 0) {
            return 0;
        }
        return ((ReadableByteChannel) channel).read(dst);
    }

    @Override
    public void writeFully(ByteBuffer src) throws IOException {
        WritableByteChannel out = (WritableByteChannel) channel;
        while (src.hasRemaining()) {
            if (out.write(src) == 0) {
                awaitReady(SelectionKey.OP_WRITE, NO_DEADLINE);
            }
        }
    }

    @Override
    public boolean awaitReadable(long deadline) throws IOException {
        return awaitReady(SelectionKey.OP_READ, deadline);
    }

    /**
     * Waits until the channel is ready for {@code operation} (at the OS level: for reading that includes a
     * partial message and end of file) or the deadline passes.
     *
     * @return whether it is ready
     */
    boolean awaitReady(int operation, long deadline) throws IOException {
        Selector selector = selector(operation);
        enterNonBlocking();
        SelectionKey key = null;
        try {
            key = channel.register(selector, operation);
            while (true) {
                int ready = select(selector, deadline);
                selector.selectedKeys().clear();
                if (ready > 0) {
                    return true;
                }
                if (!channel.isOpen()) {
                    throw new IOException("handle is closed");
                }
                if (deadline != NO_DEADLINE && deadline - System.nanoTime() <= 0) {
                    return false;
                }
            }
        } catch (ClosedSelectorException e) {
            throw new IOException("handle is closed", e);
        } finally {
            if (key != null) {
                key.cancel();
                try {
                    selector.selectNow(); // completes the deregistration so that blocking mode can return
                } catch (ClosedSelectorException e) {
                    // closed concurrently by close(); the channel is closed too
                }
            }
            leaveNonBlocking();
        }
    }

    /**
     * One selection that ends by {@code deadline} at the latest: {@link Selector#select(long)} takes milliseconds
     * and reads 0 as "forever", so the remaining time is rounded up and an expired deadline only checks.
     */
    static int select(Selector selector, long deadline) throws IOException {
        if (deadline == NO_DEADLINE) {
            return selector.select();
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            return selector.selectNow();
        }
        return selector.select(TimeUnit.NANOSECONDS.toMillis(remaining + 999_999));
    }

    /** Registers the channel with a caller's selector for {@link Connections#wait}; undo with {@link #unregister}. */
    SelectionKey register(Selector selector, Object attachment) throws IOException {
        enterNonBlocking();
        try {
            return channel.register(selector, SelectionKey.OP_READ, attachment);
        } catch (IOException | RuntimeException e) {
            leaveNonBlocking();
            throw e;
        }
    }

    /** Ends a {@link #register}: the caller has cancelled the key and flushed its selector. */
    void unregister() throws IOException {
        leaveNonBlocking();
    }

    private Selector selector(int operation) throws IOException {
        synchronized (modeLock) {
            if (!channel.isOpen()) {
                throw new IOException("handle is closed");
            }
            if (operation == SelectionKey.OP_READ) {
                if (readSelector == null) {
                    readSelector = Selector.open();
                }
                return readSelector;
            }
            if (writeSelector == null) {
                writeSelector = Selector.open();
            }
            return writeSelector;
        }
    }

    private void enterNonBlocking() throws IOException {
        synchronized (modeLock) {
            if (nonBlockingUsers++ == 0 && channel.isOpen()) {
                channel.configureBlocking(false);
            }
        }
    }

    private void leaveNonBlocking() throws IOException {
        synchronized (modeLock) {
            if (--nonBlockingUsers == 0 && channel.isOpen()) {
                channel.configureBlocking(true);
            }
        }
    }

    /** Closes the channel and wakes any thread waiting in a selector. Idempotent. */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            Selector read;
            Selector write;
            synchronized (modeLock) {
                read = readSelector;
                write = writeSelector;
            }
            if (read != null) {
                read.close();
            }
            if (write != null) {
                write.close();
            }
        }
    }
}

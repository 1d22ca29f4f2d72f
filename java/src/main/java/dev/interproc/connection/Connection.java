package dev.interproc.connection;

import dev.interproc.codec.Codec;
import dev.interproc.codec.PickleCodec;
import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;

/**
 * A message channel wire-compatible with Python's {@code multiprocessing.connection.Connection}: every message
 * is a 4-byte big-endian length and the payload, or, above 2<sup>31</sup>-1 bytes, the length -1 followed by an
 * 8-byte big-endian length. Obtained from {@link Pipe}, {@link Listener#accept()} or {@link Client#connect}.
 *
 * <p><b>Threads.</b> One reading thread (the {@code recv*}, {@code poll} and {@link Connections#wait} calls) and
 * one writing thread (the {@code send*} calls) may use a connection at the same time; more than one of each is
 * not supported, as in Python. {@link #close()} may be called from any thread; it makes a blocked call on
 * another thread fail with "handle is closed".
 *
 * <p><b>Blocking.</b> {@code send*} block until the whole message is handed to the operating system;
 * {@code recv*} block until a whole message has arrived, with no timeout (use {@link #poll(Duration)} first
 * to wait with one). {@link #poll(Duration)} waits while another thread is inside a blocking {@code send*} that
 * is still handing data to the operating system.
 *
 * <p><b>Errors.</b> As in Python: operations on a closed connection throw {@code IOException("handle is
 * closed")}, sending on a read-only end {@code IOException("connection is read-only")}, receiving or polling
 * on a write-only end {@code IOException("connection is write-only")}; end of file before a message starts
 * throws {@link EOFException}, end of file inside a message {@code IOException("got end of file during
 * message")}; a message longer than allowed throws {@code IOException("bad message length...")} without reading
 * it and leaves the connection write-only (or closed, if it could not write). Invalid arguments throw
 * {@link IllegalArgumentException} with Python's {@code ValueError} message.
 *
 * <p><b>Limits.</b> A received message longer than {@link #maxMessageLength()} (default
 * {@link #DEFAULT_MAX_MESSAGE_LENGTH}) is refused from its header, before anything is allocated.
 */
public final class Connection implements AutoCloseable {

    /**
     * The default limit on a received message: 128 MiB, room for a 64 MiB payload with any codec's overhead
     * while keeping a hostile or corrupt length header from allocating gigabytes. Change it per connection with
     * {@link #setMaxMessageLength}, or for connections made by a {@link Listener} or {@link Client} through their
     * builders.
     */
    public static final long DEFAULT_MAX_MESSAGE_LENGTH = 128L << 20;

    /** The largest length a Java array, and so a received message, can have: {@link Codec#MAX_PAYLOAD_LENGTH}. */
    public static final long MAX_ARRAY_LENGTH = Codec.MAX_PAYLOAD_LENGTH;

    private final Endpoint in;
    private final Endpoint out;
    /** Reads the frames from {@code in}; null for a write-only end. */
    private final FrameReader reader;
    /** Writes the frames to {@code out}; null for a read-only end. */
    private final FrameWriter writer;
    /** The spin of a receive after a send; armed by every send. */
    private final ReceiveSpin spin;

    private volatile boolean readable;
    private final boolean writable;
    private volatile boolean closed;
    private volatile long maxMessageLength = DEFAULT_MAX_MESSAGE_LENGTH;
    /** Null until set: {@link PickleCodec}, whose classes are loaded only when used (a fast start needs none). */
    private volatile Codec codec;

    private volatile boolean authenticated;

    /** {@code in} and {@code out} may be the same end (a socket) or one of them null (a one-way pipe). */
    Connection(Endpoint in, Endpoint out) {
        this(in, out, ReceiveBudget.UNLIMITED);
    }

    /** As {@link #Connection(Endpoint, Endpoint)}, holding incomplete messages within {@code budget}. */
    Connection(Endpoint in, Endpoint out, ReceiveBudget budget) {
        if (in == null && out == null) {
            throw new IllegalArgumentException("at least one of `readable` and `writable` must be True");
        }
        try {
            this.spin = new ReceiveSpin();
        } catch (IllegalArgumentException e) {
            closeEnds(in, out);
            throw e;
        }
        this.in = in;
        this.out = out;
        this.readable = in != null;
        this.writable = out != null;
        this.reader = in == null ? null : new FrameReader(in, this::maxMessageLength, this::stopReading, budget, spin);
        this.writer = out == null ? null : new FrameWriter(out);
    }

    // ---------------------------------------------------------------------------------------------- sending

    /**
     * Sends all of {@code message} as one message. Blocks until it is handed to the OS.
     *
     * @param message the bytes to send
     * @throws IOException "handle is closed" if the connection is closed, also by another thread while this one blocks;
     *     "connection is read-only" for the reading end of a one-way pipe; or the operating system's error, such as a
     *     broken pipe when the peer has gone
     */
    public void sendBytes(byte[] message) throws IOException {
        sendBytes(message, 0, message.length);
    }

    /**
     * Sends {@code message[offset:]} as one message (Python's {@code send_bytes(buf, offset)}).
     *
     * @param message the bytes to send
     * @param offset the index of the first byte to send
     * @throws IOException "handle is closed" if the connection is closed, also by another thread while this one blocks;
     *     "connection is read-only" for the reading end of a one-way pipe; or the operating system's error, such as a
     *     broken pipe when the peer has gone
     * @throws IllegalArgumentException "offset is negative" or "buffer length &lt; offset"
     */
    public void sendBytes(byte[] message, int offset) throws IOException {
        ConnectionArguments.checkSendOffset(offset, message.length);
        sendBytes(message, offset, message.length - offset);
    }

    /**
     * Sends {@code size} bytes of {@code message} from {@code offset} as one message.
     *
     * @param message the bytes to send
     * @param offset the index of the first byte to send
     * @param size how many bytes to send
     * @throws IllegalArgumentException "offset is negative", "buffer length &lt; offset", "size is negative" or
     *         "buffer length &lt; offset + size", checked in that order as Python does
     * @throws IOException "handle is closed" if the connection is closed, also by another thread while this one blocks;
     *     "connection is read-only" for the reading end of a one-way pipe; or the operating system's error, such as a
     *     broken pipe when the peer has gone
     */
    public void sendBytes(byte[] message, int offset, int size) throws IOException {
        ConnectionArguments.checkSendRange(offset, size, message.length);
        sendFrame(ByteBuffer.wrap(message, offset, size));
    }

    /**
     * Sends the bytes between {@code message}'s position and limit as one message; on return the position
     * equals the limit. Direct buffers are written without copying when larger than 16 KiB.
     *
     * @param message the buffer whose remaining bytes to send
     * @throws IOException "handle is closed" if the connection is closed, also by another thread while this one blocks;
     *     "connection is read-only" for the reading end of a one-way pipe; or the operating system's error, such as a
     *     broken pipe when the peer has gone
     */
    public void sendBytes(ByteBuffer message) throws IOException {
        sendFrame(message);
    }

    /**
     * Sends {@code size} bytes of {@code message} from absolute index {@code offset} (the buffer's length being
     * its limit) as one message; the buffer's position is not changed. Validation as
     * {@link #sendBytes(byte[], int, int)}.
     *
     * @param message the buffer holding the bytes to send
     * @param offset the absolute index of the first byte to send
     * @param size how many bytes to send
     * @throws IOException "handle is closed" if the connection is closed, also by another thread while this one blocks;
     *     "connection is read-only" for the reading end of a one-way pipe; or the operating system's error, such as a
     *     broken pipe when the peer has gone
     * @throws IllegalArgumentException as for {@link #sendBytes(byte[], int, int)}
     */
    public void sendBytes(ByteBuffer message, int offset, int size) throws IOException {
        ConnectionArguments.checkSendRange(offset, size, message.limit());
        sendFrame(message.slice(offset, size));
    }

    /**
     * Sends all of {@code message} as one message, of any length: above 2<sup>31</sup>-1 bytes in Python's 8-byte
     * length form (a 4-byte -1, then the length), which Python's {@code recv_bytes} reads. Native segments are
     * written without copying.
     *
     * @param message the bytes to send, native or on the heap
     * @throws IOException "handle is closed" if the connection is closed, also by another thread while this one blocks;
     *     "connection is read-only" for the reading end of a one-way pipe; or the operating system's error, such as a
     *     broken pipe when the peer has gone
     * @throws IllegalStateException if the segment's arena is closed; {@link WrongThreadException} if it is confined
     *     to another thread (both before anything is written)
     */
    public void sendBytes(MemorySegment message) throws IOException {
        ConnectionArguments.checkReadable(message);
        sendFrame(() -> writer.write(message));
    }

    /**
     * Encodes {@code value} with this connection's {@link #codec()} and sends it as one message.
     *
     * @param value the value to encode
     * @throws IOException "handle is closed" if the connection is closed, also by another thread while this one blocks;
     *     "connection is read-only" for the reading end of a one-way pipe; or the operating system's error, such as a
     *     broken pipe when the peer has gone, or the codec's failure to encode {@code value}
     */
    public void send(Object value) throws IOException {
        sendBytes(codec().encode(value));
    }

    private void sendFrame(ByteBuffer payload) throws IOException {
        sendFrame(() -> writer.write(payload));
    }

    /**
     * A failed send may have put part of a frame on the wire, after which the peer would read the next message as
     * the rest of this one; so the connection is closed, as a failed write leaves nothing else sane. The arguments
     * were checked before the first byte, so such a failure is the end's.
     */
    private void sendFrame(FrameWrite write) throws IOException {
        checkWritable();
        try {
            write.run();
            spin.arm();
        } catch (ClosedChannelException e) {
            throw handleClosed(e);
        } catch (IOException | RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** One call of the {@link FrameWriter}. */
    private interface FrameWrite {
        void run() throws IOException;
    }

    // -------------------------------------------------------------------------------------------- receiving

    /**
     * Receives one message and returns it. Blocks until it has arrived whole.
     *
     * @return the message's payload, a new array
     * @throws IOException {@link java.io.EOFException} at end of file before a message starts; "handle is closed" if
     *     the connection is closed, also by another thread while this one blocks; "connection is write-only" for the
     *     writing end of a one-way pipe or after "bad message length"; "got end of file during message"; "bad message
     *     length" for a message longer than {@link #maxMessageLength()}, which is left unread
     */
    public byte[] recvBytes() throws IOException {
        return receive(Long.MAX_VALUE, Endpoint.NO_DEADLINE);
    }

    /**
     * Receives one message of at most {@code maxLength} bytes. A longer message is not read: the connection
     * becomes write-only (closed, if it is not writable) and {@code IOException("bad message length")} is
     * thrown, exactly as Python does.
     *
     * @param maxLength the longest message accepted, in bytes; the connection's own {@link #maxMessageLength()} applies
     *     too
     * @return the message's payload, a new array
     * @throws IllegalArgumentException "negative maxlength"
     * @throws IOException {@link java.io.EOFException} at end of file before a message starts; "handle is closed" if
     *     the connection is closed, also by another thread while this one blocks; "connection is write-only" for the
     *     writing end of a one-way pipe or after "bad message length"; "got end of file during message"; "bad message
     *     length" for a message longer than {@link #maxMessageLength()}, which is left unread
     */
    public byte[] recvBytes(int maxLength) throws IOException {
        return receive(ConnectionArguments.checkMaxLength(maxLength), Endpoint.NO_DEADLINE);
    }

    /** As {@link #recvBytes(int)}, failing with a {@link java.net.SocketTimeoutException} after the deadline. */
    byte[] recvBytes(int maxLength, long deadline) throws IOException {
        return receive(maxLength, deadline);
    }

    /**
     * Receives one message into {@code buffer} from index 0; see {@link #recvBytesInto(byte[], int)}.
     *
     * @param buffer where the message is copied
     * @return the message's length in bytes
     * @throws IOException as for {@link #recvBytes()}, and {@link BufferTooShortException} if the message does not fit
     */
    public int recvBytesInto(byte[] buffer) throws IOException {
        return recvBytesInto(buffer, 0);
    }

    /**
     * Receives one message into {@code buffer} at {@code offset} and returns its length.
     *
     * @param buffer where the message is copied
     * @param offset the index in {@code buffer} of the message's first byte
     * @return the message's length in bytes
     * @throws IllegalArgumentException "negative offset" or "offset too large", before anything is read
     * @throws BufferTooShortException if the message does not fit; it carries the whole (consumed) message
     * @throws IOException as for {@link #recvBytes()}, and {@link BufferTooShortException} if the message does not fit
     */
    public int recvBytesInto(byte[] buffer, int offset) throws IOException {
        ConnectionArguments.checkReceiveOffset(offset, buffer.length);
        return receiveInto(ByteBuffer.wrap(buffer, offset, buffer.length - offset));
    }

    /**
     * Receives one message into {@code buffer} from index 0; see {@link #recvBytesInto(ByteBuffer, int)}.
     *
     * @param buffer where the message is copied, from absolute index 0 to its limit
     * @return the message's length in bytes
     * @throws IOException as for {@link #recvBytes()}, and {@link BufferTooShortException} if the message does not fit
     */
    public int recvBytesInto(ByteBuffer buffer) throws IOException {
        return recvBytesInto(buffer, 0);
    }

    /**
     * Receives one message into {@code buffer} at absolute index {@code offset}, the buffer's length being its
     * limit, and returns its length; the buffer's position is not changed.
     *
     * @param buffer where the message is copied
     * @param offset the absolute index in {@code buffer} of the message's first byte
     * @return the message's length in bytes
     * @throws IllegalArgumentException "negative offset" or "offset too large", before anything is read
     * @throws BufferTooShortException if the message does not fit; it carries the whole (consumed) message
     * @throws IOException as for {@link #recvBytes()}, and {@link BufferTooShortException} if the message does not fit
     */
    public int recvBytesInto(ByteBuffer buffer, int offset) throws IOException {
        ConnectionArguments.checkReceiveOffset(offset, buffer.limit());
        return receiveInto(buffer.slice(offset, buffer.limit() - offset));
    }

    /**
     * Receives one message of any length, up to {@code target}'s size, into {@code target} from its first byte, and
     * returns its length. This is the way to receive a message longer than a Java array (2<sup>31</sup>-9 bytes):
     * the caller has already set the memory aside, so {@link #maxMessageLength()}, which keeps a peer from making the
     * receiver allocate, does not apply here; the target's size is the limit. A longer message is not read and
     * poisons the connection as {@link #recvBytes(int)} does ("bad message length").
     *
     * @param target where the message is copied, native or on the heap
     * @return the message's length in bytes
     * @throws IllegalArgumentException if {@code target} is read-only, before anything is read
     * @throws IOException as for {@link #recvBytes(int)}
     */
    public long recvBytesInto(MemorySegment target) throws IOException {
        ConnectionArguments.checkWritable(target);
        checkReadable();
        try {
            return reader.readInto(target);
        } catch (ClosedChannelException e) {
            throw handleClosed(e);
        }
    }

    /**
     * Receives one message and decodes it with this connection's {@link #codec()}.
     *
     * @return the decoded value
     * @throws IOException {@link java.io.EOFException} at end of file before a message starts; "handle is closed" if
     *     the connection is closed, also by another thread while this one blocks; "connection is write-only" for the
     *     writing end of a one-way pipe or after "bad message length"; "got end of file during message"; "bad message
     *     length" for a message longer than {@link #maxMessageLength()}, which is left unread, or the codec's failure
     *     to decode it
     */
    public Object recv() throws IOException {
        return codec().decode(recvBytes());
    }

    private byte[] receive(long maxLength, long deadline) throws IOException {
        checkReadable();
        try {
            return reader.read(maxLength, deadline);
        } catch (ClosedChannelException e) {
            throw handleClosed(e);
        }
    }

    private int receiveInto(ByteBuffer target) throws IOException {
        checkReadable();
        try {
            return reader.readInto(target);
        } catch (ClosedChannelException e) {
            throw handleClosed(e);
        }
    }

    /** Python's reaction to a refused length: stop reading (the payload stays unread), keep writing. */
    private void stopReading() {
        readable = false;
        if (!writable) {
            close();
        }
    }

    // ------------------------------------------------------------------------------------------------ poll

    /**
     * Whether a message (or part of one, or end of file) is ready to read now; never blocks.
     *
     * @return {@code true} if a read would not block
     * @throws IOException "handle is closed" or "connection is write-only", as for {@link #recvBytes()}
     */
    public boolean poll() throws IOException {
        return poll(Duration.ZERO);
    }

    /**
     * Waits up to {@code timeout} for data to read, without consuming it, and says whether there is some. As in
     * Python, "some" is OS-level readiness: part of a message or end of file count too. A zero or negative
     * timeout checks and returns at once; {@code null} waits without limit.
     *
     * @param timeout the longest time to wait; zero or negative does not wait, {@code null} waits without limit
     * @return {@code true} if data or end of file is ready to read, {@code false} if the timeout elapsed first
     * @throws IOException "handle is closed" if the connection is closed, also by another thread while this one waits;
     *     "connection is write-only" as for {@link #recvBytes()}
     */
    public boolean poll(Duration timeout) throws IOException {
        checkReadable();
        if (reader.hasBufferedInput()) {
            return true;
        }
        try {
            return in.awaitReadable(Endpoint.deadlineAfter(timeout));
        } catch (ClosedChannelException e) {
            throw handleClosed(e);
        }
    }

    /** Whether unread received bytes are buffered, which makes the connection ready without asking the OS. */
    boolean hasBufferedInput() {
        return reader != null && reader.hasBufferedInput();
    }

    Endpoint readEnd() throws IOException {
        checkReadable();
        return in;
    }

    // --------------------------------------------------------------------------------------- configuration

    /**
     * The codec {@link #send} and {@link #recv} use; {@link PickleCodec} unless changed.
     *
     * @return the current codec
     */
    public Codec codec() {
        Codec current = codec;
        return current != null ? current : PickleCodec.INSTANCE;
    }

    /**
     * Sets the codec for {@link #send} and {@link #recv}.
     *
     * @param codec the codec to use from now on
     * @throws IllegalStateException if the codec {@linkplain Codec#requiresAuthenticatedPeer() requires an
     *         authenticated peer} and this connection was not authenticated: use a Listener and Client with an
     *         authentication key
     * @throws NullPointerException if {@code codec} is null
     */
    public void setCodec(Codec codec) {
        Objects.requireNonNull(codec, "codec");
        if (codec.requiresAuthenticatedPeer() && !authenticated) {
            throw new IllegalStateException(codec.getClass().getSimpleName() + " may only be used on a connection whose"
                    + " peer proved the authentication key; create it with a Listener and a Client given an authkey");
        }
        this.codec = codec;
    }

    /**
     * The longest message this connection accepts; longer ones poison it (see {@link #recvBytes(int)}).
     *
     * @return the limit in bytes
     */
    public long maxMessageLength() {
        return maxMessageLength;
    }

    /**
     * Sets the longest message this connection accepts, at most {@link #MAX_ARRAY_LENGTH}.
     *
     * @param maxLength the new limit in bytes, for messages received from now on
     * @throws IllegalArgumentException if {@code maxLength} is negative or above {@link #MAX_ARRAY_LENGTH}
     */
    public void setMaxMessageLength(long maxLength) {
        this.maxMessageLength = ConnectionArguments.checkMaxMessageLength(maxLength);
    }

    /**
     * How long a receive that follows a send looks for the reply without blocking before it blocks: the receive
     * spin. See {@link #setReceiveSpin(Duration)}.
     *
     * @return the window; {@link Duration#ZERO} when receives do not spin
     */
    public Duration receiveSpin() {
        return spin.window();
    }

    /**
     * Sets the receive spin: how long a {@code recv*} that would block looks for arrived bytes without blocking
     * (a non-blocking read between yields of the processor) before it blocks as it otherwise would; it stops early
     * when a yield lets another thread run, since a machine that busy wakes a blocked thread cheaply. It saves the
     * wake-up of a blocked thread, which on an idle virtual machine costs tens of microseconds of each request/reply
     * round trip, when the reply comes within the window. A send arms the spin and a spin that comes up empty disarms
     * it until the next send, so a connection spins only while it is in a conversation: a quiet one costs at most one
     * window of processor time after its last send, one that only receives none. Blocking, timeouts, interruption
     * (which does not end a spin, as it does not end a blocked receive) and errors are those of the receive; the
     * spin only comes first. {@link #poll(Duration)} and {@link Connections#wait} do not spin.
     *
     * <p>The default is the system property {@code interproc.connection.receiveSpinMicros} read when the connection
     * is made, or 50 microseconds. The reading end of a one-way {@link Pipe#open(boolean)} never sends, so it never
     * spins.
     *
     * @param window the longest spin before a receive blocks, from zero (no spin) to one second
     * @throws IllegalArgumentException if {@code window} is null, negative or longer than one second
     */
    public void setReceiveSpin(Duration window) {
        spin.setWindow(window);
    }

    /** {@return this connection's receive spin, whose counts tests read} */
    ReceiveSpin spin() {
        return spin;
    }

    /**
     * Whether both ends proved the same authentication key when this connection was made.
     *
     * @return {@code true} if made by a {@link Listener} and a {@link Client} with the same authentication key
     */
    public boolean isAuthenticated() {
        return authenticated;
    }

    void markAuthenticated() {
        authenticated = true;
    }

    /**
     * Whether messages can still be received (false for a write-only end, or after "bad message length").
     *
     * @return {@code true} if {@code recv*} may still succeed
     */
    public boolean isReadable() {
        return readable;
    }

    /**
     * Whether messages can be sent (false for the reading end of a one-way pipe).
     *
     * @return {@code true} if this end can send
     */
    public boolean isWritable() {
        return writable;
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return {@code true} once closed, by any thread
     */
    public boolean isClosed() {
        return closed;
    }

    /** Closes the connection; idempotent, callable from any thread, never throws. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeEnds(in, out);
    }

    private static void closeEnds(Endpoint in, Endpoint out) {
        if (in != null) {
            Endpoint.closeQuietly(in);
        }
        if (out != null && out != in) {
            Endpoint.closeQuietly(out);
        }
    }

    private void checkReadable() throws IOException {
        if (closed) {
            throw new IOException("handle is closed");
        }
        if (!readable) {
            throw new IOException("connection is write-only");
        }
    }

    private void checkWritable() throws IOException {
        if (closed) {
            throw new IOException("handle is closed");
        }
        if (!writable) {
            throw new IOException("connection is read-only");
        }
    }

    private IOException handleClosed(ClosedChannelException cause) {
        close();
        return new IOException("handle is closed", cause);
    }

    @Override
    public String toString() {
        return "Connection[" + (closed ? "closed" : (readable ? "r" : "") + (writable ? "w" : "")) + "]";
    }
}

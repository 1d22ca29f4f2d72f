package dev.interproc.connection;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * A {@link Listener}'s accepting: one thread takes connections from the socket and runs each one's handshake on a
 * virtual thread of its own, so a slow or silent client delays nobody else; the outcomes (connections, or the
 * handshakes' failures) wait in arrival order for {@link #next()}. A connection holds one of a bounded number of
 * slots from being taken from the socket until {@code next()} hands it over, which bounds the handshakes running
 * and the outcomes waiting; beyond it, clients wait in the socket's backlog as before.
 *
 * <p>Closing leaves nothing behind: the accepting thread ends (the caller closes the socket it waits on), the
 * handshakes still running are ended by closing their ends (a handshake without a timeout could otherwise wait
 * forever), and the connections nobody took are closed. A failed handshake closes its end itself
 * ({@link ConnectionSetup#open}).
 */
final class ConcurrentHandshakes {

    /** A handshake's result: the connection, or why there is none; the peer's address either way, when known. */
    private record Outcome(Connection connection, Exception failure, Address peer) {}

    /** Put last when the listener closes, and put back by whoever takes it, so that every later call sees it. */
    private static final Outcome CLOSED = new Outcome(null, null, null);

    /** The start of the name of the thread taking a listener's clients from its socket; the address follows. */
    static final String ACCEPT_THREAD_PREFIX = "interproc-accept ";

    private final Sockets.Server server;
    private final ConnectionSetup setup;
    private final ReceiveBudget budget;
    private final Semaphore slots;
    private final LinkedBlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private final Set<Endpoint> handshaking = ConcurrentHashMap.newKeySet();
    private final String threadName;
    private volatile boolean closed;
    private volatile Address lastPeer;
    private boolean started;

    /**
     * @param address the listener's address, naming the accepting thread
     * @param maxPending the most connections taken from {@code server} and not yet handed over by {@link #next()}
     */
    ConcurrentHandshakes(
            Sockets.Server server, Address address, ConnectionSetup setup, ReceiveBudget budget, int maxPending) {
        this.server = server;
        this.threadName = ACCEPT_THREAD_PREFIX + address;
        this.setup = setup;
        this.budget = budget;
        this.slots = new Semaphore(maxPending);
    }

    /**
     * The next connection whose handshake is done, starting the accepting thread on the first call.
     *
     * @throws IOException the handshake's failure (its connection closed), a failure of the socket's accept, or
     *     "listener is closed"
     */
    synchronized Connection next() throws IOException {
        if (!started) {
            started = true;
            Thread.ofPlatform().daemon().name(threadName).start(this::acceptLoop);
        }
        Outcome outcome;
        try {
            outcome = outcomes.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a client");
        }
        if (outcome == CLOSED) {
            outcomes.add(CLOSED);
            throw new IOException("listener is closed");
        }
        slots.release();
        if (outcome.peer() != null) {
            lastPeer = outcome.peer();
        }
        return switch (outcome.failure()) {
            case null -> outcome.connection();
            case IOException e -> throw e;
            case RuntimeException e -> throw e;
            default -> throw new IOException(outcome.failure());
        };
    }

    /** The peer of the last outcome handed over, or null. */
    Address lastPeer() {
        return lastPeer;
    }

    private void acceptLoop() {
        while (!closed) {
            slots.acquireUninterruptibly();
            Sockets.Accepted accepted;
            try {
                accepted = server.accept();
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    outcomes.add(new Outcome(null, e, null));
                }
                continue;
            }
            startHandshake(accepted);
        }
    }

    /** Registers the accepted end for {@link #close()} to end, and runs its handshake on a virtual thread. */
    private void startHandshake(Sockets.Accepted accepted) {
        Endpoint end = accepted.end();
        handshaking.add(end);
        if (closed) {
            // close() may have looked at the set before the add: this end is not to outlive the listener either.
            Endpoint.closeQuietly(end);
        }
        try {
            Thread.ofVirtual().name("interproc-handshake").start(() -> handshake(accepted));
        } catch (RuntimeException e) {
            handshaking.remove(end);
            Endpoint.closeQuietly(end);
            outcomes.add(new Outcome(null, new IOException("cannot start the handshake", e), accepted.peer()));
        }
    }

    private void handshake(Sockets.Accepted accepted) {
        Outcome outcome;
        try {
            outcome = new Outcome(setup.open(accepted.end(), Handshake.Side.LISTENER, budget), null, accepted.peer());
        } catch (IOException | RuntimeException e) {
            outcome = new Outcome(null, e, accepted.peer());
        } finally {
            handshaking.remove(accepted.end());
        }
        outcomes.add(outcome);
        if (closed) {
            discardWaiting();
        }
    }

    /**
     * Stops accepting (the caller closes the socket), ends the handshakes still running and closes the connections
     * nobody took.
     */
    void close() {
        closed = true;
        slots.release(); // so that the accepting thread, if it waits for a slot, sees the close
        outcomes.add(CLOSED);
        handshaking.forEach(Endpoint::closeQuietly);
        discardWaiting();
    }

    private void discardWaiting() {
        for (Outcome outcome : outcomes) {
            if (outcome.connection() != null && outcomes.remove(outcome)) {
                outcome.connection().close();
            }
        }
    }
}

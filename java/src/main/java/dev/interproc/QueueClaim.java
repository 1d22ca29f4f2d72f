package dev.interproc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Room for one message in a {@link SharedQueue}, claimed by {@link SharedQueue#claim(int, java.time.Duration)}, for a
 * producer that serialises in place: it writes the message into {@link #segment()}, then {@link #commit(int)}
 * publishes the first bytes written, or {@link #abort()} (or {@link #close()} without a commit) publishes nothing.
 *
 * <pre>{@code
 * try (QueueClaim claim = queue.claim(1024, Duration.ofSeconds(1))) {
 *     if (claim != null) {
 *         int length = encoder.encode(request, claim.segment());
 *         claim.commit(length);
 *     }
 * }
 * }</pre>
 *
 * <h2>The producers' lock is held from claim to commit</h2>
 * A claim holds the queue's producers' lock (docs/layout.md, "Queue slot") until it is committed or aborted:
 * every other producer, of this process or another, waits meanwhile (even {@link SharedQueue#offer(byte[])}, which
 * waits for the lock as for another producer's copy), while consumers go on taking what was published. Keep the
 * time between claim and commit short, and always end a claim: a claim left open by a live process blocks every
 * producer, so use try-with-resources. A thread holds one claim on a queue at a time: a thread holding a claim
 * that claims again, or puts, on the same queue is refused with {@link IllegalStateException} rather than waiting
 * for itself.
 *
 * <h2>Threads</h2>
 * A claim belongs to the thread that made it: {@link #segment()} may be accessed, and {@link #commit},
 * {@link #abort} and {@link #close} called, only by that thread ({@link WrongThreadException} otherwise). The
 * segment is closed when the claim ends: an access after commit or abort throws {@link IllegalStateException},
 * never writes into a message already published.
 *
 * <h2>Death</h2>
 * A process that dies between claim and commit (SIGKILL) has published nothing: consumers never see its partial
 * message, and the next producer takes the producers' lock over (found through the process table within one wait
 * slice) and writes over the bytes. A claim made before the queue was {@link SharedQueue#shutdown() shut down}
 * still publishes when committed.
 *
 * <p>Memory effects: writes into the segment before {@link #commit} happen-before the actions of the consumer that
 * takes the message, after its take returns.
 */
public final class QueueClaim implements AutoCloseable {

    private final QueueRing ring;
    private final String queue;
    private final Thread owner;
    /** The scope of the segment handed out: closed when the claim ends. */
    private final Arena scope;

    private final MemorySegment segment;
    private boolean ended;

    /** A claim of {@code maxLength} bytes on {@code ring}, whose reservation this thread holds. */
    QueueClaim(QueueRing ring, String queue, int maxLength) {
        this.ring = ring;
        this.queue = queue;
        this.owner = Thread.currentThread();
        this.scope = Arena.ofConfined();
        this.segment = ring.reserved(maxLength).reinterpret(scope, null);
        ring.claimedBy(owner);
    }

    /**
     * The room claimed, to write the message into.
     *
     * @return a writable view of {@link #maxLength()} bytes in the queue's ring, valid until the claim ends and only
     *     in the claiming thread
     * @throws IllegalStateException if the claim has ended
     * @throws WrongThreadException if called by another thread than the claiming one
     */
    public MemorySegment segment() {
        checkOpen();
        return segment;
    }

    /**
     * The room claimed.
     *
     * @return the most bytes {@link #commit(int)} can publish
     */
    public int maxLength() {
        return (int) segment.byteSize();
    }

    /**
     * Publishes the first {@code length} bytes of {@link #segment()} as one message, releases the producers' lock
     * and wakes waiting consumers; the claim ends.
     *
     * @param length the message's length, 0 to {@link #maxLength()}
     * @throws IllegalArgumentException if {@code length} is negative or more than {@link #maxLength()}: the claim is
     *     still open then
     * @throws IllegalStateException if the claim has ended, or the region was closed (nothing is published then)
     * @throws WrongThreadException if called by another thread than the claiming one
     */
    public void commit(int length) {
        checkOpen();
        if (length < 0 || length > segment.byteSize()) {
            throw new IllegalArgumentException("a claim of " + segment.byteSize() + " bytes on shared queue '" + queue
                    + "' cannot publish " + length + " bytes: commit 0 to " + segment.byteSize()
                    + " bytes (the claim is still open)");
        }
        end();
        ring.publish(length);
    }

    /**
     * Ends the claim without publishing anything and releases the producers' lock.
     *
     * @throws IllegalStateException if the claim has ended
     * @throws WrongThreadException if called by another thread than the claiming one
     */
    public void abort() {
        checkOpen();
        end();
        ring.release();
    }

    /**
     * Aborts the claim unless it was committed or aborted; does nothing then.
     *
     * @throws WrongThreadException if called by another thread than the claiming one
     */
    @Override
    public void close() {
        checkThread();
        if (!ended) {
            abort();
        }
    }

    /**
     * Whether the claim is still open.
     *
     * @return {@code false} once committed or aborted
     */
    public boolean isOpen() {
        return !ended;
    }

    private void end() {
        ended = true;
        scope.close();
        ring.claimedBy(null);
    }

    private void checkOpen() {
        checkThread();
        if (ended) {
            throw new IllegalStateException(
                    "the claim on shared queue '" + queue + "' has ended (committed or aborted)");
        }
    }

    private void checkThread() {
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException("a claim on shared queue '" + queue + "' belongs to thread " + owner
                    + ", not " + Thread.currentThread());
        }
    }

    @Override
    public String toString() {
        return "QueueClaim[" + queue + ", " + segment.byteSize() + " bytes" + (ended ? ", ended]" : "]");
    }
}

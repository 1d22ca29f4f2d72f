package dev.interproc.internal.wait;

import dev.interproc.internal.ffm.Libc;
import java.io.IOException;

/** Waiting for file descriptors to become ready, without ever pinning a virtual thread's carrier. */
public final class DescriptorWait {

    private DescriptorWait() {}

    /**
     * Waits until one of {@code fds[i]} is ready for {@code events[i]} or {@code deadline} ({@link System#nanoTime()}
     * scale, {@link Libc#NO_DEADLINE} for none) passes: one {@link Libc#poll}, retried on EINTR.
     *
     * <p>The one blocking call of {@code PipeEnd} and of {@code Connections.wait}, and the waiting call of a virtual
     * thread on an {@code AbstractSocketEnd}: on a virtual thread it runs on a platform delegate while the virtual
     * thread parks ({@link OffCarrier#call}, not ended by an interrupt), its segments allocated there. A poll whose
     * deadline has passed cannot block and runs on the caller.
     *
     * @param fds the descriptors
     * @param events the events awaited on each descriptor ({@link Libc#POLLIN}, {@link Libc#POLLOUT})
     * @param deadline when to give up
     * @return the returned events of each descriptor, all 0 on timeout
     * @throws IOException if poll fails
     */
    public static short[] poll(int[] fds, short[] events, long deadline) throws IOException {
        if (deadline != Libc.NO_DEADLINE && deadline - System.nanoTime() <= 0) {
            return Libc.poll(fds, events, deadline);
        }
        return OffCarrier.call(() -> Libc.poll(fds, events, deadline));
    }
}

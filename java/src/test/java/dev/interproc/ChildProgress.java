package dev.interproc;

import static org.junit.jupiter.api.Assertions.fail;

import dev.interproc.process.JavaProcess;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in a multi-process test for a child to reach a state the parent can only observe in shared memory. */
final class ChildProgress {

    private ChildProgress() {}

    /**
     * Spins until {@code reached} holds; fails with {@code failure} and the child's transcript after {@code patience}.
     */
    static void await(JavaProcess child, Duration patience, String failure, BooleanSupplier reached) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!reached.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(failure + ":\n" + child.transcript());
            }
            Thread.onSpinWait();
        }
    }
}

package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Closing a region while value and lock operations run: the operations end with IllegalStateException
 * and never fault, and the address range the close keeps reserved is released once the region is unreachable.
 */
class RegionCloseTest {

    private static final int ROUNDS = 150;

    /** A name only: each round of the race creates and removes a region of its own under it. */
    @RegisterExtension
    final TestRegion region = TestRegion.nameOnly("close");

    @Test
    @Timeout(120)
    void operationsRacingWithCloseEndInIllegalStateAndNeverFault() throws InterruptedException {
        for (int round = 0; round < ROUNDS; round++) {
            SharedMemory memory = SharedMemory.create(region.name());
            SharedLong longValue = memory.sharedLong("long");
            SharedInt intValue = memory.sharedInt("int");
            SharedDouble doubleValue = memory.sharedDouble("double");
            SharedEnum<Thread.State> enumValue = memory.sharedEnum("enum", Thread.State.class, Thread.State.NEW);
            SharedIntArray ints = memory.sharedIntArray("ints", 4);
            SharedLongArray longs = memory.sharedLongArray("longs", 4);
            SharedLock lock = memory.sharedLock("lock");
            // Never changed: a result that differs was read from the private memory that replaces the region.
            SharedLong sentinel = memory.sharedLong("sentinel", 42);
            SharedEnum<Thread.State> fixed = memory.sharedEnum("fixed", Thread.State.class, Thread.State.RUNNABLE);
            AtomicReference<String> madeUp = new AtomicReference<>();
            List<Consumer<Integer>> operations = List.of(
                    i -> longValue.getAndAdd(1),
                    i -> longValue.get(),
                    i -> longValue.set(i),
                    i -> intValue.compareAndSet(i - 1, i),
                    i -> intValue.getOpaque(),
                    i -> doubleValue.set(i),
                    i -> enumValue.compareAndSet(Thread.State.NEW, Thread.State.RUNNABLE),
                    i -> enumValue.value(),
                    i -> ints.getAndAdd(i & 3, 1),
                    i -> longs.setRelease(i & 3, i),
                    i -> longs.getAcquire(i & 3),
                    i -> {
                        lock.lock();
                        try {
                            longValue.getAndAdd(1);
                        } finally {
                            lock.unlock();
                        }
                    },
                    i -> {
                        if (lock.tryLock()) {
                            lock.unlock();
                        }
                    },
                    i -> {
                        if (sentinel.get() != 42 || sentinel.compareAndSet(0, 0)) {
                            madeUp.set("a SharedLong operation returned what it found outside the region");
                        }
                    },
                    i -> {
                        if (fixed.compareAndSet(Thread.State.NEW, Thread.State.NEW)) {
                            madeUp.set("a SharedEnum compareAndSet succeeded outside the region");
                        }
                    });
            CountDownLatch running = new CountDownLatch(operations.size());
            List<AtomicReference<Throwable>> endings = new ArrayList<>();
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < operations.size(); w++) {
                Consumer<Integer> operation = operations.get(w);
                AtomicReference<Throwable> ending = new AtomicReference<>();
                endings.add(ending);
                Runnable hammer = () -> {
                    try {
                        for (int i = 1; ; i++) {
                            operation.accept(i);
                            if (i == 1000) {
                                running.countDown();
                            }
                        }
                    } catch (Throwable t) {
                        ending.set(t);
                        running.countDown();
                    }
                };
                // One virtual thread: more would wait for a carrier that the spinning ones never give up.
                workers.add(
                        w == 1
                                ? Thread.ofVirtual().start(hammer)
                                : Thread.ofPlatform().daemon().start(hammer));
            }
            assertTrue(running.await(30, TimeUnit.SECONDS), "the workers did not get going");
            memory.close();
            for (int w = 0; w < workers.size(); w++) {
                assertTrue(
                        workers.get(w).join(java.time.Duration.ofSeconds(30)),
                        "round " + round + ": operation " + w + " kept running after close");
                Throwable ending = endings.get(w).get();
                assertInstanceOf(IllegalStateException.class, ending, "round " + round + ", operation " + w);
                assertTrue(ending.getMessage().contains("is closed"), ending.getMessage());
            }
            assertNull(madeUp.get(), "round " + round);
            SharedMemory.unlink(region.name());
        }
    }

    @Test
    @Timeout(60)
    void closeLetsGoOfTheSharedMemoryAndTheRangeIsReleasedOnceUnreachable() throws Exception {
        long address = closeAndForget();
        Optional<String> afterClose = mappingAt(address);
        assertTrue(afterClose.isPresent(), "the range must stay reserved while the region may be reachable");
        assertFalse(afterClose.get().contains("/dev/shm"), "the shared memory is still mapped: " + afterClose.get());
        // Neighbouring reserved ranges may share one line of the maps; only an unmapped address proves the release.
        while (mappingAt(address).isPresent()) {
            System.gc();
            Thread.sleep(10); // polling what the Cleaner thread does after a collection; no signal to wait on
        }
    }

    @Test
    void aValueCannotBeMadeFromAClosedRegion() {
        SharedMemory memory = SharedMemory.create(region.name());
        memory.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> memory.sharedLong("late"));
        assertTrue(closed.getMessage().contains("is closed"), closed.getMessage());
    }

    /** Creates, uses and closes a region, keeping nothing of it but the address of a value. */
    private long closeAndForget() {
        SharedMemory memory = SharedMemory.create(region.name());
        SharedLong value = memory.sharedLong("v");
        value.set(5);
        long address = value.address();
        assertTrue(
                mappingAt(address).orElseThrow().contains("/dev/shm/" + region.name()),
                mappingAt(address).orElseThrow());
        memory.close();
        assertThrows(IllegalStateException.class, value::address, "retired");
        return address;
    }

    /** The line of /proc/self/maps whose range contains {@code address}. */
    private static Optional<String> mappingAt(long address) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                String[] range = line.substring(0, line.indexOf(' ')).split("-");
                long start = Long.parseUnsignedLong(range[0], 16);
                long end = Long.parseUnsignedLong(range[1], 16);
                if (Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0) {
                    return Optional.of(line);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            fail("cannot read /proc/self/maps", e);
            return Optional.empty();
        }
    }
}

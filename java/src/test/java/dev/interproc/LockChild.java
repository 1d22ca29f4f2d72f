package dev.interproc;

import dev.interproc.process.StartHandshake;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child JVM of the cross-process lock tests. {@code main(command, region, ...)} opens the region, prints
 * READY, waits for GO on standard input, runs the command and prints DONE (or is killed).
 */
public final class LockChild {

    /** Phases the kill loop's child records in shared memory, so the parent knows where it died. */
    static final long ACQUIRING = 1;

    static final long HOLDING = 2;
    static final long RELEASING = 3;
    static final long OUTSIDE = 4;

    /** Elements of the kill loop's journal array. */
    static final int COUNTER = 0;

    static final int INTENT_VALID = 1;
    static final int INTENT_COUNTER = 2;
    static final int INTENT_ROUND_VALUE = 3;
    static final int INTENT_ROUND = 4;
    static final int PHASE = 5;
    static final int JOURNAL_LENGTH = 6;

    /**
     * How long a producer or consumer waits for one signal before it calls the wake-up lost: far beyond any
     * scheduling delay of a loaded machine, and below the parent's patience, so a real loss fails the test.
     */
    private static final Duration LOST_WAKE_UP = Duration.ofSeconds(60);

    private LockChild() {}

    public static void main(String[] args) throws Exception {
        String command = args[0];
        try (SharedMemory memory = SharedMemory.open(args[1])) {
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in));
            StartHandshake.signalReady();
            StartHandshake.awaitGo(stdin);
            switch (command) {
                case "count" -> count(memory, args[2], Integer.parseInt(args[3]));
                case "journal" -> journal(memory, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
                case "hold" -> hold(memory, stdin);
                case "virtual" -> virtualThreads(memory, Integer.parseInt(args[2]));
                case "produce" -> produce(memory, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
                case "consume" -> consume(memory, Integer.parseInt(args[2]));
                case "semaphore" -> semaphoreLoop(memory, Integer.parseInt(args[2]));
                case "barrier" -> barrierLoop(memory, Integer.parseInt(args[2]));
                case "permit" -> holdPermit(memory, Integer.parseInt(args[2]), stdin);
                case "barrier-once" -> barrierOnce(memory, Integer.parseInt(args[2]));
                default -> throw new IllegalArgumentException("unknown command " + command);
            }
        }
        System.out.println("DONE");
    }

    /** Locks, increments a plain (non-atomic) counter, unlocks; the RLock variant nests twice. */
    private static void count(SharedMemory memory, String kind, int rounds) {
        SharedMutex lock = kind.equals("rlock") ? memory.sharedRLock("lock") : memory.sharedLock("lock");
        SharedLongArray counter = memory.sharedLongArray("counter", 1);
        boolean nested = kind.equals("rlock");
        for (int i = 0; i < rounds; i++) {
            lock.lock();
            try {
                if (nested) {
                    lock.lock();
                }
                counter.setOpaque(0, counter.getOpaque(0) + 1);
                if (nested) {
                    lock.unlock();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Runs journaled increments until killed: under the lock, the intent (new counter, new per-round
     * count) is written and marked valid, then applied, then cleared, so a survivor can roll it forward.
     */
    static void journal(SharedMemory memory, int round, int maxSpinMicros) {
        SharedLock lock = memory.sharedLock("lock");
        SharedLongArray journal = memory.sharedLongArray("journal", JOURNAL_LENGTH);
        SharedLongArray perRound = memory.sharedLongArray("per-round", 256);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (true) {
            journal.set(PHASE, ACQUIRING);
            try {
                lock.lock();
            } catch (OwnerDiedException e) {
                repair(journal, perRound);
            }
            journal.set(PHASE, HOLDING);
            journal.set(INTENT_COUNTER, journal.get(COUNTER) + 1);
            journal.set(INTENT_ROUND, round);
            journal.set(INTENT_ROUND_VALUE, perRound.get(round) + 1);
            journal.set(INTENT_VALID, 1);
            journal.set(COUNTER, journal.get(INTENT_COUNTER));
            perRound.set(round, journal.get(INTENT_ROUND_VALUE));
            journal.set(INTENT_VALID, 0);
            spin(random.nextInt(maxSpinMicros + 1));
            journal.set(PHASE, RELEASING);
            lock.unlock();
            journal.set(PHASE, OUTSIDE);
            spin(random.nextInt(maxSpinMicros + 1));
        }
    }

    /** Rolls a valid intent forward; idempotent. Call while holding the lock. */
    static void repair(SharedLongArray journal, SharedLongArray perRound) {
        if (journal.get(INTENT_VALID) == 1) {
            journal.set(COUNTER, journal.get(INTENT_COUNTER));
            perRound.set((int) journal.get(INTENT_ROUND), journal.get(INTENT_ROUND_VALUE));
            journal.set(INTENT_VALID, 0);
        }
    }

    private static void spin(long micros) {
        long end = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(micros);
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    /** Acquires 1..permits permits of the bounded semaphore "permits", holds them a moment, releases, until killed. */
    private static void semaphoreLoop(SharedMemory memory, int permits) throws InterruptedException {
        SharedSemaphore semaphore = memory.sharedBoundedSemaphore("permits", permits);
        SharedLong acquisitions = memory.sharedLong("acquisitions");
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (true) {
            int wanted = 1 + random.nextInt(permits);
            semaphore.acquire(wanted);
            acquisitions.incrementAndGet();
            spin(random.nextInt(200));
            semaphore.release(wanted);
            spin(random.nextInt(200));
        }
    }

    /** Takes one permit of the bounded semaphore "permits", says HELD, and waits to be killed. */
    private static void holdPermit(SharedMemory memory, int permits, BufferedReader stdin) throws Exception {
        memory.sharedBoundedSemaphore("permits", permits).acquire();
        System.out.println("HELD");
        System.out.flush();
        stdin.readLine();
    }

    /** Waits at the barrier once; prints RETURNED and the arrival index, or BROKEN and the message. */
    private static void barrierOnce(SharedMemory memory, int parties) throws Exception {
        try {
            System.out.println(
                    "RETURNED " + memory.sharedBarrier("barrier", parties).await(60, TimeUnit.SECONDS));
        } catch (java.util.concurrent.BrokenBarrierException e) {
            System.out.println("BROKEN " + e.getMessage());
        }
    }

    /** Waits at the barrier round after round; prints BROKEN and the message when it breaks. */
    private static void barrierLoop(SharedMemory memory, int parties) throws Exception {
        SharedBarrier barrier = memory.sharedBarrier("barrier", parties);
        SharedLong rounds = memory.sharedLong("rounds");
        while (true) {
            try {
                if (barrier.await(60, TimeUnit.SECONDS) == 0) {
                    rounds.incrementAndGet();
                }
            } catch (java.util.concurrent.BrokenBarrierException e) {
                System.out.println("BROKEN " + e.getMessage());
                return;
            }
        }
    }

    /** Takes the lock, says HELD, and holds it until told RELEASE (or killed). */
    private static void hold(SharedMemory memory, BufferedReader stdin) throws IOException {
        SharedLock lock = memory.sharedLock("lock");
        lock.lock();
        System.out.println("HELD");
        System.out.flush();
        if (!"RELEASE".equals(stdin.readLine())) {
            throw new IllegalStateException("expected RELEASE");
        }
        lock.unlock();
    }

    /** {@code threads} virtual threads each take the lock, sleep 1 ms inside, increment a plain counter. */
    private static void virtualThreads(SharedMemory memory, int threads) throws InterruptedException {
        SharedLock lock = memory.sharedLock("lock");
        SharedLongArray counter = memory.sharedLongArray("counter", 1);
        AtomicLong failures = new AtomicLong();
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            started.add(Thread.ofVirtual().start(() -> {
                try {
                    lock.lock();
                    try {
                        long value = counter.getOpaque(0);
                        Thread.sleep(1);
                        counter.setOpaque(0, value + 1);
                    } finally {
                        lock.unlock();
                    }
                } catch (Throwable e) {
                    failures.incrementAndGet();
                    e.printStackTrace();
                }
            }));
        }
        for (Thread thread : started) {
            thread.join();
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " virtual threads failed");
        }
    }

    /**
     * Puts {@code items} numbers (base, base+1, ...) into a one-slot buffer: waits on "not-full", signals
     * "not-empty" (one waiter: signal, not signalAll, so a lost wake-up would show).
     */
    private static void produce(SharedMemory memory, int base, int items) throws InterruptedException {
        SharedRLock lock = memory.sharedRLock("queue");
        SharedCondition notFull = lock.newCondition("not-full");
        SharedCondition notEmpty = lock.newCondition("not-empty");
        SharedLongArray buffer = memory.sharedLongArray("buffer", 2);
        for (int i = 0; i < items; i++) {
            lock.lock();
            try {
                while (buffer.get(0) != 0) {
                    if (!notFull.await(LOST_WAKE_UP.toNanos(), TimeUnit.NANOSECONDS)) {
                        throw new IllegalStateException(
                                "lost wake-up: producer waited " + LOST_WAKE_UP + " for a free slot");
                    }
                }
                buffer.set(1, base + i);
                buffer.set(0, 1);
                notEmpty.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Takes {@code items} numbers from the buffer and prints their count and sum. */
    private static void consume(SharedMemory memory, int items) throws InterruptedException {
        SharedRLock lock = memory.sharedRLock("queue");
        SharedCondition notFull = lock.newCondition("not-full");
        SharedCondition notEmpty = lock.newCondition("not-empty");
        SharedLongArray buffer = memory.sharedLongArray("buffer", 2);
        long sum = 0;
        for (int i = 0; i < items; i++) {
            lock.lock();
            try {
                while (buffer.get(0) == 0) {
                    if (!notEmpty.await(LOST_WAKE_UP.toNanos(), TimeUnit.NANOSECONDS)) {
                        throw new IllegalStateException(
                                "lost wake-up: consumer waited " + LOST_WAKE_UP + " for an item");
                    }
                }
                sum += buffer.get(1);
                buffer.set(0, 0);
                notFull.signal();
            } finally {
                lock.unlock();
            }
        }
        System.out.println("SUM " + sum);
    }
}

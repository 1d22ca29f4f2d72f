package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.interproc.process.JavaProcess;
import dev.interproc.process.StartHandshake;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SharedLock, SharedRLock and SharedCondition between real JVM processes (and a C program). */
class CrossProcessLockTest {

    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @RegisterExtension
    final TestRegion region = new TestRegion("xlock", RegionOptions.defaults().withSize(4 << 20));

    private JavaProcess child(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add(1, region.name());
        return JavaProcess.builder(LockChild.class)
                .jvmOptions("-Xmx64m", "-XX:+UseSerialGC", "-XX:-UsePerfData")
                .args(all.toArray(String[]::new))
                .start();
    }

    private static void startTogether(List<JavaProcess> children) throws Exception {
        StartHandshake.startTogether(children, PATIENCE);
    }

    private static void awaitSuccess(JavaProcess child) throws Exception {
        int exit = child.waitFor(PATIENCE);
        if (exit != 0 || !child.output().contains("DONE")) {
            fail(child + " exited with " + exit + ":\n" + child.transcript());
        }
    }

    private void countWithFourProcesses(String kind) throws Exception {
        int rounds = 200_000;
        List<JavaProcess> children = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                children.add(child("count", kind, Integer.toString(rounds)));
            }
            startTogether(children);
            for (JavaProcess child : children) {
                awaitSuccess(child);
            }
        } finally {
            children.forEach(JavaProcess::close);
        }
        assertEquals(4L * rounds, region.memory().sharedLongArray("counter", 1).get(0));
        assertFalse((kind.equals("rlock")
                        ? region.memory().sharedRLock("lock")
                        : region.memory().sharedLock("lock"))
                .isLocked());
    }

    @Test
    void fourJvmsIncrementAPlainCounterUnderASharedLock() throws Exception {
        countWithFourProcesses("lock");
    }

    @Test
    void fourJvmsIncrementAPlainCounterUnderANestedSharedRLock() throws Exception {
        region.memory().sharedRLock("lock");
        countWithFourProcesses("rlock");
    }

    /** What the survivor thread saw: how often it was told of an owner's death, and when. */
    private record Survival(int toldOwnerDied, long toldAtNanos) {}

    /**
     * 200 rounds: a child runs journaled increments under the lock and is killed with SIGKILL at a random
     * moment. Either the parent holds the lock at the kill (the child is waiting or outside), or a survivor
     * thread of the parent is contending for it. The survivor must be told of the owner's death exactly when
     * the child died holding the lock, and the journal must stay exact. The takeover latency is printed, not
     * asserted: timings belong to the benchmarks, and a loaded machine may deschedule the survivor.
     * In half of the survivor rounds the kill waits for the child to hold the lock, so that deaths while holding
     * are certain to be covered, not left to the scheduler.
     */
    @Test
    @Timeout(1200)
    void killLoop() throws Exception {
        SharedLock lock = region.memory().sharedLock("lock");
        SharedLongArray journal = region.memory().sharedLongArray("journal", LockChild.JOURNAL_LENGTH);
        SharedLongArray perRound = region.memory().sharedLongArray("per-round", 256);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int rounds = 200;
        int told = 0;
        int notToldWhileWaiting = 0;
        int killedWhileParentHeld = 0;
        List<Long> latenciesMicros = new ArrayList<>();
        List<Long> reapMicros = new ArrayList<>();
        JavaProcess next = child("journal", "0", "200");
        StartHandshake.awaitReady(next, PATIENCE);
        try {
            for (int round = 0; round < rounds; round++) {
                JavaProcess current = next;
                // The next child starts now and is idle by the time of this round's kill.
                next = round + 1 < rounds ? child("journal", Integer.toString(round + 1), "200") : null;
                if (next != null) {
                    StartHandshake.awaitReady(next, PATIENCE);
                }
                StartHandshake.go(current);
                long progressDeadline = System.nanoTime() + PATIENCE.toNanos();
                while (perRound.get(round) == 0) {
                    if (System.nanoTime() > progressDeadline) {
                        fail("round " + round + ": the child made no progress:\n" + current.transcript());
                    }
                    LockSupport.parkNanos(50_000);
                }
                String context = "round " + round + " (seed " + seed + ")";
                if (random.nextInt(3) == 0) {
                    lock.lock();
                    LockSupport.parkNanos(random.nextInt(2_000_000));
                    current.kill();
                    current.waitFor(PATIENCE);
                    assertNotEquals(
                            LockChild.HOLDING,
                            journal.get(LockChild.PHASE),
                            context + ": the child held the lock while the parent did");
                    lock.unlock();
                    lock.lock();
                    lock.unlock();
                    killedWhileParentHeld++;
                } else {
                    // The survivor contends with the child until one acquisition after the child is reaped.
                    AtomicBoolean childReaped = new AtomicBoolean();
                    CompletableFuture<Survival> survivor = new CompletableFuture<>();
                    CountDownLatch contending = new CountDownLatch(1);
                    Thread.ofPlatform().start(() -> {
                        contending.countDown();
                        int toldCount = 0;
                        long toldAt = 0;
                        try {
                            boolean last;
                            do {
                                last = childReaped.get();
                                try {
                                    lock.lock();
                                } catch (OwnerDiedException e) {
                                    toldAt = System.nanoTime();
                                    toldCount++;
                                    LockChild.repair(journal, perRound);
                                }
                                lock.unlock();
                                LockSupport.parkNanos(50_000);
                            } while (!last);
                            survivor.complete(new Survival(toldCount, toldAt));
                        } catch (Throwable t) {
                            survivor.completeExceptionally(t);
                        }
                    });
                    contending.await();
                    LockSupport.parkNanos(random.nextInt(3_000_000));
                    if (random.nextBoolean()) {
                        awaitPhase(journal, LockChild.HOLDING, current, context);
                    }
                    long killedAt = System.nanoTime();
                    current.kill();
                    current.waitFor(PATIENCE);
                    reapMicros.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - killedAt));
                    childReaped.set(true);
                    Survival survival = survivor.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                    long phase = journal.get(LockChild.PHASE);
                    assertTrue(survival.toldOwnerDied() <= 1, context + ": told more than once");
                    if (survival.toldOwnerDied() == 1) {
                        told++;
                        assertNotEquals(
                                LockChild.OUTSIDE, phase, context + ": told of a death, but the child had released");
                        latenciesMicros.add(TimeUnit.NANOSECONDS.toMicros(survival.toldAtNanos() - killedAt));
                    } else {
                        notToldWhileWaiting++;
                        assertNotEquals(
                                LockChild.HOLDING, phase, context + ": the child died holding, nobody was told");
                    }
                }
                assertEquals(0, journal.get(LockChild.INTENT_VALID), context + ": an intent was left unrepaired");
                long sum = 0;
                for (int r = 0; r <= round; r++) {
                    sum += perRound.get(r);
                }
                assertEquals(sum, journal.get(LockChild.COUNTER), context + ": increments were lost or doubled");
            }
        } finally {
            if (next != null) {
                next.close();
            }
        }
        Collections.sort(latenciesMicros);
        Collections.sort(reapMicros);
        System.out.printf(
                "kill loop (seed %d): %d rounds, told %d, not told %d, killed while the parent held %d;"
                        + " takeover after kill: median %d us, max %d us; child reaped after kill: median %d us,"
                        + " max %d us%n",
                seed,
                rounds,
                told,
                notToldWhileWaiting,
                killedWhileParentHeld,
                median(latenciesMicros),
                latenciesMicros.isEmpty() ? -1 : latenciesMicros.getLast(),
                median(reapMicros),
                reapMicros.isEmpty() ? -1 : reapMicros.getLast());
        assertTrue(
                told >= 10 && notToldWhileWaiting + killedWhileParentHeld >= 10,
                "the loop must exercise both deaths holding the lock and deaths without it");
    }

    private static void awaitPhase(SharedLongArray journal, long phase, JavaProcess child, String context) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (journal.get(LockChild.PHASE) != phase) {
            if (System.nanoTime() > deadline) {
                fail(context + ": the child never reached phase " + phase + ":\n" + child.transcript());
            }
            Thread.onSpinWait();
        }
    }

    private static long median(List<Long> sorted) {
        return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
    }

    @Test
    void thousandsOfVirtualThreadsInTwoProcesses() throws Exception {
        List<JavaProcess> children = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                children.add(JavaProcess.builder(LockChild.class)
                        .jvmOptions(
                                "-Xmx128m",
                                "-Djdk.virtualThreadScheduler.parallelism=2",
                                "-Djdk.virtualThreadScheduler.maxPoolSize=2",
                                "-Djdk.tracePinnedThreads=full")
                        .args("virtual", region.name(), "1000")
                        .start());
            }
            startTogether(children);
            for (JavaProcess child : children) {
                awaitSuccess(child);
            }
        } finally {
            children.forEach(JavaProcess::close);
        }
        assertEquals(2000, region.memory().sharedLongArray("counter", 1).get(0));
    }

    @Test
    void tryLockTimesOutAndInterruptWakesAWaiterAcrossProcesses() throws Exception {
        SharedLock lock = region.memory().sharedLock("lock");
        try (JavaProcess holder = child("hold")) {
            startTogether(List.of(holder));
            holder.awaitLine("HELD"::equals, PATIENCE);

            long start = System.nanoTime();
            assertFalse(lock.tryLock(200, TimeUnit.MILLISECONDS));
            long waited = System.nanoTime() - start;
            assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(200), "tryLock gave up early: " + waited + " ns");
            System.out.printf("tryLock(200 ms) across processes returned after %.1f ms%n", waited / 1e6);

            for (Thread.Builder builder : List.of(Thread.ofPlatform(), Thread.ofVirtual())) {
                assertInterruptWakesSleeper(builder, "lockInterruptibly", lock::lockInterruptibly);
            }
            holder.sendLine("RELEASE");
            awaitSuccess(holder);
        }
        assertTrue(lock.tryLock(5, TimeUnit.SECONDS));
        lock.unlock();

        SharedCondition neverSignalled = lock.newCondition("never-signalled");
        for (Thread.Builder builder : List.of(Thread.ofPlatform(), Thread.ofVirtual())) {
            assertInterruptWakesSleeper(builder, "await", () -> {
                lock.lock();
                try {
                    neverSignalled.await();
                } finally {
                    if (!lock.isHeldByCurrentThread()) {
                        throw new AssertionError("await ended without the lock");
                    }
                    lock.unlock();
                }
            });
        }
    }

    /**
     * Interrupts {@code blocking} once it sleeps and asserts that it ends with InterruptedException (a platform
     * thread notices at the end of its 4 ms wait slice); the latency is printed, not asserted.
     */
    private static void assertInterruptWakesSleeper(Thread.Builder builder, String what, Sleepers.Blocking blocking)
            throws Exception {
        long latency = Sleepers.interruptAsleep(builder, what, PATIENCE, blocking);
        System.out.printf(
                "an interrupted %s on a %s thread woke after %.2f ms%n",
                what, builder instanceof Thread.Builder.OfVirtual ? "virtual" : "platform", latency / 1e6);
    }

    /** One way of taking the lock, which must report the death of the owner it takes over from. */
    private interface Acquisition {
        void acquire(SharedLock lock) throws Exception;
    }

    /**
     * Every way of taking a lock whose owner was killed holding it takes it over and is told, on platform and
     * virtual threads: among them a timed tryLock too short to sleep even once (10 us, less than the spin), which
     * must still probe the owner before giving up.
     */
    @Test
    void everyAcquisitionTakesOverFromADeadOwnerAndIsTold() throws Exception {
        SharedLock lock = region.memory().sharedLock("lock");
        Map<String, Acquisition> acquisitions = new LinkedHashMap<>();
        acquisitions.put("tryLock()", held -> assertTrue(held.tryLock()));
        acquisitions.put("tryLock(10 us)", held -> assertTrue(held.tryLock(10, TimeUnit.MICROSECONDS)));
        acquisitions.put("tryLock(30 s)", held -> assertTrue(held.tryLock(30, TimeUnit.SECONDS)));
        acquisitions.put("lock()", SharedLock::lock);
        acquisitions.put("lockInterruptibly()", SharedLock::lockInterruptibly);
        for (Map.Entry<String, Acquisition> acquisition : acquisitions.entrySet()) {
            for (Thread.Builder builder : List.of(Thread.ofPlatform(), Thread.ofVirtual())) {
                try (JavaProcess holder = child("hold")) {
                    startTogether(List.of(holder));
                    holder.awaitLine("HELD"::equals, PATIENCE);
                    holder.kill();
                    holder.waitFor(PATIENCE);
                }
                String what = acquisition.getKey() + " on a "
                        + (builder instanceof Thread.Builder.OfVirtual ? "virtual" : "platform") + " thread";
                AtomicReference<Throwable> outcome = new AtomicReference<>();
                Thread taker = builder.start(() -> {
                    try {
                        acquisition.getValue().acquire(lock);
                        outcome.set(new AssertionError(what + " took the lock without being told its owner died"));
                    } catch (Throwable t) {
                        outcome.set(t);
                    } finally {
                        if (lock.isHeldByCurrentThread()) {
                            lock.unlock();
                        }
                    }
                });
                taker.join(PATIENCE.toMillis());
                assertTrue(outcome.get() instanceof OwnerDiedException, what + ": " + outcome.get());
            }
        }
        assertFalse(lock.isLocked());
    }

    /**
     * A thread interrupted in await whose re-acquisition then takes the lock over from a dead owner gets
     * OwnerDiedException, holding the lock, and must keep its interrupt status: the interrupt is not consumed.
     */
    @Test
    void anInterruptedAwaitToldOfOwnerDeathKeepsTheInterrupt() throws Exception {
        SharedLock lock = region.memory().sharedLock("lock");
        SharedCondition condition = lock.newCondition("c");
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            lock.lock();
            try {
                waiting.countDown();
                condition.await();
                outcome.set("returned");
            } catch (OwnerDiedException e) {
                outcome.set("owner died, holding=" + lock.isHeldByCurrentThread() + ", interrupted="
                        + Thread.currentThread().isInterrupted());
            } catch (Throwable t) {
                outcome.set(t);
            } finally {
                if (lock.isHeldByCurrentThread()) {
                    lock.unlock();
                }
            }
        });
        waiting.await();
        try (JavaProcess holder = child("hold")) {
            startTogether(List.of(holder));
            holder.awaitLine("HELD"::equals, PATIENCE); // granted only once the waiter released it inside await
            waiter.interrupt();
            holder.kill();
            waiter.join(PATIENCE.toMillis());
        }
        assertEquals("owner died, holding=true, interrupted=true", String.valueOf(outcome.get()));
    }

    @Test
    void aCProgramAndAJavaProcessShareOneLock() throws Exception {
        Path program = Path.of(System.getProperty("interproc.native.build.dir"), "lock_counter");
        assertTrue(Files.isExecutable(program), "the C test program is missing: " + program);
        int rounds = 200_000;
        Process c = new ProcessBuilder(program.toString(), region.name(), Integer.toString(rounds))
                .redirectErrorStream(true)
                .start();
        try (JavaProcess java = child("count", "lock", Integer.toString(rounds));
                BufferedReader cOut =
                        new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
                OutputStream cIn = c.getOutputStream()) {
            assertEquals(StartHandshake.READY, cOut.readLine());
            StartHandshake.awaitReady(java, PATIENCE);
            cIn.write((StartHandshake.GO + "\n").getBytes(StandardCharsets.UTF_8));
            cIn.flush();
            StartHandshake.go(java);
            assertEquals("DONE", cOut.readLine());
            assertTrue(c.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            assertEquals(0, c.exitValue());
            awaitSuccess(java);
        } catch (IOException e) {
            c.destroyForcibly();
            throw e;
        }
        assertEquals(2L * rounds, region.memory().sharedLongArray("counter", 1).get(0));
    }

    @Test
    void producerAndTwoConsumersThroughASharedCondition() throws Exception {
        int items = 2000;
        try (JavaProcess producer = child("produce", "1", Integer.toString(items));
                JavaProcess first = child("consume", Integer.toString(items / 2));
                JavaProcess second = child("consume", Integer.toString(items / 2))) {
            startTogether(List.of(producer, first, second));
            awaitSuccess(producer);
            awaitSuccess(first);
            awaitSuccess(second);
            long total = sumOf(first) + sumOf(second);
            assertEquals((long) items * (items + 1) / 2, total, "every item consumed exactly once");
        }
    }

    private static long sumOf(JavaProcess consumer) {
        return consumer.output().stream()
                .filter(line -> line.startsWith("SUM "))
                .mapToLong(line -> Long.parseLong(line.substring(4)))
                .findFirst()
                .orElseThrow();
    }
}

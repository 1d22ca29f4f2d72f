package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.process.JavaProcess;
import dev.interproc.process.StartHandshake;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Semaphore holders and barrier parties killed with SIGKILL at random moments. */
class CrossProcessCoordinationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    final TestRegion region = new TestRegion("xcoord");

    private JavaProcess child(String command, String argument) throws Exception {
        JavaProcess child = JavaProcess.builder(LockChild.class)
                .jvmOptions("-Xmx64m", "-XX:+UseSerialGC", "-XX:-UsePerfData")
                .args(command, region.name(), argument)
                .start();
        StartHandshake.awaitReady(child, PATIENCE);
        return child;
    }

    /**
     * 40 rounds: a child acquires and releases 1..3 permits of a bounded 3-permit semaphore in a loop and is
     * killed at a random moment; every permit it held must come back, so the parent can take all three.
     */
    @Test
    @Timeout(900) // 40 child JVMs, one after another
    void permitsOfAKilledHolderAreReturned() throws Exception {
        int permits = 3;
        SharedSemaphore semaphore = region.memory().sharedBoundedSemaphore("permits", permits);
        SharedLong acquisitions = region.memory().sharedLong("acquisitions");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<Long> reclaimMicros = new ArrayList<>();
        for (int round = 0; round < 40; round++) {
            long before = acquisitions.get();
            try (JavaProcess child = child("semaphore", Integer.toString(permits))) {
                StartHandshake.go(child);
                ChildProgress.await(child, PATIENCE, "the child never acquired", () -> acquisitions.get() != before);
                LockSupport.parkNanos(random.nextInt(2_000_000));
                long killedAt = System.nanoTime();
                child.kill();
                assertTrue(
                        semaphore.tryAcquire(permits, PATIENCE),
                        "round " + round + " (seed " + seed
                                + "): the killed holder's permits never came back; available "
                                + semaphore.availablePermits());
                reclaimMicros.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - killedAt));
                assertEquals(0, semaphore.availablePermits());
                semaphore.release(permits);
                assertEquals(permits, semaphore.availablePermits());
            }
        }
        Collections.sort(reclaimMicros);
        System.out.printf(
                "semaphore kill loop (seed %d): all permits back after a kill in median %d us, max %d us%n",
                seed, reclaimMicros.get(reclaimMicros.size() / 2), reclaimMicros.getLast());
    }

    /**
     * A killed holder's process-table entry is reused by the next process to attach. That process's first
     * acquisition finds the dead holder's count in its own entry of the holders table: undoing it must not
     * forget the permits the new process is taking, or the semaphore hands out more permits than it has.
     */
    @Test
    void aProcessReusingADeadHoldersEntryDoesNotCreatePermits() throws Exception {
        SharedSemaphore semaphore = region.memory().sharedBoundedSemaphore("permits", 2);
        try (JavaProcess holder = child("permit", "2")) {
            StartHandshake.go(holder);
            holder.awaitLine("HELD"::equals, PATIENCE);
            holder.kill();
            holder.waitFor(PATIENCE);
        }
        assertEquals(1, semaphore.availablePermits());
        try (SharedMemory successor = SharedMemory.open(region.name())) {
            assertEquals(
                    1,
                    ProcessTable.indexOf(successor.region().ownerToken()),
                    "the successor reuses the dead" + " holder's process-table entry (the parent's is 0)");
            SharedSemaphore reused = successor.sharedBoundedSemaphore("permits", 2);
            assertTrue(reused.tryAcquire());
            assertEquals(1, reused.availablePermits(), "the dead holder's permit came back, the successor took one");
            assertTrue(semaphore.tryAcquire());
            assertFalse(semaphore.tryAcquire(), "a 2-permit semaphore handed out a third permit");
        }
    }

    /**
     * A waiting party is killed, and another process attaches before the survivors look: its attach reclaims
     * the dead party's process-table entry (pid 0, free) without taking it. The death must still break the
     * barrier, not be forgotten because the dead party's pid can no longer be read.
     */
    @Test
    void aKilledPartyWhoseEntryWasReclaimedStillBreaksTheBarrier() throws Exception {
        SharedBarrier barrier = region.memory().sharedBarrier("barrier", 3);
        SharedMemory spacer = SharedMemory.open(region.name()); // entry 1, so that the victim gets entry 2
        try (JavaProcess victim = child("barrier", "3")) {
            StartHandshake.go(victim);
            ChildProgress.await(victim, PATIENCE, "the victim never arrived", () -> barrier.getNumberWaiting() > 0);
            spacer.close();
            victim.kill();
            victim.waitFor(PATIENCE);
        }
        try (SharedMemory newcomer = SharedMemory.open(region.name())) {
            assertEquals(
                    1,
                    ProcessTable.indexOf(newcomer.region().ownerToken()),
                    "the newcomer takes the free entry 1" + " and reclaims the victim's entry 2 without reusing it");
            BrokenBarrierException broken =
                    assertThrows(BrokenBarrierException.class, () -> barrier.await(Duration.ofSeconds(20)));
            assertTrue(broken.getMessage().contains("died"), broken.getMessage());
        }
    }

    /**
     * A party whose round tripped returns its arrival index even if, before it woke up, the next round broke (here:
     * the other party's next await timed out). The party is stopped with SIGSTOP while it waits, so that it wakes
     * only after the next round has broken; it must not report its own, completed round as broken.
     */
    @Test
    void aPartyWhoseRoundTrippedReturnsEvenIfTheNextRoundBrokeBeforeItWoke() throws Exception {
        SharedBarrier barrier = region.memory().sharedBarrier("barrier", 2);
        java.lang.reflect.Field lockField = SharedBarrier.class.getDeclaredField("lock");
        lockField.setAccessible(true);
        LockWord internalLock = (LockWord) lockField.get(barrier);
        try (JavaProcess party = child("barrier-once", "2")) {
            StartHandshake.go(party);
            ChildProgress.await(party, PATIENCE, "the party never arrived", () -> barrier.getNumberWaiting() > 0);
            // Stop it while it sleeps, not while it holds the barrier's internal lock (it checks every slice).
            while (true) {
                signal(party, "STOP");
                if (internalLock.owner() == 0) {
                    break;
                }
                signal(party, "CONT");
            }
            try {
                assertEquals(0, barrier.await(PATIENCE), "the parent arrives last and trips the round");
                assertThrows(TimeoutException.class, () -> barrier.await(Duration.ZERO), "the next round breaks");
            } finally {
                signal(party, "CONT");
            }
            String outcome =
                    party.awaitLine(line -> line.startsWith("RETURNED") || line.startsWith("BROKEN"), PATIENCE);
            assertEquals("RETURNED 1", outcome, "the stopped party's round had tripped");
        }
    }

    /** Sends SIGSTOP or SIGCONT and waits until every thread of the child has stopped or is no longer stopped. */
    private static void signal(JavaProcess child, String signal) throws Exception {
        assertEquals(
                0,
                new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid()))
                        .start()
                        .waitFor());
        boolean stop = signal.equals("STOP");
        java.nio.file.Path tasks = java.nio.file.Path.of("/proc", Long.toString(child.pid()), "task");
        while (true) {
            boolean all = true;
            try (var list = java.nio.file.Files.list(tasks)) {
                for (java.nio.file.Path task : list.toList()) {
                    String stat;
                    try {
                        stat = java.nio.file.Files.readString(task.resolve("stat"));
                    } catch (java.io.IOException gone) {
                        continue;
                    }
                    boolean stopped = stat.charAt(stat.lastIndexOf(')') + 2) == 'T';
                    all &= stopped == stop;
                }
            }
            if (all) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    /**
     * 10 rounds: the parent and two children loop through a 3-party barrier; one child is killed at a random
     * moment. The parent and the surviving child must get BrokenBarrierException naming the dead party,
     * instead of waiting forever.
     */
    @Test
    @Timeout(600) // 20 child JVMs, two at a time
    void aKilledBarrierPartyBreaksTheBarrier() throws Exception {
        SharedLong rounds = region.memory().sharedLong("rounds");
        Random random = new Random();
        for (int round = 0; round < 10; round++) {
            SharedBarrier barrier = region.memory().sharedBarrier("barrier", 3);
            barrier.reset();
            try (JavaProcess survivor = child("barrier", "3");
                    JavaProcess victim = child("barrier", "3")) {
                StartHandshake.go(survivor);
                StartHandshake.go(victim);
                long tripsBefore = rounds.get();
                long killAfterTrips = tripsBefore + 1 + random.nextInt(20);
                boolean killed = false;
                long killedAt = 0;
                try {
                    while (true) {
                        if (!killed && rounds.get() >= killAfterTrips) {
                            Thread.ofPlatform().start(() -> {
                                LockSupport.parkNanos(random.nextInt(1_000_000));
                                victim.kill();
                            });
                            killed = true;
                            killedAt = System.nanoTime();
                        }
                        if (barrier.await(PATIENCE) == 0) {
                            rounds.incrementAndGet();
                        }
                    }
                } catch (BrokenBarrierException e) {
                    assertTrue(killed, "the barrier broke before any party was killed: " + e.getMessage());
                    assertTrue(
                            e.getMessage().contains("party process " + victim.pid() + " died")
                                    || e.getMessage().contains("a party process died while updating it"),
                            e.getMessage());
                    System.out.printf(
                            "barrier round %d: broken %.1f ms after the kill: %s%n",
                            round, (System.nanoTime() - killedAt) / 1e6, e.getMessage());
                }
                survivor.awaitLine(line -> line.startsWith("BROKEN "), PATIENCE);
                assertEquals(0, survivor.waitFor(PATIENCE), survivor.transcript());
            }
        }
    }
}

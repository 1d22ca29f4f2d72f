package dev.interproc;

import static dev.interproc.ChildProcesses.RUN;
import static dev.interproc.ChildProcesses.lockChild;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.internal.events.Events;
import dev.interproc.internal.events.LockContentionEvent;
import dev.interproc.process.JavaProcess;
import dev.interproc.process.StartHandshake;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import jdk.jfr.EventType;
import jdk.jfr.Recording;
import jdk.jfr.SettingDescriptor;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What docs/observability.md promises an operator: the Flight Recorder events of a lock contended by another JVM,
 * of a takeover from a JVM killed holding a lock and of a broken barrier, read back from a recording file; and the
 * log records of a takeover, of a dead process's permits returned, of a broken barrier and of a refused region.
 */
class ObservabilityTest {

    private static final String TAKEOVER = "dev.interproc.OwnerDeathTakeover";
    private static final String BARRIER_BROKEN = "dev.interproc.BarrierBroken";
    private static final long OWN_PID = ProcessHandle.current().pid();

    @RegisterExtension
    final TestRegion region = new TestRegion("observe");

    @TempDir
    Path temp;

    @Test
    void lockContentionWaitsOnlyAfterTheThresholdByDefault() {
        SettingDescriptor threshold = EventType.getEventType(LockContentionEvent.class).getSettingDescriptors().stream()
                .filter(setting -> setting.getName().equals("threshold"))
                .findFirst()
                .orElseThrow();
        assertEquals("20 ms", threshold.getDefaultValue());
    }

    @Test
    void aLockContendedByAnotherJvmIsRecordedWithItsHolder() throws Exception {
        SharedLock lock = region.memory().sharedLock("lock");
        try (Recording recording = new Recording()) {
            recording.enable(LockContentionEvent.NAME).withThreshold(Duration.ZERO);
            recording.start();
            lock.lock(); // uncontended: the fast path records nothing, even with no threshold
            lock.unlock();
            try (JavaProcess holder = startUntil(lockChild("hold", region.name()), "HELD")) {
                assertFalse(lock.tryLock(50, TimeUnit.MILLISECONDS));
                AtomicReference<Throwable> failure = new AtomicReference<>();
                Thread waiter = Thread.ofPlatform().start(() -> {
                    try {
                        lock.lock();
                        lock.unlock();
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                });
                Sleepers.awaitAsleep(waiter, RUN);
                holder.sendLine("RELEASE");
                waiter.join(RUN.toMillis());
                assertNull(failure.get());
                ChildProcesses.assertExitsCleanly(holder);

                List<RecordedEvent> waits = named(readBack(recording), LockContentionEvent.NAME);
                assertEquals(2, waits.size(), waits::toString);
                assertContention(waits.get(0), holder.pid(), "TIMED_OUT");
                assertTrue(waits.get(0).getDuration().compareTo(Duration.ofMillis(50)) >= 0, waits::toString);
                assertContention(waits.get(1), holder.pid(), "ACQUIRED");
            }
        }
    }

    @Test
    void aTakeoverFromAKilledJvmIsRecordedAndLogged() throws Exception {
        SharedLock lock = region.memory().sharedLock("lock");
        try (Recording recording = new Recording();
                LogCapture log = new LogCapture(Events.LOCK)) {
            recording.enable(TAKEOVER);
            recording.enable(LockContentionEvent.NAME).withThreshold(Duration.ZERO);
            recording.start();
            long deadPid;
            try (JavaProcess holder = startUntil(lockChild("hold", region.name()), "HELD")) {
                deadPid = killAndReap(holder);
            }

            assertThrows(OwnerDiedException.class, lock::lock);
            lock.unlock();

            List<RecordedEvent> recorded = readBack(recording);
            List<RecordedEvent> takeovers = named(recorded, TAKEOVER);
            assertEquals(1, takeovers.size(), takeovers::toString);
            assertEquals("lock 'lock'", takeovers.get(0).getString("lock"));
            assertEquals(deadPid, takeovers.get(0).getLong("deadPid"));
            assertEquals(OWN_PID, takeovers.get(0).getLong("holderPid"));
            List<RecordedEvent> waits = named(recorded, LockContentionEvent.NAME);
            assertEquals(1, waits.size(), waits::toString);
            assertContention(waits.get(0), deadPid, "OWNER_DIED");

            LogRecord record = only(log);
            assertEquals(Level.WARNING, record.getLevel());
            assertEquals(
                    "lock 'lock' of region '" + region.name() + "': its owner, pid " + deadPid
                            + ", died holding it; pid " + OWN_PID + " took it over",
                    record.getMessage());
        }
    }

    @Test
    void aBarrierBrokenByATimeoutOrADeathIsRecordedAndLogged() throws Exception {
        SharedBarrier barrier = region.memory().sharedBarrier("barrier", 3);
        try (Recording recording = new Recording();
                LogCapture log = new LogCapture(Events.BARRIER)) {
            recording.enable(BARRIER_BROKEN);
            recording.start();
            assertThrows(TimeoutException.class, () -> barrier.await(1, TimeUnit.MILLISECONDS));
            barrier.reset();
            long deadPid;
            try (JavaProcess party = ChildProcesses.startTogether(
                            List.of(lockChild("barrier-once", region.name(), "3")))
                    .getFirst()) {
                awaitWaiting(barrier, 1);
                deadPid = killAndReap(party);
            }
            assertThrows(BrokenBarrierException.class, () -> barrier.await(RUN.toSeconds(), TimeUnit.SECONDS));

            List<RecordedEvent> breaks = named(readBack(recording), BARRIER_BROKEN);
            assertEquals(2, breaks.size(), breaks::toString);
            String timedOut = "a party in pid " + OWN_PID + " timed out with 1 of 3 parties";
            assertEquals(timedOut, breaks.get(0).getString("cause"));
            assertEquals(0, breaks.get(0).getLong("deadPid"));
            assertEquals("party process " + deadPid + " died", breaks.get(1).getString("cause"));
            assertEquals(deadPid, breaks.get(1).getLong("deadPid"));
            assertEquals("barrier", breaks.get(1).getString("barrier"));

            List<LogRecord> records = log.records();
            assertEquals(2, records.size(), records::toString);
            assertEquals(Level.INFO, records.get(0).getLevel());
            assertEquals(
                    prefix("barrier 'barrier'") + " broke: " + timedOut,
                    records.get(0).getMessage());
            assertEquals(Level.WARNING, records.get(1).getLevel());
            assertEquals(
                    prefix("barrier 'barrier'") + " broke: party process " + deadPid + " died",
                    records.get(1).getMessage());
        }
    }

    @Test
    void theReturnOfAKilledJvmsPermitsIsLogged() throws Exception {
        SharedSemaphore semaphore = region.memory().sharedBoundedSemaphore("permits", 2);
        try (LogCapture log = new LogCapture(Events.SEMAPHORE)) {
            long deadPid;
            try (JavaProcess holder = startUntil(lockChild("permit", region.name(), "2"), "HELD")) {
                deadPid = killAndReap(holder);
            }

            assertTrue(semaphore.tryAcquire(2, RUN));
            semaphore.release(2);

            LogRecord record = only(log);
            assertEquals(Level.INFO, record.getLevel());
            assertEquals(
                    "semaphore 'permits' of region '" + region.name() + "': pid " + deadPid
                            + " died; returned the 1 permit it held",
                    record.getMessage());
        }
    }

    @Test
    void anAttachThatReclaimsADeadProcesssEntryIsLogged() throws Exception {
        try (JavaProcess attached =
                ChildProcesses.child("attach", region.name()).start()) {
            StartHandshake.awaitReady(attached, RUN);
            killAndReap(attached);
        }
        try (LogCapture log = new LogCapture(Events.REGION);
                SharedMemory reclaiming = SharedMemory.open(region.name())) {
            LogRecord record = only(log);
            assertEquals(Level.INFO, record.getLevel());
            assertEquals(
                    "region '" + region.name() + "': pid " + OWN_PID + " reclaimed the process-table entry of 1"
                            + " process that died attached",
                    record.getMessage());
            assertFalse(reclaiming.isCreator());
        }
    }

    @Test
    void aRefusedRegionIsLogged() throws IOException {
        Files.writeString(temp.resolve("foreign"), "not an interproc region ".repeat(200));
        RegionOptions options = RegionOptions.defaults().withDirectory(temp);
        try (LogCapture log = new LogCapture(Events.REGION)) {
            IncompatibleRegionException refused =
                    assertThrows(IncompatibleRegionException.class, () -> SharedMemory.open("foreign", options));
            LogRecord record = only(log);
            assertEquals(Level.WARNING, record.getLevel());
            assertEquals(refused.getMessage(), record.getMessage());
        }
    }

    /** Starts a LockChild and waits until it prints {@code line} ("HELD"); closes it if the line never comes. */
    private static JavaProcess startUntil(JavaProcess.Builder child, String line) throws Exception {
        JavaProcess started = ChildProcesses.startTogether(List.of(child)).getFirst();
        try {
            started.awaitLine(line::equals, RUN);
            return started;
        } catch (Exception | AssertionError e) {
            started.close();
            throw e;
        }
    }

    /** Kills the child with SIGKILL (whatever it holds or is attached to), reaps it and returns its pid. */
    private static long killAndReap(JavaProcess child) throws Exception {
        child.kill();
        assertEquals(137, child.waitFor(RUN), child::transcript);
        return child.pid();
    }

    private void assertContention(RecordedEvent wait, long holderPid, String outcome) {
        assertEquals(region.name(), wait.getString("region"), wait::toString);
        assertEquals("lock 'lock'", wait.getString("lock"), wait::toString);
        assertEquals(holderPid, wait.getLong("holderPid"), wait::toString);
        assertEquals(outcome, wait.getString("outcome"), wait::toString);
        assertTrue(wait.getStackTrace() != null, "contention events carry the waiter's stack");
    }

    /** Stops the recording, writes it to a file and reads back the events of this test's region. */
    private List<RecordedEvent> readBack(Recording recording) throws IOException {
        recording.stop();
        Path file = temp.resolve("recording.jfr");
        recording.dump(file);
        return RecordingFile.readAllEvents(file).stream()
                .filter(event -> event.hasField("region") && region.name().equals(event.getString("region")))
                .toList();
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream()
                .filter(event -> event.getEventType().getName().equals(name))
                .toList();
    }

    private String prefix(String what) {
        return what + " of region '" + region.name() + "'";
    }

    private static LogRecord only(LogCapture log) {
        List<LogRecord> records = log.records();
        assertEquals(1, records.size(), records::toString);
        return records.getFirst();
    }

    /** Returns once {@code parties} parties wait at the barrier (read from shared memory); fails after RUN. */
    private static void awaitWaiting(SharedBarrier barrier, int parties) {
        long deadline = System.nanoTime() + RUN.toNanos();
        while (barrier.getNumberWaiting() != parties) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + parties + " parties waiting at " + barrier + " within " + RUN);
            }
            LockSupport.parkNanos(100_000);
        }
    }
}

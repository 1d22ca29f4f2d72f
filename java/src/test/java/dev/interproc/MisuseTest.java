package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/** Misuse of the API gets a clear exception at the call, never a wrapped counter or a misleading message. */
class MisuseTest {

    @RegisterExtension
    final TestRegion region = new TestRegion("misuse");

    @Test
    void releasingPastIntegerMaxValueIsRefusedAndChangesNothing() throws Exception {
        SharedSemaphore semaphore = region.memory().sharedSemaphore("full", Integer.MAX_VALUE);
        Error refused = assertThrows(Error.class, () -> semaphore.release(1));
        assertTrue(refused.getMessage().startsWith("Maximum permit count exceeded"), refused.getMessage());
        assertEquals(Integer.MAX_VALUE, semaphore.availablePermits());
        assertTrue(semaphore.tryAcquire(2, Duration.ZERO), "acquisitions still work");
        semaphore.release(2);
        assertEquals(Integer.MAX_VALUE, semaphore.availablePermits());
    }

    @Test
    void anOpenTimeoutOutOfRangeIsRefusedAtTheOption() {
        RegionOptions defaults = RegionOptions.defaults();
        for (Duration bad : List.of(
                Duration.ofSeconds(Long.MAX_VALUE), Duration.ofHours(2), Duration.ofNanos(500_000), Duration.ZERO)) {
            IllegalArgumentException refused =
                    assertThrows(IllegalArgumentException.class, () -> defaults.withOpenTimeout(bad));
            assertTrue(refused.getMessage().contains("between 1 ms and 1 hour"), refused.getMessage());
        }
        assertEquals(
                Duration.ofHours(1),
                defaults.withOpenTimeout(Duration.ofHours(1)).openTimeout());
        assertEquals(
                Duration.ofMillis(1),
                defaults.withOpenTimeout(Duration.ofMillis(1)).openTimeout());
    }

    @Test
    void aMissingDirectoryIsNamedAsTheCause() {
        Path missing =
                Path.of("/nonexistent-interproc-" + ProcessHandle.current().pid());
        assertFalse(Files.exists(missing));
        RegionOptions options = RegionOptions.defaults().withDirectory(missing);
        String expected = "the directory " + missing + " does not exist";

        InterprocException create = assertThrows(InterprocException.class, () -> SharedMemory.create("r", options));
        assertFalse(create instanceof RegionNotFoundException, "create must not be told to call create");
        assertTrue(create.getMessage().contains(expected), create.getMessage());

        RegionNotFoundException open =
                assertThrows(RegionNotFoundException.class, () -> SharedMemory.open("r", options));
        assertTrue(open.getMessage().contains(expected), open.getMessage());

        InterprocException either =
                assertThrows(InterprocException.class, () -> SharedMemory.openOrCreate("r", options));
        assertTrue(either.getMessage().contains(expected), either.getMessage());
    }

    /**
     * Without the lock held (SlotContractTest holds it): the closed region, not the unheld lock, is what the caller
     * hears of.
     */
    @Test
    void everyConditionCallAfterCloseWithoutTheLockSaysTheRegionIsClosed() {
        SharedCondition condition = region.memory().sharedRLock("lock").newCondition("c");
        region.memory().close();
        List<Executable> calls = List.of(
                condition::signal,
                condition::signalAll,
                condition::await,
                condition::awaitUninterruptibly,
                () -> condition.await(Duration.ofMillis(1)),
                () -> condition.awaitNanos(1));
        for (Executable call : calls) {
            IllegalStateException closed = assertThrows(IllegalStateException.class, call);
            assertTrue(closed.getMessage().contains("is closed"), closed.getMessage());
        }
    }
}

package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.testing.CodedPhase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SharedEnumTest {

    enum Status {
        UNAVAILABLE,
        IDLE,
        CALCULATING,
        SHUTTING_DOWN
    }

    enum Other {
        IDLE
    }

    enum Duplicate implements CodedEnum {
        A,
        B;

        @Override
        public int code() {
            return 7;
        }
    }

    @RegisterExtension
    final TestRegion region = new TestRegion("enum");

    @Test
    void getSetByNameValueAndCompareAndSet() {
        SharedMemory memory = region.memory();
        SharedEnum<Status> status = memory.sharedEnum("status", Status.class, Status.IDLE);
        assertEquals(Status.IDLE, status.get());
        assertEquals(1, status.value());
        assertEquals("IDLE", status.name());
        status.set("CALCULATING");
        assertEquals(Status.CALCULATING, status.get());
        assertFalse(status.compareAndSet(Status.IDLE, Status.SHUTTING_DOWN));
        assertTrue(status.compareAndSet(Status.CALCULATING, Status.SHUTTING_DOWN));
        assertEquals(Status.SHUTTING_DOWN, status.getAndSet(Status.IDLE));
        assertEquals(
                Status.IDLE,
                memory.sharedEnum("status", Status.class, Status.UNAVAILABLE).get());
    }

    @Test
    void unknownNameListsTheValidOnes() {
        SharedMemory memory = region.memory();
        SharedEnum<Status> status = memory.sharedEnum("status", Status.class, Status.IDLE);
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> status.set("NOPE"));
        assertEquals(
                "enum " + Status.class.getName() + " has no constant 'NOPE'; valid names: UNAVAILABLE, IDLE,"
                        + " CALCULATING, SHUTTING_DOWN",
                unknown.getMessage());
        assertEquals(Status.IDLE, status.get());
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void constantOfAnotherEnumThroughARawTypeIsRefusedNamingBoth() {
        SharedMemory memory = region.memory();
        SharedEnum raw = memory.sharedEnum("status", Status.class, Status.IDLE);
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> raw.set(Other.IDLE));
        assertTrue(wrong.getMessage().contains(Other.class.getName() + ".IDLE"), wrong.getMessage());
        assertTrue(wrong.getMessage().contains("SharedEnum of " + Status.class.getName()), wrong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> raw.compareAndSet(Status.IDLE, Other.IDLE));
        assertThrows(NullPointerException.class, () -> raw.set((Enum) null));
        assertEquals(Status.IDLE, raw.get());
    }

    @Test
    void codedEnumStoresItsCodes() {
        SharedMemory memory = region.memory();
        SharedEnum<CodedPhase> coded = memory.sharedEnum("coded", CodedPhase.class, CodedPhase.RUNNING);
        assertEquals(2000, coded.value());
        coded.set(CodedPhase.STARTING);
        assertEquals(10, coded.value());
        assertEquals(CodedPhase.STARTING, coded.get());
        IllegalArgumentException duplicate = assertThrows(
                IllegalArgumentException.class, () -> memory.sharedEnum("dup", Duplicate.class, Duplicate.A));
        assertTrue(duplicate.getMessage().contains("gives code 7 to both A and B"), duplicate.getMessage());
    }

    @Test
    void slotOfAnotherEnumIsRefusedListingTheDifference() {
        SharedMemory memory = region.memory();
        memory.sharedEnum("status", Status.class, Status.IDLE);
        IncompatibleSlotException refused = assertThrows(
                IncompatibleSlotException.class, () -> memory.sharedEnum("status", Other.class, Other.IDLE));
        String message = refused.getMessage();
        assertTrue(
                message.contains("the region holds enum " + Status.class.getName() + ", this process uses "
                        + Other.class.getName()),
                message);
        assertTrue(message.contains("IDLE has code 1 in the region but 0 here"), message);
        assertTrue(message.contains("CALCULATING=2 exists only in the region"), message);
        assertThrows(IncompatibleSlotException.class, () -> memory.sharedInt("status"));
    }

    @Test
    void unknownStoredCodeIsReportedNotMisread() {
        SharedMemory memory = region.memory();
        SharedEnum<Status> status = memory.sharedEnum("status", Status.class, Status.IDLE);
        RawSlotWriter.writeInt(region.name(), "status", 99);
        IncompatibleSlotException unknown = assertThrows(IncompatibleSlotException.class, status::get);
        assertTrue(
                unknown.getMessage()
                        .contains(
                                "holds code 99, which enum " + Status.class.getName()
                                        + " does not define (its codes: UNAVAILABLE=0, IDLE=1, CALCULATING=2, SHUTTING_DOWN=3)"),
                unknown.getMessage());
        assertEquals(99, status.value());
    }

    @Test
    void listenersSeeEveryChangeLikeAnOverriddenSet() {
        SharedMemory memory = region.memory();
        SharedEnum<Status> status = memory.sharedEnum("status", Status.class, Status.UNAVAILABLE);
        List<String> log = new ArrayList<>();
        SharedEnum.Listener<Status> listener = (previous, current) -> log.add(previous + "->" + current);
        status.addListener(listener);
        status.set(Status.IDLE);
        status.set("CALCULATING");
        assertFalse(status.compareAndSet(Status.IDLE, Status.SHUTTING_DOWN));
        assertTrue(status.compareAndSet(Status.CALCULATING, Status.IDLE));
        status.getAndSet(Status.SHUTTING_DOWN);
        assertTrue(status.removeListener(listener));
        status.set(Status.IDLE);
        assertEquals(
                List.of("UNAVAILABLE->IDLE", "IDLE->CALCULATING", "CALCULATING->IDLE", "IDLE->SHUTTING_DOWN"), log);
    }

    /** The numeric values' locks are AtomicContractTest's. */
    @Test
    void anEnumHasADefaultLockOrTheOneItWasGiven() {
        SharedMemory memory = region.memory();
        SharedRLock state = memory.sharedRLock("worker/state");
        SharedEnum<Status> status = memory.sharedEnum("status", Status.class, Status.IDLE, state);
        assertSame(state, status.getLock());
        SharedEnum<Status> other = memory.sharedEnum("other", Status.class, Status.IDLE);
        assertTrue(other.getLock() instanceof SharedRLock);
        assertSame(
                other.getLock(),
                memory.sharedEnum("other", Status.class, Status.IDLE).getLock());
        try (SharedMutex.Held _ = status.getLock().acquire()) {
            status.set(Status.CALCULATING);
        }
        assertEquals(Status.CALCULATING, status.get());
    }
}

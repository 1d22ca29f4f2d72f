package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The atomic operations every numeric slot type offers, run for each entry of {@link AtomicCells#ALL} (and the
 * integral and array ones for the types that have them), on every element of the array types. Between processes
 * in MultiProcessAtomicsTest.
 */
class AtomicContractTest {

    @RegisterExtension
    final TestRegion region = new TestRegion("atomics");

    private AtomicCells open(AtomicCells.Kind kind, String slot) {
        return kind.opener().open(region.memory(), slot, null);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("dev.interproc.AtomicCells#ALL")
    void startsAtZeroAndEachCellKeepsWhatItWasSet(AtomicCells.Kind kind) {
        AtomicCells cells = open(kind, "v");
        forEachCell(cells, i -> assertEquals(0, cells.get(i)));
        forEachCell(cells, i -> cells.set(i, 10 + i));
        forEachCell(cells, i -> {
            assertEquals(10 + i, cells.get(i));
            assertEquals(10 + i, cells.getAcquire(i));
        });
        forEachCell(cells, i -> cells.setRelease(i, 20 + i));
        forEachCell(cells, i -> assertEquals(20 + i, cells.get(i)));
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("dev.interproc.AtomicCells#ALL")
    void getAndSetAndCompareAndSet(AtomicCells.Kind kind) {
        AtomicCells cells = open(kind, "v");
        forEachCell(cells, i -> {
            cells.set(i, 5);
            assertEquals(5, cells.getAndSet(i, 6));
            assertFalse(cells.compareAndSet(i, 5, 7));
            assertEquals(6, cells.get(i), "a failed compareAndSet changes nothing");
            assertTrue(cells.compareAndSet(i, 6, 7));
            assertEquals(7, cells.get(i));
        });
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("dev.interproc.AtomicCells#ALL")
    void addsUpdatesAndAccumulates(AtomicCells.Kind kind) {
        AtomicCells cells = open(kind, "v");
        forEachCell(cells, i -> {
            cells.set(i, -3);
            assertEquals(-3, cells.getAndAdd(i, 1));
            assertEquals(-1, cells.addAndGet(i, 1));
            assertEquals(7, cells.updateAndGet(i, v -> v + 8));
            assertEquals(14, cells.accumulateAndGet(i, 2, (x, y) -> x * y));
            assertEquals(14, cells.get(i));
        });
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("dev.interproc.AtomicCells#INTEGRAL")
    void incrementsDecrementsAndExchanges(AtomicCells.Kind kind) {
        AtomicCells.Integral cells = (AtomicCells.Integral) open(kind, "v");
        forEachCell(cells, i -> {
            cells.set(i, -3);
            assertEquals(-2, cells.incrementAndGet(i));
            assertEquals(-2, cells.compareAndExchange(i, -2, 7));
            assertEquals(7, cells.compareAndExchange(i, -2, 9), "a failed exchange returns what it found");
            assertEquals(6, cells.decrementAndGet(i));
            cells.setOpaque(i, 11);
            assertEquals(11, cells.getOpaque(i));
        });
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("dev.interproc.AtomicCells#COUNTERS")
    void aScalarReturnsTheValueBeforeItsUpdates(AtomicCells.Kind kind) {
        AtomicCells.Counter cell = (AtomicCells.Counter) open(kind, "v");
        cell.set(0, 5);
        assertEquals(5, cell.getAndIncrement(0));
        assertEquals(6, cell.getAndDecrement(0));
        assertEquals(5, cell.getAndUpdate(0, v -> v * 10));
        assertEquals(50, cell.getAndAccumulate(0, 3, Math::max));
        assertEquals(50, cell.get(0));
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("dev.interproc.AtomicCells#ARRAYS")
    void anArrayHasItsLengthAndCopiesOut(AtomicCells.Kind kind) {
        AtomicCells.Array cells = (AtomicCells.Array) open(kind, "v");
        assertEquals(AtomicCells.ARRAY_LENGTH, cells.length());
        cells.set(0, 5);
        cells.set(2, 10);
        assertArrayEquals(new long[] {5, 0, 10}, cells.toArray());
        assertEquals(AtomicCells.ARRAY_LENGTH, open(kind, "v").length(), "the slot found again");
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("dev.interproc.AtomicCells#ARRAYS")
    void indexesOutsideTheArrayAreRefusedNamingThem(AtomicCells.Kind kind) {
        AtomicCells.Array cells = (AtomicCells.Array) open(kind, "v");
        for (int outside : new int[] {-1, cells.length()}) {
            List<IntConsumer> uses = List.of(
                    cells::get,
                    i -> cells.set(i, 1),
                    cells::getAcquire,
                    i -> cells.setRelease(i, 1),
                    cells::getOpaque,
                    i -> cells.setOpaque(i, 1),
                    i -> cells.getAndSet(i, 1),
                    i -> cells.compareAndSet(i, 0, 1),
                    i -> cells.compareAndExchange(i, 0, 1),
                    i -> cells.getAndAdd(i, 1),
                    i -> cells.addAndGet(i, 1),
                    cells::incrementAndGet,
                    cells::decrementAndGet,
                    i -> cells.updateAndGet(i, v -> v),
                    i -> cells.accumulateAndGet(i, 1, Long::sum));
            for (int use = 0; use < uses.size(); use++) {
                IntConsumer call = uses.get(use);
                IndexOutOfBoundsException refused = assertThrows(
                        IndexOutOfBoundsException.class, () -> call.accept(outside), "use " + use + " of " + outside);
                assertTrue(refused.getMessage().contains(String.valueOf(outside)), refused.getMessage());
            }
        }
        assertArrayEquals(new long[AtomicCells.ARRAY_LENGTH], cells.toArray(), "refused uses changed nothing");
    }

    /** Like Python's Value: each value has its own reentrant lock, named after it and the same for every caller. */
    @ParameterizedTest(name = "{0}")
    @FieldSource("dev.interproc.AtomicCells#ALL")
    void theDefaultLockIsAReentrantLockOfTheValue(AtomicCells.Kind kind) {
        SlotValue value = open(kind, "v").value();
        assertEquals("v", value.slotName());
        SharedMutex lock = value.getLock();
        assertTrue(lock instanceof SharedRLock, lock.toString());
        assertEquals("v/lock", lock.name());
        assertSame(lock, open(kind, "v").value().getLock());
        assertNotSame(lock, open(kind, "w").value().getLock());
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("dev.interproc.AtomicCells#ALL")
    void aSuppliedLockIsTheValuesLock(AtomicCells.Kind kind) {
        SharedMemory memory = region.memory();
        for (SharedMutex guard : List.of(memory.sharedLock("guard"), memory.sharedRLock("reentrant-guard"))) {
            String slot = "guarded-by-" + guard.name();
            AtomicCells cells = kind.opener().open(memory, slot, guard);
            assertSame(guard, cells.value().getLock());
            try (SharedMutex.Held _ = cells.value().getLock().acquire()) {
                cells.set(0, 42);
            }
            assertEquals(42, cells.get(0));
        }
    }

    private static void forEachCell(AtomicCells cells, IntConsumer check) {
        for (int i = 0; i < cells.length(); i++) {
            check.accept(i);
        }
    }
}

package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.codec.BytesCodec;
import dev.interproc.testing.CodedPhase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.function.Executable;

/**
 * One type of slot, as {@link SlotContractTest} exercises it: the table {@link #ALL} holds one entry per slot
 * type, so adding a slot type to the library means adding one entry here.
 *
 * @param type the slot's type as {@link SlotInfo#type()} and {@link IncompatibleSlotException} name it
 * @param variant what tells two entries of one type apart ("bounded"), or empty
 * @param inspectedType {@link SlotInfo#type()} of a slot of this entry, where it says more than {@code type}
 * @param creator the accessor a creating process calls, with its initial value where the type has one
 * @param another the accessor of a second process for the same slot, with another initial value where the type
 *     has one (which the slot must ignore)
 * @param sharing asserts that the second accessor sees the creator's initial value, and a change made through
 *     the first
 * @param usesAfterClose the calls of an accessor that touch the region, each to throw IllegalStateException once
 *     the region is closed
 * @param exercise a short use of the slot's kinds of calls in which every wait is bounded by {@link #BRIEFLY}, as
 *     {@link RegionCorruptionTest} makes on slots of damaged regions
 * @param <A> what the accessor returns
 */
record SlotKind<A>(
        String type,
        String variant,
        String inspectedType,
        Accessor<A> creator,
        Accessor<A> another,
        Sharing<A> sharing,
        UsesAfterClose<A> usesAfterClose,
        Exercise<A> exercise) {

    /** How long an {@link #exercise} waits at most in any one call: long enough to sleep, short enough for many. */
    static final Duration BRIEFLY = Duration.ofMillis(20);

    /** Finds or creates the slot {@code slot} in {@code memory}. */
    interface Accessor<A> {
        A open(SharedMemory memory, String slot);
    }

    /** Asserts that {@code second} accesses the slot {@code first} created. */
    interface Sharing<A> {
        void check(A first, A second) throws Exception;
    }

    /**
     * Readies {@code accessor} for use after close (a condition needs its lock held) and returns its calls that
     * touch the region.
     */
    interface UsesAfterClose<A> {
        List<Executable> prepare(A accessor);
    }

    /**
     * Uses the slot through {@code accessor}, every wait bounded by {@link #BRIEFLY}; throws what the library
     * throws, except the outcomes of a bounded wait that a healthy slot gives too (a barrier's timeout).
     */
    interface Exercise<A> {
        void run(A accessor) throws Exception;
    }

    /** A condition with the lock it belongs to: the slot {@code "<lock>/<condition>"}. */
    record GuardedCondition(SharedRLock lock, SharedCondition condition) {

        static GuardedCondition open(SharedMemory memory, String slot) {
            int slash = slot.lastIndexOf('/');
            SharedRLock lock = memory.sharedRLock(slot.substring(0, slash));
            return new GuardedCondition(lock, lock.newCondition(slot.substring(slash + 1)));
        }
    }

    /** Every slot type of the library; slot names given to these accessors must contain a '/' (for conditions). */
    static final List<SlotKind<?>> ALL = List.of(
            number(
                    "SharedInt",
                    (memory, slot) -> AtomicCells.of(memory.sharedInt(slot, 7)),
                    (memory, slot) -> AtomicCells.of(memory.sharedInt(slot, 9)),
                    7),
            number(
                    "SharedLong",
                    (memory, slot) -> AtomicCells.of(memory.sharedLong(slot, 7)),
                    (memory, slot) -> AtomicCells.of(memory.sharedLong(slot, 9)),
                    7),
            number(
                    "SharedDouble",
                    (memory, slot) -> AtomicCells.of(memory.sharedDouble(slot, 7)),
                    (memory, slot) -> AtomicCells.of(memory.sharedDouble(slot, 9)),
                    7),
            number(
                    "SharedIntArray",
                    (memory, slot) -> AtomicCells.of(memory.sharedIntArray(slot, 3)),
                    (memory, slot) -> AtomicCells.of(memory.sharedIntArray(slot, 3)),
                    0),
            number(
                    "SharedLongArray",
                    (memory, slot) -> AtomicCells.of(memory.sharedLongArray(slot, 3)),
                    (memory, slot) -> AtomicCells.of(memory.sharedLongArray(slot, 3)),
                    0),
            new SlotKind<>(
                    "SharedEnum",
                    "",
                    "SharedEnum<" + CodedPhase.class.getName() + ">",
                    (memory, slot) -> memory.sharedEnum(slot, CodedPhase.class, CodedPhase.RUNNING),
                    (memory, slot) -> memory.sharedEnum(slot, CodedPhase.class, CodedPhase.STARTING),
                    (first, second) -> {
                        assertEquals(CodedPhase.RUNNING, second.get());
                        first.set(CodedPhase.STARTING);
                        assertEquals(CodedPhase.STARTING, second.get());
                    },
                    value -> List.of(
                            value::get,
                            value::value,
                            value::name,
                            () -> value.set(CodedPhase.STARTING),
                            () -> value.set("STARTING"),
                            () -> value.getAndSet(CodedPhase.STARTING),
                            () -> value.compareAndSet(CodedPhase.RUNNING, CodedPhase.STARTING),
                            value::getLock),
                    value -> {
                        CodedPhase seen = value.get();
                        value.compareAndSet(seen, seen);
                        value.set(seen);
                    }),
            kind(
                    "SharedLock",
                    SharedMemory::sharedLock,
                    SharedMemory::sharedLock,
                    SlotKind::shareALock,
                    SlotKind::usesOfALock,
                    SlotKind::exerciseALock),
            kind(
                    "SharedRLock",
                    SharedMemory::sharedRLock,
                    SharedMemory::sharedRLock,
                    SlotKind::shareALock,
                    SlotKind::usesOfALock,
                    SlotKind::exerciseALock),
            kind(
                    "SharedCondition",
                    GuardedCondition::open,
                    GuardedCondition::open,
                    (first, second) -> {
                        SharedMutexContract.ConditionWaiter waiter = SharedMutexContract.ConditionWaiter.start(
                                second.lock(), () -> second.condition().await(30, TimeUnit.SECONDS));
                        first.lock().lock(); // granted once the waiter released the lock inside await
                        try {
                            first.condition().signal();
                        } finally {
                            first.lock().unlock();
                        }
                        assertEquals(Boolean.TRUE, waiter.outcome());
                    },
                    guarded -> {
                        SharedCondition condition = guarded.condition();
                        guarded.lock().lock();
                        return List.of(
                                condition::signal,
                                condition::signalAll,
                                condition::await,
                                condition::awaitUninterruptibly,
                                () -> condition.await(1, TimeUnit.SECONDS),
                                () -> condition.await(Duration.ofSeconds(1)),
                                () -> condition.awaitNanos(1_000_000),
                                () -> condition.awaitUntil(new Date(System.currentTimeMillis() + 1000)));
                    },
                    guarded -> {
                        if (guarded.lock().tryLock(BRIEFLY)) {
                            try {
                                guarded.condition().await(BRIEFLY);
                                guarded.condition().signal();
                                guarded.condition().signalAll();
                            } finally {
                                guarded.lock().unlock();
                            }
                        }
                    }),
            kind(
                    "SharedSemaphore",
                    (memory, slot) -> memory.sharedSemaphore(slot, 2),
                    (memory, slot) -> memory.sharedSemaphore(slot, 2),
                    SlotKind::sharePermits,
                    SlotKind::usesOfASemaphore,
                    SlotKind::exerciseASemaphore),
            new SlotKind<>(
                    "SharedSemaphore",
                    "bounded",
                    "SharedSemaphore",
                    (memory, slot) -> memory.sharedBoundedSemaphore(slot, 2),
                    (memory, slot) -> memory.sharedBoundedSemaphore(slot, 2),
                    SlotKind::sharePermits,
                    SlotKind::usesOfASemaphore,
                    SlotKind::exerciseASemaphore),
            kind(
                    "SharedEvent",
                    SharedMemory::sharedEvent,
                    SharedMemory::sharedEvent,
                    (first, second) -> {
                        first.set();
                        assertTrue(second.isSet());
                        first.clear();
                        assertFalse(second.isSet());
                    },
                    event -> List.of(
                            event::isSet,
                            event::set,
                            event::clear,
                            event::await,
                            () -> event.await(1, TimeUnit.SECONDS),
                            () -> event.await(Duration.ofSeconds(1))),
                    event -> {
                        event.await(BRIEFLY);
                        event.set();
                        event.await(BRIEFLY);
                        event.clear();
                    }),
            kind(
                    "SharedBarrier",
                    (memory, slot) -> memory.sharedBarrier(slot, 2),
                    (memory, slot) -> memory.sharedBarrier(slot, 2),
                    (first, second) -> {
                        Thread party = Thread.ofPlatform().start(() -> {
                            try {
                                first.await(30, TimeUnit.SECONDS);
                            } catch (Exception e) {
                                throw new AssertionError(e);
                            }
                        });
                        Set<Integer> arrivals = Set.of(0, 1);
                        assertTrue(arrivals.contains(second.await(30, TimeUnit.SECONDS)), "one trip of both");
                        party.join();
                    },
                    barrier -> List.of(
                            barrier::getNumberWaiting,
                            barrier::isBroken,
                            barrier::await,
                            () -> barrier.await(1, TimeUnit.SECONDS),
                            () -> barrier.await(Duration.ofSeconds(1)),
                            barrier::reset),
                    barrier -> {
                        barrier.getNumberWaiting();
                        try {
                            barrier.await(BRIEFLY);
                        } catch (TimeoutException | BrokenBarrierException alone) {
                            // the only party of two times out, or finds the barrier broken already
                        }
                        barrier.reset();
                    }),
            kind(
                    "SharedQueue",
                    (memory, slot) -> memory.sharedQueue(slot, 1024, 100),
                    (memory, slot) -> memory.sharedQueue(slot, 1024, 100),
                    (first, second) -> {
                        assertTrue(first.offer(new byte[] {1, 2, 3}));
                        assertEquals(1, second.size());
                        assertArrayEquals(new byte[] {1, 2, 3}, second.poll());
                        assertTrue(first.isEmpty());
                    },
                    queue -> List.of(
                            () -> queue.offer(new byte[1]),
                            () -> queue.offer(new byte[1], Duration.ofSeconds(1)),
                            () -> queue.offer(new byte[1], 1, TimeUnit.SECONDS),
                            () -> queue.put(new byte[1]),
                            queue::poll,
                            () -> queue.poll(Duration.ofSeconds(1)),
                            () -> queue.poll(1, TimeUnit.SECONDS),
                            queue::take,
                            () -> queue.read(message -> {}),
                            () -> queue.read(message -> {}, Duration.ofSeconds(1)),
                            () -> queue.drainTo(new ArrayList<>(), 1),
                            queue::size,
                            queue::bytesHeld,
                            queue::isEmpty,
                            queue::isShutDown,
                            queue::shutdown),
                    queue -> {
                        queue.size();
                        if (queue.offer(new byte[] {7}, BRIEFLY)) {
                            queue.poll(BRIEFLY);
                        }
                        queue.read(message -> {}, BRIEFLY);
                    }),
            kind(
                    "JoinableQueue",
                    (memory, slot) -> memory.joinableQueue(slot, 1024, 100, byte[].class, BytesCodec.INSTANCE),
                    (memory, slot) -> memory.joinableQueue(slot, 1024, 100, byte[].class, BytesCodec.INSTANCE),
                    (first, second) -> {
                        first.put(new byte[] {1, 2, 3});
                        assertEquals(1, second.unfinishedTasks());
                        assertArrayEquals(new byte[] {1, 2, 3}, second.poll());
                        second.taskDone();
                        assertTrue(first.join(Duration.ofSeconds(30)));
                    },
                    queue -> List.of(
                            () -> queue.offer(new byte[1]),
                            () -> queue.put(new byte[1]),
                            queue::poll,
                            queue::take,
                            queue::peek,
                            queue::join,
                            () -> queue.join(Duration.ofSeconds(1)),
                            queue::unfinishedTasks,
                            queue::abandonedTasks,
                            queue::size),
                    queue -> {
                        queue.unfinishedTasks();
                        if (queue.offer(new byte[] {7}, BRIEFLY.toMillis(), TimeUnit.MILLISECONDS)
                                && queue.poll(BRIEFLY.toMillis(), TimeUnit.MILLISECONDS) != null) {
                            queue.taskDone();
                        }
                        queue.join(BRIEFLY);
                    }));

    private static <A> SlotKind<A> kind(
            String type,
            Accessor<A> creator,
            Accessor<A> another,
            Sharing<A> sharing,
            UsesAfterClose<A> uses,
            Exercise<A> exercise) {
        return new SlotKind<>(type, "", type, creator, another, sharing, uses, exercise);
    }

    /**
     * A numeric slot, accessed through {@link AtomicCells}: {@code initial} is what its creator stores (arrays
     * are created zeroed).
     */
    private static SlotKind<AtomicCells> number(
            String type, Accessor<AtomicCells> creator, Accessor<AtomicCells> another, long initial) {
        return kind(
                type,
                creator,
                another,
                (first, second) -> {
                    int last = first.length() - 1;
                    assertEquals(initial, second.get(last));
                    first.set(last, 11);
                    assertEquals(11, second.get(last));
                },
                SlotKind::usesOfANumber,
                cells -> {
                    int last = cells.length() - 1;
                    cells.set(last, cells.get(last));
                    cells.compareAndSet(last, cells.get(last), cells.get(last));
                });
    }

    private static List<Executable> usesOfANumber(AtomicCells cells) {
        List<Executable> uses = new ArrayList<>(List.of(
                () -> cells.get(0),
                () -> cells.set(0, 1),
                () -> cells.getAcquire(0),
                () -> cells.setRelease(0, 1),
                () -> cells.getAndSet(0, 1),
                () -> cells.compareAndSet(0, 0, 1),
                () -> cells.getAndAdd(0, 1),
                () -> cells.addAndGet(0, 1),
                () -> cells.updateAndGet(0, v -> v),
                () -> cells.accumulateAndGet(0, 1, Long::sum),
                () -> cells.value().getLock()));
        if (cells instanceof AtomicCells.Integral integral) {
            uses.addAll(List.of(
                    () -> integral.getOpaque(0),
                    () -> integral.setOpaque(0, 1),
                    () -> integral.compareAndExchange(0, 0, 1),
                    () -> integral.incrementAndGet(0),
                    () -> integral.decrementAndGet(0)));
        }
        if (cells instanceof AtomicCells.Counter counter) {
            uses.addAll(List.of(
                    () -> counter.getAndIncrement(0),
                    () -> counter.getAndDecrement(0),
                    () -> counter.getAndUpdate(0, v -> v),
                    () -> counter.getAndAccumulate(0, 1, Long::sum)));
        }
        if (cells instanceof AtomicCells.Array array) {
            uses.add(array::toArray);
        }
        return uses;
    }

    private static void shareALock(SharedMutex first, SharedMutex second) {
        first.lock();
        assertTrue(second.isLocked());
        first.unlock();
        assertFalse(second.isLocked());
    }

    private static List<Executable> usesOfALock(SharedMutex lock) {
        return List.of(
                lock::lock,
                lock::lockInterruptibly,
                lock::tryLock,
                () -> lock.tryLock(1, TimeUnit.SECONDS),
                () -> lock.tryLock(Duration.ofSeconds(1)),
                lock::acquire,
                lock::unlock,
                lock::isLocked,
                () -> lock.newCondition("c"));
    }

    private static void exerciseALock(SharedMutex lock) throws InterruptedException {
        boolean locked;
        try {
            locked = lock.tryLock(BRIEFLY);
        } catch (OwnerDiedException takenOver) {
            lock.unlock(); // the exception leaves the lock held
            throw takenOver;
        }
        if (locked) {
            lock.unlock();
        }
    }

    private static void exerciseASemaphore(SharedSemaphore semaphore) throws InterruptedException {
        semaphore.availablePermits();
        if (semaphore.tryAcquire(1, BRIEFLY)) {
            semaphore.release();
        }
    }

    private static void sharePermits(SharedSemaphore first, SharedSemaphore second) {
        assertTrue(first.tryAcquire());
        assertEquals(1, second.availablePermits());
        first.release();
        assertEquals(2, second.availablePermits());
    }

    private static List<Executable> usesOfASemaphore(SharedSemaphore semaphore) {
        return List.of(
                semaphore::availablePermits,
                semaphore::acquire,
                () -> semaphore.acquire(1),
                semaphore::acquireUninterruptibly,
                semaphore::acquirePermit,
                semaphore::tryAcquire,
                () -> semaphore.tryAcquire(1, TimeUnit.SECONDS),
                () -> semaphore.tryAcquire(1, Duration.ofSeconds(1)),
                semaphore::release,
                () -> semaphore.release(1));
    }

    /** Opens the slot as its creator would. */
    A create(SharedMemory memory, String slot) {
        return creator.open(memory, slot);
    }

    /** Opens the slot once through {@code creating} and once through {@code opening}, and checks the sharing. */
    void assertShared(SharedMemory creating, SharedMemory opening, String slot) throws Exception {
        A first = creator.open(creating, slot);
        sharing.check(first, another.open(opening, slot));
    }

    /** Returns the calls of a fresh accessor that must fail once the region is closed. */
    List<Executable> usesToFailAfterClose(SharedMemory memory, String slot) {
        return usesAfterClose.prepare(creator.open(memory, slot));
    }

    @Override
    public String toString() {
        return variant.isEmpty() ? type : type + " (" + variant + ")";
    }
}

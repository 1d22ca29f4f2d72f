package dev.interproc.manager;

import java.util.List;
import java.util.Map;

/**
 * The types a server creates for clients, by typeid: what {@code SyncManager} registers (spec 2.5), with the
 * same exposed methods, so that Python's proxy classes find what they call.
 */
final class Registry {

    /** Makes a new referent from the arguments of {@code create}. */
    @FunctionalInterface
    interface Factory {
        Referent create(Arguments arguments);
    }

    /**
     * One registered type.
     *
     * @param factory makes the referent; null for typeids only returned by methods ({@code Iterator})
     * @param exposed the method names clients may call, in Python's order
     * @param methodToTypeid methods whose result becomes a new shared object of the given typeid
     */
    record Type(Factory factory, List<String> exposed, Map<String, String> methodToTypeid) {
        Type(Factory factory, List<String> exposed) {
            this(factory, exposed, Map.of());
        }
    }

    private static final List<String> ACQUIRER = List.of("acquire", "release");

    /** {@code SyncManager}'s typeids that this server implements. */
    static final Map<String, Type> STANDARD = Map.ofEntries(
            Map.entry("Queue", new Type(QueueReferent::create, QueueReferent.EXPOSED)),
            Map.entry("JoinableQueue", new Type(QueueReferent::create, QueueReferent.EXPOSED)),
            Map.entry("dict", new Type(DictReferent::create, DictReferent.EXPOSED, Map.of("__iter__", "Iterator"))),
            Map.entry("list", new Type(ListReferent::create, ListReferent.EXPOSED)),
            Map.entry("Value", new Type(ValueReferent::create, List.of("get", "set"))),
            Map.entry("Namespace", new Type(NamespaceReferent::create, NamespaceReferent.EXPOSED)),
            Map.entry("Lock", new Type(LockReferent::lock, ACQUIRER)),
            Map.entry("RLock", new Type(LockReferent::reentrant, ACQUIRER)),
            Map.entry("Semaphore", new Type(SemaphoreReferent::unbounded, ACQUIRER)),
            Map.entry("BoundedSemaphore", new Type(SemaphoreReferent::bounded, ACQUIRER)),
            Map.entry("Event", new Type(EventReferent::create, List.of("is_set", "set", "clear", "wait"))),
            Map.entry("Condition", new Type(ConditionReferent::create, ConditionReferent.EXPOSED)),
            Map.entry("Barrier", new Type(BarrierReferent::create, BarrierReferent.EXPOSED)),
            Map.entry("Array", new Type(ArrayReferent::create, ArrayReferent.EXPOSED)),
            Map.entry("Iterator", new Type(null, List.of("__next__", "send", "throw", "close"))));

    private Registry() {}
}

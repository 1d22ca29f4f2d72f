package dev.interproc.manager;

import dev.interproc.codec.PythonClass;
import java.util.List;

/**
 * A Python exception of a class outside {@code builtins} that a manager reply carries and a proxy turns into a
 * result: {@code queue.Empty} ({@code _queue.Empty} from CPython), {@code queue.Full} and
 * {@code threading.BrokenBarrierError}. Decoding only: the
 * server writes its own with {@link PythonError}.
 *
 * @param type the qualified Python class, such as {@code queue.Empty}
 */
record PythonSignal(String type) {

    /** The mappings for the manager's codec. */
    static final List<PythonClass<PythonSignal>> PYTHON_CLASSES = List.of(
            mapping("queue", "Empty"),
            mapping("_queue", "Empty"),
            mapping("queue", "Full"),
            mapping("threading", "BrokenBarrierError"));

    boolean isEmpty() {
        return type.endsWith(".Empty");
    }

    private static PythonClass<PythonSignal> mapping(String module, String name) {
        return new PythonClass<>(
                module,
                name,
                PythonSignal.class,
                arguments -> new PythonSignal(module + "." + name),
                signal -> new Object[0]);
    }
}

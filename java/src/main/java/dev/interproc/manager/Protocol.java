package dev.interproc.manager;

import dev.interproc.codec.PickleCodec;
import dev.interproc.codec.PythonClass;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** What both ends of the manager protocol share: the codec and the shape of a request. */
final class Protocol {

    /**
     * The pickle codec of the protocol: the standard one, {@code slice} (for {@code list[a:b]}), CPython's
     * {@code list(...)} of dict views and the queue exceptions a reply may carry.
     */
    static final PickleCodec CODEC;

    static {
        PickleCodec.Builder builder =
                PickleCodec.builder().register(Slice.PYTHON_CLASS).register(RebuiltList.PYTHON_CLASS);
        PythonSignal.PYTHON_CLASSES.forEach(builder::register);
        CODEC = builder.build();
    }

    private Protocol() {}

    /**
     * Pickles a request {@code (ident, method, args, {})}; a null ident is a server function.
     *
     * @throws IllegalArgumentException if an argument is of a type the codec does not pickle
     */
    static byte[] requestOf(String ident, String method, Object... args) {
        try {
            return CODEC.encode(new Object[] {ident, method, args, Map.of()});
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot send " + method + "(...): " + e.getMessage(), e);
        }
    }

    /**
     * What CPython's manager sends for {@code dict.keys()}, {@code values()} and {@code items()}: a call of
     * {@code list} on a list ({@code rebuild_as_list}). Decoded to a list; sent back as a plain list.
     */
    static final class RebuiltList extends ArrayList<Object> {
        private static final long serialVersionUID = 1L;

        RebuiltList(Collection<?> items) {
            super(items);
        }

        static final PythonClass<RebuiltList> PYTHON_CLASS = new PythonClass<>(
                "builtins",
                "list",
                RebuiltList.class,
                arguments -> new RebuiltList(arguments.length == 0 ? List.of() : (Collection<?>) arguments[0]),
                list -> new Object[] {new ArrayList<>(list)});
    }
}

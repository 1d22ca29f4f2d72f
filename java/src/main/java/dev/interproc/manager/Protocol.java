package dev.interproc.manager;

import dev.interproc.codec.PickleCodec;
import java.io.IOException;
import java.util.Map;

/** What both ends of the manager protocol share: the codec and the shape of a request. */
final class Protocol {

    /**
     * The pickle codec of the protocol: the standard one, {@code slice} (for {@code list[a:b]}) and the queue
     * exceptions a reply may carry.
     */
    static final PickleCodec CODEC;

    static {
        PickleCodec.Builder builder = PickleCodec.builder().register(Slice.PYTHON_CLASS);
        PythonSignal.PYTHON_CLASSES.forEach(builder::register);
        CODEC = builder.build();
    }

    private Protocol() {}

    /** {@return the pickled request {@code (ident, method, args, kwds)}; a null ident is a server function} */
    static byte[] request(String ident, String method, Object[] args, Map<String, Object> keywords) throws IOException {
        return CODEC.encode(new Object[] {ident, method, args, keywords});
    }
}

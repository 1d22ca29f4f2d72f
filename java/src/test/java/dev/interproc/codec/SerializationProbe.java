package dev.interproc.codec;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A class that must never be deserialized from an untrusted stream, with flags that show whether its class was
 * initialized, an instance was created (the no-argument constructor of its first non-serializable superclass
 * runs during deserialization) or its {@code readObject} ran. The flags live in this outer class so that
 * checking them does not initialize {@link Hostile}.
 */
public final class SerializationProbe {

    public static final AtomicBoolean STATIC_INIT_RAN = new AtomicBoolean();
    public static final AtomicBoolean CONSTRUCTOR_RAN = new AtomicBoolean();
    public static final AtomicBoolean READ_OBJECT_RAN = new AtomicBoolean();

    private SerializationProbe() {}

    static void reset() {
        STATIC_INIT_RAN.set(false);
        CONSTRUCTOR_RAN.set(false);
        READ_OBJECT_RAN.set(false);
    }

    /** Deserialization calls this constructor, as it is the first non-serializable superclass's. */
    static class NotSerializableBase {
        NotSerializableBase() {
            CONSTRUCTOR_RAN.set(true);
        }
    }

    public static final class Hostile extends NotSerializableBase implements Serializable {

        private static final long serialVersionUID = 1L;

        static {
            STATIC_INIT_RAN.set(true);
        }

        /** Creates a probe object, for a test to serialize. */
        public Hostile() {}

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            READ_OBJECT_RAN.set(true);
        }
    }
}

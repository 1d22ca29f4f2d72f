package dev.interproc.probe;

import dev.interproc.SharedMemory;
import dev.interproc.internal.ffm.NativeLibrary;

/**
 * A JVM of {@code NativeLoadingTest}, in a package of its own so that it stays outside the module dev.interproc: lists the regions twice through the public API, printing {@code LOADED} or,
 * for each failed call, {@code FAILED <exception class>: <message>}, so the test sees what a user would.
 */
public final class LoadProbe {

    private LoadProbe() {}

    public static void main(String[] args) {
        for (int call = 0; call < 2; call++) {
            try {
                SharedMemory.list();
                System.out.println("LOADED " + NativeLibrary.loadDescription());
            } catch (Throwable t) {
                System.out.println("FAILED " + t.getClass().getName() + ": " + t.getMessage());
            }
        }
    }
}

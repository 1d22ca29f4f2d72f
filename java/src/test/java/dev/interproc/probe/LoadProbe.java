package dev.interproc.probe;

import dev.interproc.SharedMemory;
import dev.interproc.connection.Address;
import dev.interproc.connection.Listener;
import dev.interproc.internal.ffm.NativeLibrary;
import java.nio.charset.StandardCharsets;

/**
 * A JVM of {@code NativeLoadingTest}, in a package of its own so that it stays outside the module dev.interproc: lists the regions (or, given {@code connection}, binds a listener on an abstract socket, which calls the C library) twice through the public API, printing {@code LOADED} or,
 * for each failed call, {@code FAILED <exception class>: <message>}, so the test sees what a user would.
 */
public final class LoadProbe {

    private LoadProbe() {}

    public static void main(String[] args) {
        boolean connection = args.length > 0 && args[0].equals("connection");
        for (int call = 0; call < 2; call++) {
            try {
                if (connection) {
                    byte[] name = ("interproc-load-probe-"
                                    + ProcessHandle.current().pid() + "-" + call)
                            .getBytes(StandardCharsets.UTF_8);
                    Listener.bind(new Address.Abstract(name), 1, null).close();
                    System.out.println("LOADED a listener on an abstract socket");
                    continue;
                }
                SharedMemory.list();
                System.out.println("LOADED " + NativeLibrary.loadDescription());
            } catch (Throwable t) {
                System.out.println("FAILED " + t.getClass().getName() + ": " + t.getMessage());
            }
        }
    }
}

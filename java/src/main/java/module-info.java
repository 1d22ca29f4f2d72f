/**
 * interproc: typed shared state and coordination between JVM processes on one Linux host.
 * Needs native access: run with {@code --enable-native-access=dev.interproc} (module path)
 * or {@code --enable-native-access=ALL-UNNAMED} (class path).
 */
module dev.interproc {
    exports dev.interproc;
    exports dev.interproc.process;
    exports dev.interproc.codec;
    exports dev.interproc.connection;
    exports dev.interproc.pool;
    exports dev.interproc.manager;

    requires pickle;
    // Flight Recorder events (docs/observability.md): in every JDK image, and read by the event classes themselves.
    requires jdk.jfr;
}

/**
 * The {@code interproc} command line ({@code ls}, {@code show}, {@code rm}, {@code demo}) and the worker
 * example its {@code demo} runs. Built only on the library's exported API; picocli and the JDK's HTTP server
 * are needed here and nowhere in the library.
 */
module dev.interproc.cli {
    requires dev.interproc;
    requires info.picocli;
    requires java.net.http;
    requires jdk.httpserver;

    opens dev.interproc.cli to
            info.picocli;
}

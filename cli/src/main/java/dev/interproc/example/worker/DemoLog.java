package dev.interproc.example.worker;

import java.io.PrintWriter;
import java.util.Locale;

/** The demo's transcript: one line per event, with the seconds since the start and who reported it. */
final class DemoLog {

    private final PrintWriter out;
    private final long startNanos;

    DemoLog(PrintWriter out, long startNanos) {
        this.out = out;
        this.startNanos = startNanos;
    }

    synchronized void say(String who, String message) {
        out.printf(Locale.ROOT, "%6.2f %-11s %s%n", (System.nanoTime() - startNanos) / 1e9, "[" + who + "]", message);
        out.flush();
    }
}

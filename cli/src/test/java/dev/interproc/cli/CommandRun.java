package dev.interproc.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One run of the {@code interproc} command line in this JVM, for the command tests: its exit code and what it wrote.
 *
 * @param exitCode the exit code
 * @param out what it wrote on standard output
 * @param err what it wrote on standard error
 */
record CommandRun(int exitCode, String out, String err) {

    /** Runs {@code interproc args...} and captures its output. */
    static CommandRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = Main.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
        return new CommandRun(exitCode, out.toString(), err.toString());
    }
}

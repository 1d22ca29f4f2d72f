package dev.interproc.pool;

/**
 * The worker JVM running a task ended before the task's outcome reached this JVM: it was killed (SIGKILL, the
 * OOM killer), called {@code System.exit}, or crashed. The task may have run in part, or not at all.
 */
public final class WorkerDiedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The pid of the worker that died. */
    private final long pid;

    /** Its exit code, or -1. */
    private final int exitCode;

    /**
     * Makes the exception.
     *
     * @param pid the pid of the worker that died
     * @param exitCode its exit code as {@link Process#exitValue()} gives it (128 + the signal number when a signal
     *     ended it), or -1 if it could not be read
     * @param task what the worker was running, for the message
     */
    WorkerDiedException(long pid, int exitCode, String task) {
        super("worker pid " + pid + " died (" + describeExit(exitCode) + ") while running " + task);
        this.pid = pid;
        this.exitCode = exitCode;
    }

    /** {@return the pid of the worker that died} */
    public long pid() {
        return pid;
    }

    /** {@return its exit code (128 + the signal number when a signal ended it), or -1 if it could not be read} */
    public int exitCode() {
        return exitCode;
    }

    /** {@return the exit code in words: "exit code 137, signal 9 (SIGKILL)"} */
    static String describeExit(int exitCode) {
        if (exitCode < 0) {
            return "exit code unknown";
        }
        if (exitCode <= 128) {
            return "exit code " + exitCode;
        }
        int signal = exitCode - 128;
        String name =
                switch (signal) {
                    case 9 -> " (SIGKILL)";
                    case 15 -> " (SIGTERM)";
                    case 6 -> " (SIGABRT)";
                    case 11 -> " (SIGSEGV)";
                    case 2 -> " (SIGINT)";
                    default -> "";
                };
        return "exit code " + exitCode + ", signal " + signal + name;
    }
}

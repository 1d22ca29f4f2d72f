package dev.interproc;

/**
 * Thrown by {@link JoinableQueue#join()} when, while it waited, a process died with tasks it had taken from the queue
 * and not marked done: those tasks are given up (counted done, so that no join waits for them forever), and the
 * exception names the process and how many it left.
 */
public final class TasksAbandonedException extends InterprocException {

    private static final long serialVersionUID = 1L;

    /** The pid of the process that died last with unfinished tasks, negative if unknown. */
    private final int pid;

    /** The tasks given up while the join waited. */
    private final long tasks;

    TasksAbandonedException(String message, int pid, long tasks) {
        super(message, 0);
        this.pid = pid;
        this.tasks = tasks;
    }

    /**
     * The process that died last with unfinished tasks.
     *
     * @return its pid, or a negative number if its process-table entry was reused before its tasks were given up
     */
    public int pid() {
        return pid;
    }

    /**
     * The tasks given up while the join waited.
     *
     * @return how many tasks dead processes left unfinished during the join, at least 1
     */
    public long tasks() {
        return tasks;
    }
}
